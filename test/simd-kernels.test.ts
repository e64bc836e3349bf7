import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, rng } from '../src';
import { SIMD_KERNELS_WASM, simdKernels, type WasmMemory } from '../src/simd-kernels';
import { dropoutMask } from '../src/fused-dense';
import { adamStep } from '../src/train/fused-adam';

// Each SIMD function against the JavaScript loop it replaces, on the wasm backend's heap: equal bit for bit (tolerance 0).
test('WebAssembly SIMD kernels equal their JavaScript loops bit for bit (widths with and without a tail of 1–3 values)', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const be = tf.backend() as unknown as { wasm: { asm: { memory: WasmMemory } }; dataIdMap: { get(id: object): { memoryOffset: number } } };
  const k = simdKernels(be.wasm.asm.memory);
  assert.ok(k, 'WebAssembly SIMD available on Node 20');
  const r = rng(4);
  const before = tf.memory().numTensors;
  const heap = (a: Float32Array) => tf.tensor1d(a);
  const p = (t: { dataId: object }) => be.dataIdMap.get(t.dataId).memoryOffset;
  const read = (t: { dataSync(): unknown }) => Array.from(t.dataSync() as Float32Array);
  for (const [rows, o] of [[7, 8], [33, 64], [1, 4]]) {
    const n = rows * o;
    const h = Float32Array.from({ length: n }, () => r.normal()), bias = Float32Array.from({ length: o }, () => r.normal() * 0.3);
    const mask = dropoutMask(n, 0.3, 17);
    for (const useMask of [0, 1]) {
      const [ht, bt, mt, gt] = [heap(h), heap(bias), heap(mask), heap(new Float32Array(n))];
      k!.hidden(p(ht), p(bt), p(mt), p(gt), rows, o, useMask);
      const eh = new Float32Array(n), eg = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const z = Math.fround(h[i] + bias[i % o]);
        eg[i] = +(z > 0) * (useMask ? mask[i] : 1);
        eh[i] = z * eg[i] + 0;
      }
      assert.deepEqual(read(ht), Array.from(eh));
      assert.deepEqual(read(gt), Array.from(eg));
      assert.ok(read(ht).every((v) => !Object.is(v, -0)), 'no −0');
      tf.dispose([ht, bt, mt, gt]);
    }
    const [dz, db] = [heap(h), heap(Float32Array.from({ length: o }, () => 9))];
    k!.colsum(p(dz), p(db), rows, o);
    const e = new Float32Array(o);
    for (let i = 0; i < n; i++) e[i % o] += h[i];
    assert.deepEqual(read(db), Array.from(e));
    tf.dispose([dz, db]);
  }
  for (const n of [1, 3, 4, 17, 1000]) {
    const a = Float32Array.from({ length: n }, () => r.normal()), b = Float32Array.from({ length: n }, () => r.normal());
    for (const op of ['mul', 'add'] as const) {
      const [at, bt] = [heap(a), heap(b)];
      k![op](p(at), p(bt), n);
      assert.deepEqual(read(at), Array.from(Float32Array.from(a, (v, i) => (op === 'mul' ? v * b[i] : v + b[i]))));
      tf.dispose([at, bt]);
    }
    const out = heap(new Float32Array(n));
    const rate = 0.37, seed = 1234 + n;
    const { Rng } = await import('../src/random');
    const s = new Rng(seed);
    k!.mask(p(out), n, s.nextUint32() | 0, s.nextUint32() | 0, s.nextUint32() | 0, s.nextUint32() | 0, Math.floor((1 - rate) * 4294967296) | 0, 1 / (1 - rate));
    assert.deepEqual(read(out), Array.from(dropoutMask(n, rate, seed)));
    out.dispose();
    const [x, g, m, v] = [0, 1, 2, 3].map((i) => Float32Array.from({ length: n }, () => (i === 3 ? Math.abs(r.normal()) * 0.01 : r.normal())));
    const a2 = { beta1: 0.9, beta2: 0.999, oneMinusAccBeta1: 1 - 0.9 ** 4, oneMinusAccBeta2: 1 - 0.999 ** 4, learningRate: 5e-4, epsilon: 1e-7 };
    const ins = [x, g, m, v].map(heap), outs = [0, 1, 2].map(() => heap(new Float32Array(n)));
    const f = Math.fround;
    k!.adam(p(ins[0]), p(ins[1]), p(ins[2]), p(ins[3]), p(outs[0]), p(outs[1]), p(outs[2]), n,
      f(a2.beta1), f(a2.beta2), f(1 - a2.beta1), f(1 - a2.beta2), f(a2.oneMinusAccBeta1), f(a2.oneMinusAccBeta2), f(a2.epsilon), f(-a2.learningRate));
    const [xe, me, ve] = [x.slice(), m.slice(), v.slice()];
    adamStep(x, g, m, v, a2, xe, me, ve);
    assert.deepEqual(outs.map(read), [xe, me, ve].map((a) => Array.from(a)));
    tf.dispose([...ins, ...outs]);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('BUYPATH_SIMD=0 turns the SIMD kernels off', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  process.env.BUYPATH_SIMD = '0';
  try {
    assert.equal(simdKernels((tf.backend() as unknown as { wasm: { asm: { memory: WasmMemory } } }).wasm.asm.memory), null);
  } finally {
    delete process.env.BUYPATH_SIMD;
  }
});

test('the embedded module is src/simd-kernels.wat compiled (wabt): the source in the repository is what runs', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const wabt = await (require('wabt') as () => Promise<{ parseWat(name: string, text: string, features: object): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void } }>)();
  const file = join(__dirname, '..', 'src', 'simd-kernels.wat');
  const mod = wabt.parseWat(file, readFileSync(file, 'utf8'), { simd: true });
  const bytes = Buffer.from(mod.toBinary({}).buffer);
  mod.destroy();
  assert.equal(SIMD_KERNELS_WASM, bytes.toString('base64'), 'rebuild the bytes in src/simd-kernels.ts with the command in its header');
});
