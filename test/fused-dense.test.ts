import { test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { initBackend, rng, setWasmMatMul } from '../src';
import { esm2WeightsAfterTraining, tinyTrainData } from './training';
import { denseFused, denseUnfused, fusedDenseActive, fusedTowersActive, towersLogits, towersLogitsUnfused } from '../src/fused-dense';
import { towersThreadStats } from '../src/towers-thread';

// Tolerance: 0 (bit for bit) is what the kernels are built for; the assertion allows 1e-6 relative, and the
// test reports the largest difference seen.
process.env.BUYPATH_FUSED_DENSE = '1'; // opt-in; the tests below turn it off where they need it off

test('fused dense (matMul + bias + ReLU on BLAS) equals the unfused composition in values and gradients, without leaks', async (t) => {
  const { tf } = await initBackend('wasm', { quiet: true });
  setWasmMatMul(tf, 'blas');
  if (!fusedDenseActive(tf)) return t.skip('no BLAS loaded (none installed, or BUYPATH_BLAS=0)');
  const r = rng(21);
  let worst = 0;
  for (const [B, I, O] of [[7, 5, 3], [64, 40, 32], [33, 17, 1], [300, 130, 64]]) {
    for (const relu of [true, false]) {
      const x = Float32Array.from({ length: B * I }, () => r.normal());
      const w = Float32Array.from({ length: I * O }, () => r.normal() * 0.3);
      const b = Float32Array.from({ length: O }, () => r.normal() * 0.1);
      const up = Float32Array.from({ length: B * O }, () => r.normal()); // upstream gradient
      const before = tf.memory().numTensors;
      const run = (f: typeof denseFused) => tf.tidy(() => {
        const [xt, wt, bt, u] = [tf.tensor2d(x, [B, I]), tf.tensor2d(w, [I, O]), tf.tensor1d(b), tf.tensor2d(up, [B, O])];
        const y = f(tf, xt, wt, bt, relu).dataSync().slice();
        const grads = tf.grads((a: any, c: any, d: any) => tf.sum(tf.mul(f(tf, a, c, d, relu), u)))([xt, wt, bt]).map((g) => g.dataSync().slice());
        return [y, ...grads];
      });
      const fused = run(denseFused), plain = run(denseUnfused);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      ['y', 'dx', 'dW', 'db'].forEach((name, i) => {
        assert.equal(fused[i].length, plain[i].length);
        fused[i].forEach((v, k) => {
          const d = Math.abs(v - plain[i][k]);
          worst = Math.max(worst, d / (1 + Math.abs(plain[i][k])));
          assert.ok(d <= 1e-6 * (1 + Math.abs(plain[i][k])), `${name}[${k}] of [${B},${I}]×[${I},${O}] relu ${relu}: ${v} vs ${plain[i][k]}`);
        });
      });
      if (relu) assert.ok(fused[0].some((v) => v === 0) && fused[0].some((v) => v > 0), 'ReLU cut some units');
    }
  }
  t.diagnostic(`largest relative difference: ${worst}`);
});

test('fused dense is off without BLAS, and unless BUYPATH_FUSED_DENSE=1', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  setWasmMatMul(tf, 'transpose-fix');
  assert.equal(fusedDenseActive(tf), false);
  setWasmMatMul(tf, 'blas');
  delete process.env.BUYPATH_FUSED_DENSE;
  assert.equal(fusedDenseActive(tf), false);
  process.env.BUYPATH_FUSED_DENSE = '1';
});

