import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../src';
import { FMA_GEMM_WASM, fmaGemm, fmaProduct, fmaScratch, relaxedSimd } from '../src/fma-gemm';
import type { WasmMemory } from '../src/simd-kernels';

test('the embedded module is src/fma-gemm.wat compiled (wabt): the source in the repository is what runs', async () => {
  const wabt = await (require('wabt') as () => Promise<{ parseWat(name: string, text: string, features: object): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void } }>)();
  const file = join(__dirname, '..', 'src', 'fma-gemm.wat');
  const mod = wabt.parseWat(file, readFileSync(file, 'utf8'), { simd: true, relaxed_simd: true });
  const bytes = Buffer.from(mod.toBinary({}).buffer);
  mod.destroy();
  assert.equal(FMA_GEMM_WASM, bytes.toString('base64'), 'rebuild the bytes in src/fma-gemm.ts with the command in its header');
});

// Every value of C must be the in-order sum over k of products fused into the running sum (one rounding per step),
// or, where a CPU has no FMA, of products rounded and then added (relaxed_madd may be either): both are emulated here
// in double precision and the kernel must equal one of them exactly, for every shape of block edges and transposes.
test('FMA product: op(A)·op(B) equals the in-order fused (or unfused) float32 sum, all transposes, ragged shapes', (t) => {
  if (!relaxedSimd()) return t.skip('relaxed SIMD does not run here (needs Node 20 with V8 flag support, or Node 22+)');
  const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => WasmMemory } }).WebAssembly.Memory({ initial: 256 });
  const g = fmaGemm(memory);
  assert.ok(g, 'the kernel did not instantiate');
  const r = rng(3);
  const f = Math.fround;
  let fused = 0, unfused = 0;
  for (const [m, n, k] of [[1, 1, 1], [4, 8, 5], [5, 9, 3], [3, 7, 17], [13, 21, 40], [8, 16, 1], [9, 3, 0], [0, 4, 3], [33, 17, 64]]) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const A = Float32Array.from({ length: m * k }, () => r.normal()), B = Float32Array.from({ length: k * n }, () => r.normal());
        const heap = new Float32Array(memory.buffer);
        const a = 64, b = a + 4 * A.length, c = b + 4 * B.length, w = c + 4 * m * n + 16;
        heap.set(A, a >> 2);
        heap.set(B, b >> 2);
        heap.fill(NaN, c >> 2, (c >> 2) + m * n);
        fmaProduct(g!, a, b, c, m, n, k, ta, tb, w);
        assert.ok(w + 4 * fmaScratch(m, n, k) <= memory.buffer.byteLength);
        const C = new Float32Array(memory.buffer, c, m * n);
        const opA = (i: number, kk: number) => (ta ? A[kk * m + i] : A[i * k + kk]);
        const opB = (kk: number, j: number) => (tb ? B[j * k + kk] : B[kk * n + j]);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let sf = 0, su = 0;
            for (let kk = 0; kk < k; kk++) {
              sf = f(opA(i, kk) * opB(kk, j) + sf);
              su = f(f(opA(i, kk) * opB(kk, j)) + su);
            }
            const got = C[i * n + j];
            if (Object.is(got, sf)) fused++;
            else if (Object.is(got, su)) unfused++;
            else assert.fail(`C[${i}][${j}] of ${m}×${k}·${k}×${n} (ta ${ta}, tb ${tb}): ${got}, in-order sums ${sf} (fused) and ${su} (unfused)`);
          }
        }
      }
    }
  }
  t.diagnostic(`values equal to the fused sum: ${fused}; to the unfused sum only: ${unfused}`);
});
