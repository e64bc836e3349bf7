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

test('wasm BatchMatMul: BLAS, FMA and transpose-fix kernels equal the stock kernel (transposes, batches, broadcast), without leaks', async () => {
  const { tf } = await initBackend('wasm', { quiet: true });
  const { setWasmMatMul, blasPath } = await import('../src');
  const { relaxedSimd } = await import('../src/fma-gemm');
  const r = rng(8);
  const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { a: [7, 5], b: [5, 3], ta: false, tb: false },
    { a: [5, 7], b: [5, 3], ta: true, tb: false },
    { a: [7, 5], b: [3, 5], ta: false, tb: true },
    { a: [5, 7], b: [3, 5], ta: true, tb: true },
    { a: [4, 6, 5], b: [4, 5, 2], ta: false, tb: false },
    { a: [4, 5, 6], b: [4, 2, 5], ta: true, tb: true },
    { a: [1, 6, 5], b: [3, 5, 2], ta: false, tb: false },
    { a: [2, 3, 6, 5], b: [2, 3, 2, 5], ta: false, tb: true },
    { a: [64, 130], b: [64, 33], ta: true, tb: false },
  ];
  const data = cases.map((c) => ({
    a: Float32Array.from({ length: c.a.reduce((x, y) => x * y, 1) }, () => r.normal()),
    b: Float32Array.from({ length: c.b.reduce((x, y) => x * y, 1) }, () => r.normal()),
  }));
  const run = () => cases.map((c, i) => tf.tidy(() => tf.matMul(tf.tensor(data[i].a, c.a), tf.tensor(data[i].b, c.b), c.ta, c.tb).dataSync()));
  // Gradients of a small dense network: every backward pass uses transposed products.
  const grads = () => tf.tidy(() => {
    const x = tf.tensor2d(data[8].a, [64, 130]), w = tf.tensor2d(Float32Array.from({ length: 130 * 9 }, (_, i) => Math.sin(i)), [130, 9]);
    return tf.grads((xx: any, ww: any) => tf.sum(tf.relu(tf.matMul(xx, ww))))([x, w]).map((g) => Array.from(g.dataSync()));
  });
  setWasmMatMul(tf, 'stock');
  const ref = run(), refGrads = grads();
  for (const mode of ['transpose-fix', 'fma', 'blas'] as const) {
    const got = setWasmMatMul(tf, mode);
    // What each mode falls back to where its kernel cannot run: BLAS to FMA, FMA to the transpose fix.
    const fallback = relaxedSimd() && process.env.BUYPATH_FMA !== '0' ? 'fma' : 'transpose-fix';
    assert.equal(got, mode === 'transpose-fix' ? mode : mode === 'blas' && blasPath ? 'blas' : fallback);
    const before = tf.memory().numTensors;
    const out = run();
    out.forEach((v, i) => v.forEach((x, j) => assert.ok(Math.abs(x - ref[i][j]) <= 1e-5 * Math.max(1, Math.abs(ref[i][j])), `${mode} case ${i}[${j}]: ${x} vs ${ref[i][j]}`)));
    grads().forEach((g, i) => g.forEach((x, j) => assert.ok(Math.abs(x - refGrads[i][j]) <= 1e-4 * Math.max(1, Math.abs(refGrads[i][j])), `${mode} grad ${i}[${j}]`)));
    assert.equal(tf.memory().numTensors, before, `${mode} leaked tensors`);
  }
  setWasmMatMul(tf, 'blas');
});

test('seeded inverted dropout: keeps 1 − rate of units, scales them, same seed same mask', async () => {
  const { tf } = await initBackend(undefined, { quiet: true });
  const { dropout } = await import('../src');
  const x = tf.ones([200, 500]);
  const a = dropout(tf, x, 0.3, 7).dataSync(), b = dropout(tf, x, 0.3, 7).dataSync(), c = dropout(tf, x, 0.3, 8).dataSync();
  const kept = Array.from(a).filter((v) => v > 0);
  assert.ok(Math.abs(kept.length / a.length - 0.7) < 0.01, `kept ${kept.length / a.length}`);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  x.dispose();
});