test('ESM2 trained with fused dense layers ends with the unfused weights, bit for bit (dropout on, 3 epochs)', async (t) => {
  const { tf } = await initBackend('wasm', { quiet: true });
  setWasmMatMul(tf, 'blas');
  if (!fusedDenseActive(tf)) return t.skip('no BLAS loaded (none installed, or BUYPATH_BLAS=0)');
  const d = tinyTrainData(6);
  const before = tf.memory().numTensors;
  // BUYPATH_FUSED=0: the per-layer path (whole fused towers would otherwise replace both).
  const weights = (fused: boolean) => esm2WeightsAfterTraining(tf, d, { BUYPATH_FUSED: '0', BUYPATH_FUSED_DENSE: fused ? '1' : '0' });
  const plain = await weights(false), fused = await weights(true);
  assert.deepEqual(fused, plain);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

// Whole towers (BuypathTowers): the kernels do the unfused layers' float32 operations in the same order (the
// products through the same sgemm calls or the same wasm BatchMatMul kernel), so the tolerance asserted,
// 1e-6 relative, is a margin: the test reports the largest difference seen.
for (const [mode, simd] of [['blas', true], ['fma', true], ['transpose-fix', true], ['blas', false], ['fma', false], ['transpose-fix', false]] as const) {
  test(`fused towers (${mode}, element-wise loops in ${simd ? 'WebAssembly SIMD' : 'JavaScript: BUYPATH_SIMD=0'}) equal the unfused layers in logits and gradients, with and without dropout, without leaks`, async (t) => {
    const { tf } = await initBackend('wasm', { quiet: true });
    if (!simd) process.env.BUYPATH_SIMD = '0';
    t.after(() => { delete process.env.BUYPATH_SIMD; });
    if (setWasmMatMul(tf, mode) !== mode) return t.skip('no BLAS loaded (none installed, or BUYPATH_BLAS=0)');
    assert.ok(fusedTowersActive(tf));
    const r = rng(5);
    let worst = 0;
    for (const [B, sizes, T, rate, seeded] of [[37, [11, 16, 8, 1], 4, 0.3, true], [64, [20, 5, 1], 3, 0.5, false], [9, [6, 1], 2, 0, true], [200, [40, 64, 32, 1], 4, 0.1, true], [50, [13, 6, 1], 2, 0.2, true]] as const) {
      const x = Float32Array.from({ length: B * sizes[0] }, () => r.normal());
      const params = Array.from({ length: T }, () => sizes.slice(1).map((o, l) => ({
        w: Float32Array.from({ length: sizes[l] * o }, () => r.normal() / Math.sqrt(sizes[l])), b: Float32Array.from({ length: o }, () => r.normal() * 0.1),
      })));
      const up = Float32Array.from({ length: T * B }, () => r.normal());
      const seeds = Array.from({ length: T }, (_, i) => (seeded ? 100 + i : undefined));
      const before = tf.memory().numTensors;
      const run = (f: typeof towersLogits) => tf.tidy(() => {
        const xt = tf.tensor2d(x, [B, sizes[0]]);
        const ps = params.flatMap((tw) => tw.flatMap((l, i) => [tf.tensor2d(l.w, [sizes[i], sizes[i + 1]]), tf.tensor1d(l.b)]));
        const towers = (xs: TF.Tensor[]) => params.map((tw, ti) => tw.map((_, l) => ({ w: xs[2 * (ti * tw.length + l)] as TF.Tensor2D, b: xs[2 * (ti * tw.length + l) + 1] as TF.Tensor1D })));
        const y = f(tf, xt, towers(ps), rate, seeds).dataSync().slice();
        const grads = tf.grads((...a: TF.Tensor[]) => tf.sum(tf.mul(f(tf, a[0] as TF.Tensor2D, towers(a.slice(1)), rate, seeds), tf.tensor2d(up, [T, B]))))([xt, ...ps]);
        return [y, ...grads.map((g) => g.dataSync().slice())];
      });
      const fused = run(towersLogits), plain = run(towersLogitsUnfused);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      assert.equal(fused.length, plain.length);
      fused.forEach((arr, i) => {
        assert.equal(arr.length, plain[i].length);
        arr.forEach((v, k) => {
          const d = Math.abs(v - plain[i][k]);
          worst = Math.max(worst, d / (1 + Math.abs(plain[i][k])));
          assert.ok(d <= 1e-6 * (1 + Math.abs(plain[i][k])), `${i === 0 ? 'logits' : i === 1 ? 'dx' : `grad of param ${i - 2}`}[${k}] (B ${B}, sizes ${sizes}, T ${T}, rate ${rate}): ${v} vs ${plain[i][k]}`);
        });
      });
    }
    setWasmMatMul(tf, 'blas');
    t.diagnostic(`largest relative difference: ${worst}`);
  });
}

// Two threads (towers-thread.ts): each tower runs the same operations on either thread, and the dx of the main
// thread's towers are added after the thread's in one thread's order, so the tolerance is 0.
for (const mode of ['fma', 'transpose-fix', 'stock'] as const) {
  test(`fused towers on two threads (${mode}) equal them on one thread bit for bit, in logits and gradients, without leaks`, async (t) => {
    const { tf } = await initBackend('wasm', { quiet: true });
    setWasmMatMul(tf, mode);
    t.after(() => {
      delete process.env.BUYPATH_TOWER_THREAD;
      setWasmMatMul(tf, 'blas');
    });
    const r = rng(8);
    for (const [B, sizes, T, rate] of [[37, [11, 16, 8, 1], 4, 0.3], [64, [20, 5, 1], 3, 0.5], [9, [6, 1], 2, 0], [120, [40, 64, 32, 1], 4, 0.5]] as const) {
      const x = Float32Array.from({ length: B * sizes[0] }, () => r.normal());
      const params = Array.from({ length: T }, () => sizes.slice(1).flatMap((o, l) => [
        Float32Array.from({ length: sizes[l] * o }, () => r.normal() / Math.sqrt(sizes[l])), Float32Array.from({ length: o }, () => r.normal() * 0.1),
      ]));
      const up = Float32Array.from({ length: T * B }, () => r.normal());
      const seeds = Array.from({ length: T }, (_, i) => 40 + i);
      // `plain`: one forward under the tape, one backward; `evict`: six forwards under one tape, more than the thread keeps
      // activations for (the backward runs the forward again); `switch`: the thread is turned off between the forward and
      // the backward (this thread computes the thread's activations again).
      const run = (threads: '0' | '1', variant: 'plain' | 'evict' | 'switch' = 'plain') => {
        process.env.BUYPATH_TOWER_THREAD = threads;
        const jobs = towersThreadStats().jobs, before = tf.memory().numTensors;
        const out = tf.tidy(() => {
          const xt = tf.tensor2d(x, [B, sizes[0]]);
          const ps = params.flat().map((v, i) => (i % 2 === 0 ? tf.tensor2d(v, [sizes[(i >> 1) % (sizes.length - 1)], v.length / sizes[(i >> 1) % (sizes.length - 1)]]) : tf.tensor1d(v)));
          const towers = (xs: TF.Tensor[]) => params.map((_, ti) => sizes.slice(1).map((__, l) => ({ w: xs[2 * (ti * (sizes.length - 1) + l)] as TF.Tensor2D, b: xs[2 * (ti * (sizes.length - 1) + l) + 1] as TF.Tensor1D })));
          const y = towersLogits(tf, xt, towers(ps), rate, seeds).dataSync().slice();
          const grads = tf.grads((...a: TF.Tensor[]) => {
            const logits = Array.from({ length: variant === 'evict' ? 6 : 1 }, (_, k) => tf.mul(towersLogits(tf, a[0] as TF.Tensor2D, towers(a.slice(1)), rate, seeds), k + 1));
            if (variant === 'switch') process.env.BUYPATH_TOWER_THREAD = '0';
            return tf.sum(tf.mul(tf.addN(logits), tf.tensor2d(up, [T, B])));
          })([xt, ...ps]);
          process.env.BUYPATH_TOWER_THREAD = threads;
          return [y, ...grads.map((g) => g.dataSync().slice())];
        });
        assert.equal(tf.memory().numTensors, before, 'tensors leaked');
        // Forwards (the value, then under the tape) and backwards: each a job on two threads (the backward not after
        // `switch`), none on one.
        const expected = threads === '0' ? 0 : variant === 'evict' ? 13 : variant === 'switch' ? 2 : 3;
        assert.equal(towersThreadStats().jobs - jobs, expected, `jobs handed to the towers thread with BUYPATH_TOWER_THREAD=${threads} (${variant})`);
        return out;
      };
      for (const variant of ['plain', 'evict', 'switch'] as const) {
        const one = run('0', variant), two = run('1', variant);
        assert.equal(towersThreadStats().dropped, null);
        two.forEach((arr, i) => arr.forEach((v, k) => assert.ok(Object.is(v, one[i][k]), `${variant}: ${i === 0 ? 'logits' : i === 1 ? 'dx' : `grad of param ${i - 2}`}[${k}] (B ${B}, sizes ${sizes}, T ${T}): ${v} on two threads, ${one[i][k]} on one`)));
      }
    }
  });
}

test('ESM2 trained with its towers on two threads (no BLAS) ends with the one-thread weights, bit for bit (dropout on, 3 epochs)', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  setWasmMatMul(tf, 'transpose-fix');
  try {
    const d = tinyTrainData(7);
    const before = tf.memory().numTensors, jobs = towersThreadStats().jobs;
    const one = await esm2WeightsAfterTraining(tf, d, { BUYPATH_TOWER_THREAD: '0' });
    assert.equal(towersThreadStats().jobs, jobs, 'the towers thread ran with BUYPATH_TOWER_THREAD=0');
    const two = await esm2WeightsAfterTraining(tf, d, { BUYPATH_TOWER_THREAD: '1' });
    assert.ok(towersThreadStats().jobs > jobs, 'the towers thread never ran with BUYPATH_TOWER_THREAD=1');
    assert.deepEqual(two, one);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  } finally {
    setWasmMatMul(tf, 'blas');
  }
});

test('fused towers are off with BUYPATH_FUSED=0 and off the wasm backend', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  process.env.BUYPATH_FUSED = '0';
  try {
    assert.equal(fusedTowersActive(tf), false);
  } finally {
    delete process.env.BUYPATH_FUSED;
  }
  assert.equal(fusedTowersActive(tf), true);
});
