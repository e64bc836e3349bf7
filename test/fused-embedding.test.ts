import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, rng } from '../src';
import { embedFused, embedUnfused } from '../src/fused-embedding';

// The fused input copies the same values and sums the table gradient in the same order as gather's gradient
// (UnsortedSegmentSum over the rows in order): equal bit for bit (tolerance 0).
test('fused embedding input equals gather + concat in values and table gradient, without leaks', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const r = rng(8);
  for (const [B, vocab, dim, N] of [[50, [5, 4, 7], 3, 2], [13, [3], 8, 0], [40, [6, 2], 4, 5], [7, [], 4, 3]] as const) {
    const V = vocab.reduce((s, v) => s + v, 0);
    const table = Float32Array.from({ length: Math.max(V, 1) * dim }, () => r.normal());
    const cat = Int32Array.from({ length: B * vocab.length }, (_, i) => r.int(vocab[i % vocab.length]));
    const num = Float32Array.from({ length: B * N }, () => r.normal());
    let o = 0;
    const offsets = vocab.map((v) => ((o += v), o - v));
    const D = vocab.length * dim + N;
    const up = Float32Array.from({ length: B * D }, () => r.normal());
    const before = tf.memory().numTensors;
    const run = (f: typeof embedFused, withGrad = true) => tf.tidy(() => {
      const [t, c, off, n] = [tf.tensor2d(table, [Math.max(V, 1), dim]), tf.tensor2d(cat, [B, vocab.length], 'int32'), tf.tensor1d(offsets, 'int32'), tf.tensor2d(num, [B, N])];
      const x = f(tf, t, c, off, n).dataSync().slice();
      if (!withGrad) return [x];
      const g = tf.grad((tt: any) => tf.sum(tf.mul(f(tf, tt, c, off, n), tf.tensor2d(up, [B, D]))))(t).dataSync().slice();
      return [x, g];
    });
    const fused = run(embedFused), plain = vocab.length ? run(embedUnfused) : [run(embedUnfused, false)[0]];
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    assert.deepEqual(fused[0], plain[0]);
    if (vocab.length) assert.deepEqual(fused[1], plain[1]);
    else assert.ok(fused[1].every((v) => v === 0), 'no categorical field: no gradient to the table');
  }
});

test('fused embedding rejects an index outside the table', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const before = tf.memory().numTensors;
  assert.throws(() => tf.tidy(() => embedFused(tf, tf.zeros([3, 2]), tf.tensor2d([[3]], [1, 1], 'int32'), tf.tensor1d([0], 'int32'), tf.zeros([1, 0]))), /expected indices in \[0, 3\)/);
  assert.equal(tf.memory().numTensors, before);
});
