import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as TF from '@tensorflow/tfjs';
import { initBackend, rng, setWasmMatMul } from '../src';
import { towersLogits } from '../src/fused-dense';
import { towersThreadStats } from '../src/towers-thread';

// A worker that cannot run the main thread's products (here: started after BUYPATH_FMA=0, so it would fall back to
// XNNPACK while the main thread runs the FMA kernel) refuses to start; the main thread then drops the thread, runs
// every tower itself and gets the one-thread numbers. This file has a process of its own: a dropped thread stays dropped.
test('a towers thread that cannot start is dropped, and the towers run on the main thread with the same numbers', async (t) => {
  const { tf } = await initBackend('wasm', { quiet: true });
  if (setWasmMatMul(tf, 'fma') !== 'fma') return t.skip('relaxed SIMD does not run here (the FMA kernel is needed to provoke the mismatch)');
  t.after(() => {
    delete process.env.BUYPATH_TOWER_THREAD;
    delete process.env.BUYPATH_FMA;
    setWasmMatMul(tf, 'blas');
  });
  const r = rng(4), B = 30, sizes = [9, 12, 1], T = 4;
  const x = Float32Array.from({ length: B * sizes[0] }, () => r.normal());
  const params = Array.from({ length: T }, () => [Float32Array.from({ length: 9 * 12 }, () => r.normal() / 3), Float32Array.from({ length: 12 }, () => r.normal() * 0.1), Float32Array.from({ length: 12 }, () => r.normal() / 3), Float32Array.from({ length: 1 }, () => 0.1)]);
  const run = () => tf.tidy(() => {
    const xt = tf.tensor2d(x, [B, 9]);
    const towers = params.map((p) => [{ w: tf.tensor2d(p[0], [9, 12]), b: tf.tensor1d(p[1]) }, { w: tf.tensor2d(p[2], [12, 1]), b: tf.tensor1d(p[3]) }]);
    const [dx] = tf.grads((a: TF.Tensor) => tf.sum(towersLogits(tf, a as TF.Tensor2D, towers, 0.2, [1, 2, 3, 4])))([xt]);
    return [towersLogits(tf, xt, towers, 0.2, [1, 2, 3, 4]).dataSync().slice(), dx.dataSync().slice()];
  });
  process.env.BUYPATH_TOWER_THREAD = '0';
  const one = run();
  process.env.BUYPATH_TOWER_THREAD = '1';
  process.env.BUYPATH_FMA = '0'; // the worker, started now, inherits it; the main thread's kernel is already chosen
  const before = tf.memory().numTensors;
  const two = run();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  const { jobs, dropped } = towersThreadStats();
  assert.ok(jobs >= 1, 'no job was handed to the towers thread');
  assert.match(dropped ?? '', /product kernel is transpose-fix, not the main thread's fma/);
  two.forEach((arr, i) => arr.forEach((v, k) => assert.ok(Object.is(v, one[i][k]), `${i ? 'dx' : 'logits'}[${k}]: ${v} after the drop, ${one[i][k]} on one thread`)));
});
