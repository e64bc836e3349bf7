import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyFeatures, fitEncoder, encodeRows, rng, type SampleSet } from '../src';

test('history features see strictly earlier samples only (ties excluded)', () => {
  const ts = Float64Array.from([1, 2, 2, 3]);
  const users = ['u', 'u', 'u', 'u'], items = ['a', 'b', 'a', 'a'];
  const labels = { click: Float32Array.from([1, 1, 0, 0]), daction: Float32Array.from([1, 0, 0, 0]), buy: Float32Array.from([1, 0, 0, 0]) };
  const h = historyFeatures(ts, users, items, labels);
  assert.deepEqual(Array.from(h.hist_user_clicks), [0, Math.log1p(1), Math.log1p(1), Math.log1p(2)]);
  assert.deepEqual(Array.from(h.hist_user_buys), [0, Math.log1p(1), Math.log1p(1), Math.log1p(1)]);
  // Rows 2 and 3 share ts = 2: row 3 does not see row 2's click.
  assert.equal(h.hist_user_clicks[1], h.hist_user_clicks[2]);
  // Item a's CVR rises after its first purchase is in the past.
  assert.ok(h.hist_item_cvr[2] > h.hist_item_cvr[0]);
});

test('encoder: vocabularies and normalisation fitted on training rows; unseen values go to bucket 0', () => {
  const s = {
    n: 4, categorical: { user_id: ['a', 'a', 'b', 'c'] }, numeric: { price: Float64Array.from([1, 3, NaN, 100]) },
  } as unknown as SampleSet;
  const enc = fitEncoder(s, [0, 1], { minCount: 1 });
  assert.deepEqual(enc.categorical[0].vocab, ['<oov>', 'a']);
  assert.deepEqual(enc.numeric[0], { name: 'price', mean: 2, std: 1, transform: 'none' });
  const rows = encodeRows(s, enc);
  assert.deepEqual(Array.from(rows.cat), [1, 1, 0, 0]);
  assert.ok(Math.abs(rows.num[0] - Math.tanh(-1)) < 1e-6 && rows.num[2] === 0 && Math.abs(rows.num[3] - Math.tanh(98)) < 1e-6);
});

test('encoder: non-negative right-skewed fields are log1p-transformed before standardising; others are not', () => {
  const n = 2000;
  const r = rng(5);
  const lognormal = Float64Array.from({ length: n }, () => Math.exp(r.normal(0, 1))); // skewness ≈ 6
  const symmetric = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 78.233));
  const negative = Float64Array.from(lognormal, (v) => v - 5); // skewed but with negatives: log1p is undefined
  const s = { n, categorical: {}, numeric: { lognormal, symmetric, negative } } as unknown as SampleSet;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const enc = fitEncoder(s, rows);
  const t = Object.fromEntries(enc.numeric.map((f) => [f.name, f.transform]));
  assert.deepEqual(t, { lognormal: 'log1p', symmetric: 'none', negative: 'none' });
  const logs = Array.from(lognormal, Math.log1p);
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  assert.ok(Math.abs(enc.numeric[0].mean - mean) < 1e-9, 'mean and std are of the transformed values');
  const x = encodeRows(s, enc, [7]);
  assert.ok(Math.abs(x.num[0] - Math.tanh((Math.log1p(lognormal[7]) - enc.numeric[0].mean) / enc.numeric[0].std)) < 1e-6);
  // logSkew: null turns the transform off.
  assert.ok(fitEncoder(s, rows, { logSkew: null }).numeric.every((f) => f.transform === 'none'));
});
