import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as TF from '@tensorflow/tfjs';
import { initBackend, rng, bce, TRAIN_DEFAULTS } from '../../src';
import { esm2LossFused } from '../../src/models/esm2-loss';
import { esm2WeightsAfterTraining, tinyTrainData } from '../training';

/** The unfused composition: sigmoid per tower, ESM2's products, three BCEs (as Esm2.compose and Esm2.loss). */
function unfused(tf: typeof TF, logits: TF.Tensor2D, y: { click: TF.Tensor1D; daction: TF.Tensor1D; buy: TF.Tensor1D }, w: typeof TRAIN_DEFAULTS.lossWeights): TF.Scalar {
  const [y1, y2, y3, y4] = tf.unstack(tf.sigmoid(logits)) as TF.Tensor1D[];
  const pcvr = tf.add(tf.mul(y2, y3), tf.mul(tf.sub(1, y2), y4)) as TF.Tensor1D;
  return tf.addN([tf.mul(w.ctr, bce(tf, y1, y.click)), tf.mul(w.ctavr, bce(tf, tf.mul(y1, y2) as TF.Tensor1D, y.daction)), tf.mul(w.ctcvr, bce(tf, tf.mul(y1, pcvr) as TF.Tensor1D, y.buy))]) as TF.Scalar;
}

// Sigmoid and log run in double precision in the kernel and in float32 approximations in tfjs's wasm kernels, so the
// two differ by float32 rounding: asserted within 1e-5 relative on the loss and 1e-5 of the largest gradient value
// on each gradient value (the test reports the largest differences seen). Rows with a logit of magnitude 14–18 are
// left out of the gradient check: there sigmoid rounds to within an ulp of the clip bound 1 − 1e-7, and whether a
// probability is clipped (no gradient) or not depends on that last ulp, in either implementation.
test('fused ESM2 loss equals the unfused composition in value and gradient to the logits, without leaks', async (t) => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const r = rng(12);
  let worstLoss = 0, worstGrad = 0;
  for (const [B, scale, w] of [[100, 2, TRAIN_DEFAULTS.lossWeights], [257, 6, { ctr: 0.5, ctavr: 2, ctcvr: 1.5 }], [10, 40, TRAIN_DEFAULTS.lossWeights]] as const) {
    const logits = Float32Array.from({ length: 4 * B }, () => r.normal() * scale); // scale 40: many probabilities clipped
    const click = Float32Array.from({ length: B }, () => +(r.uniform() < 0.5));
    const daction = Float32Array.from(click, (c) => c * +(r.uniform() < 0.5));
    const buy = Float32Array.from(click, (c) => c * +(r.uniform() < 0.3));
    const before = tf.memory().numTensors;
    const run = (fused: boolean) => tf.tidy(() => {
      const l = tf.tensor2d(logits, [4, B]);
      const y = { click: tf.tensor1d(click), daction: tf.tensor1d(daction), buy: tf.tensor1d(buy) };
      const f = (x: TF.Tensor) => (fused ? esm2LossFused(tf, x as TF.Tensor2D, { ...y, cat: tf.zeros([B, 0], 'int32'), num: tf.zeros([B, 0]) } as never, w) : unfused(tf, x as TF.Tensor2D, y, w));
      const { value, grad } = tf.valueAndGrad(f)(l);
      return [value.dataSync()[0], grad.dataSync().slice()] as const;
    });
    const [lf, gf] = run(true), [lu, gu] = run(false);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    worstLoss = Math.max(worstLoss, Math.abs(lf - lu) / Math.abs(lu));
    assert.ok(Math.abs(lf - lu) <= 1e-5 * Math.abs(lu), `loss ${lf} vs ${lu}`);
    const top = Math.max(...Array.from(gu, Math.abs));
    const edge = (k: number) => [0, 1, 2, 3].some((i) => Math.abs(logits[i * B + (k % B)]) >= 14 && Math.abs(logits[i * B + (k % B)]) <= 18);
    gu.forEach((v, k) => {
      if (edge(k)) return;
      worstGrad = Math.max(worstGrad, Math.abs(gf[k] - v) / top);
      assert.ok(Math.abs(gf[k] - v) <= 1e-5 * top, `dlogit[${k}] (B ${B}, scale ${scale}): ${gf[k]} vs ${v}`);
    });
  }
  t.diagnostic(`largest relative differences: loss ${worstLoss}, gradient ${worstGrad} (of the largest gradient value)`);
});

// End to end: ESM2 trained 3 epochs (dropout on) with the fused input, towers and loss (default on wasm) against
// BUYPATH_FUSED=0. The only differences are sigmoid/log rounding in the loss, so the weights stay close.
test('ESM2 trained with the fused kernels ends close to the unfused weights (dropout on, 3 epochs), without leaks', async (t) => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const d = tinyTrainData(6);
  const before = tf.memory().numTensors;
  const plain = await esm2WeightsAfterTraining(tf, d, { BUYPATH_FUSED: '0' }), fused = await esm2WeightsAfterTraining(tf, d, { BUYPATH_FUSED: '1' });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  let worst = 0;
  fused.forEach((w, i) => w.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - plain[i][k])))));
  t.diagnostic(`largest weight difference after 3 epochs: ${worst}`);
  assert.ok(worst < 1e-3, `largest weight difference ${worst}`);
});

// Click space (no CTR tower): the fused towers feed tfjs's sigmoid and the unfused loss, so the objective and its
// gradients equal BUYPATH_FUSED=0's bit for bit (same weights, dropout on, same step).
test('ESM2 in click space: the fused objective and its gradients equal the unfused ones, without leaks', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const { createModel, MODEL_CONFIGS } = await import('../../src');
  const d = tinyTrainData(9, 120);
  const before = tf.memory().numTensors;
  const run = (fused: boolean) => {
    const m = createModel('esm2', tf, { vocabSizes: [5, 4], numNumeric: 2, space: 'click' }, { config: MODEL_CONFIGS.fast, seed: 2, lossWeights: TRAIN_DEFAULTS.lossWeights, oversample: 5 });
    const saved = process.env.BUYPATH_FUSED;
    process.env.BUYPATH_FUSED = fused ? '1' : '0';
    try {
      return tf.tidy(() => {
        const b = { cat: tf.tensor2d(d.rows.cat, [d.rows.n, 2], 'int32'), num: tf.tensor2d(d.rows.num, [d.rows.n, 2]), click: tf.tensor1d(d.click), daction: tf.tensor1d(d.daction), buy: tf.tensor1d(d.buy) };
        const { value, grads } = tf.variableGrads(() => m.objective(b), m.weights().map((w) => w.variable));
        return [value.dataSync()[0], ...m.weights().map((w) => Array.from(grads[w.variable.name].dataSync()))];
      });
    } finally {
      if (saved === undefined) delete process.env.BUYPATH_FUSED; else process.env.BUYPATH_FUSED = saved;
      m.dispose();
    }
  };
  const plain = run(false), fused = run(true);
  assert.deepEqual(fused, plain);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});
