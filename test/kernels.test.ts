import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, scatterAdd, rng } from '../src';

test('scatter-add matches a direct sum, skipping out-of-range ids', () => {
  const x = [1, 2, 3, 4, 5, 6];
  const out = new Float32Array(4);
  scatterAdd(x, [1, -1, 1], 2, out);
  assert.deepEqual(Array.from(out), [0, 0, 6, 8]);
});

for (const backend of ['wasm', 'cpu'] as const) {
  test(`UnsortedSegmentSum and the gather gradient on ${backend} equal the reference, without leaks`, async () => {
    const { tf } = await initBackend(backend, { quiet: true });
    const r = rng(3);
    const n = 50, inner = 3, segs = 7;
    const x = Float32Array.from({ length: n * inner }, () => r.normal());
    const ids = Int32Array.from({ length: n }, () => r.int(segs));
    const ref = new Float32Array(segs * inner);
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) ref[ids[i] * inner + k] += x[i * inner + k];
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d(x, [n, inner]), tf.tensor1d(ids, 'int32'), segs).dataSync());
    Array.from(got).forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-5));
    // d/dtable of sum(gather(table, ids) * w) = scatter of w by ids.
    const grad = tf.tidy(() => {
      const w = tf.tensor2d(x, [n, inner]);
      return tf.grad((t: any) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(ids, 'int32')), w)))(tf.zeros([segs, inner])).dataSync();
    });
    Array.from(grad).forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-5));
    assert.equal(tf.memory().numTensors, before);
  });
}
