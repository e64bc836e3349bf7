import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, rng } from '../../src';
import { esm2WeightsAfterTraining, tinyTrainData } from '../training';
import { adamFor, adamStep, ADAM_KERNEL } from '../../src/train/fused-adam';

test('adamStep equals Adam written out in float64 within float32 rounding', () => {
  const r = rng(5);
  const n = 200, a = { beta1: 0.9, beta2: 0.999, oneMinusAccBeta1: 1 - 0.9 ** 3, oneMinusAccBeta2: 1 - 0.999 ** 3, learningRate: 2e-3, epsilon: 1e-7 };
  const x0 = Float32Array.from({ length: n }, () => r.normal()), g = Float32Array.from({ length: n }, () => r.normal());
  const m0 = Float32Array.from({ length: n }, () => r.normal() * 0.1), v0 = Float32Array.from({ length: n }, () => Math.abs(r.normal()) * 0.01);
  const [x, m, v] = [x0.slice(), m0.slice(), v0.slice()];
  adamStep(x, g, m, v, a);
  for (let i = 0; i < n; i++) {
    const mi = 0.9 * m0[i] + 0.1 * g[i], vi = 0.999 * v0[i] + 0.001 * g[i] * g[i];
    const xi = x0[i] - a.learningRate * (mi / a.oneMinusAccBeta1) / (Math.sqrt(vi / a.oneMinusAccBeta2) + a.epsilon);
    assert.ok(Math.abs(m[i] - mi) <= 1e-6 * (1 + Math.abs(mi)), `m[${i}] ${m[i]} vs ${mi}`);
    assert.ok(Math.abs(v[i] - vi) <= 1e-6 * (1 + Math.abs(vi)), `v[${i}] ${v[i]} vs ${vi}`);
    assert.ok(Math.abs(x[i] - xi) <= 1e-6 * (1 + Math.abs(xi)), `x[${i}] ${x[i]} vs ${xi}`);
  }
});

for (const [backend, simd] of [['wasm', true], ['wasm', false], ['cpu', false]] as const) {
  test(`fused Adam on ${backend}${backend === 'wasm' ? (simd ? ' (WebAssembly SIMD)' : ' (BUYPATH_SIMD=0: JavaScript)') : ''} equals tf.train.adam bit for bit over 6 steps (weights, moments, powers), without leaks`, async () => {
    const { tf } = await initBackend(backend, { quiet: true });
    if (!simd) process.env.BUYPATH_SIMD = '0';
    const r = rng(11);
    const shapes = [[37, 8], [8], [64, 1], [1], [300, 220]]; // the last over FUSED_ADAM_MAX_SIZE: tfjs kernels inside the fused optimizer without SIMD
    const init = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => r.normal()));
    const grads = Array.from({ length: 6 }, () => init.map((a) => Float32Array.from(a, () => r.normal() * (r.uniform() < 0.2 ? 0 : 1))));
    const before = tf.memory().numTensors;
    const run = (fused: boolean) => {
      const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(init[i], s), true, `fa_${backend}_${simd}_${fused}_${i}`)));
      process.env.BUYPATH_FUSED_ADAM = fused ? '1' : '0';
      const opt = adamFor(tf, 2e-3);
      delete process.env.BUYPATH_FUSED_ADAM;
      assert.equal(opt.constructor.name === 'FusedAdam', fused);
      for (const step of grads) {
        const named = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(step[i], shapes[i])]));
        opt.applyGradients(named);
        tf.dispose(Object.values(named));
      }
      const out = vars.map((v) => v.dataSync().slice());
      const state = (opt as unknown as { accumulatedFirstMoment: { variable: { dataSync(): Float32Array } }[]; accumulatedSecondMoment: { variable: { dataSync(): Float32Array } }[] });
      const moments = [...state.accumulatedFirstMoment, ...state.accumulatedSecondMoment].map((s) => s.variable.dataSync().slice());
      const powers = ['accBeta1', 'accBeta2'].map((k) => (opt as unknown as Record<string, { dataSync(): Float32Array }>)[k].dataSync()[0]);
      opt.dispose();
      vars.forEach((v) => v.dispose());
      return { out, moments, powers };
    };
    const stock = run(false), fused = run(true);
    assert.deepEqual(fused.powers, stock.powers);
    fused.moments.forEach((a, i) => assert.deepEqual(Array.from(a), Array.from(stock.moments[i]), `moment ${i}`));
    fused.out.forEach((a, i) => assert.deepEqual(Array.from(a), Array.from(stock.out[i]), `variable ${i}`));
    assert.ok(fused.out.some((a, i) => a.some((x, k) => x !== init[i][k])), 'the weights moved');
    assert.equal(tf.memory().numTensors, before);
    assert.ok(tf.getKernel(ADAM_KERNEL, backend));
    delete process.env.BUYPATH_SIMD;
  });
}

test('ESM2 trained with fused Adam ends with the weights of tf.train.adam, bit for bit (wasm, dropout on, 3 epochs)', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const d = tinyTrainData(4);
  const before = tf.memory().numTensors;
  const weights = (fused: boolean) => esm2WeightsAfterTraining(tf, d, { BUYPATH_FUSED_ADAM: fused ? '1' : '0' });
  const stock = await weights(false), fused = await weights(true);
  assert.deepEqual(fused, stock);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});
