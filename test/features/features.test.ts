import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  historyFeatures, fitEncoder, encodeRows, rng, type SampleSet, loadEvents, minePaths, buildSamples, splitByTime, analysePaths, trainingPaths, writeSimulation,
} from '../../src';
import { tmp, writeTmp } from '../helpers';

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

describe('samples sit at their impressions; history credits each outcome when it happened', async () => {
  const D = 86400, T0 = 1_600_000_000;
  const row = (imp: string, u: string, i: string, e: string, dt: number) => `${imp},${u},${i},${e},${T0 + dt}`;
  const lines = [
    'impression_id,user_id,item_id,event,ts',
    // u1 sees a and a2 on one page at t = 0 and clicks a; a is bought 5 days later (inside the 7-day window).
    row('a', 'u1', 'a', 'impression', 0), row('a2', 'u1', 'a2', 'impression', 0), row('a', 'u1', 'a', 'click', 10), row('a', 'u1', 'a', 'buy', 5 * D),
    // u1's impressions on day 1 (before the purchase) and day 6 (after it).
    row('b', 'u1', 'b', 'impression', D), row('c', 'u1', 'c', 'impression', 6 * D),
    // The log's end, so that no window above is cut off.
    row('z', 'u9', 'z', 'impression', 30 * D),
  ];
  const { table } = await loadEvents(writeTmp('hist.csv', lines.join('\n') + '\n'));
  const s = buildSamples(table, minePaths(table), { daction: [], history: true });
  const at = (id: string) => s.impression_id!.indexOf(id);

  test('a purchase 5 days after its click is in the history of later samples only', () => {
    const buys = (id: string) => s.numeric.hist_user_buys[at(id)];
    assert.equal(buys('b'), 0, 'day 1: the purchase has not happened yet');
    assert.equal(buys('c'), Math.log1p(1), 'day 6: it has');
    // The click (t = 10 s) is known on day 1.
    assert.equal(s.numeric.hist_user_clicks[at('b')], Math.log1p(1));
  });

  test('a clicked sample and its page-mate share their impression time and see the same history', () => {
    assert.equal(s.ts[at('a')], T0);
    assert.equal(s.ts[at('a2')], T0);
    for (const f of ['hist_user_ctr', 'hist_user_clicks', 'hist_item_ctr']) assert.equal(s.numeric[f][at('a')], s.numeric[f][at('a2')], f);
  });
});

describe('the DAction choice reads training rows only', async () => {
  const { files } = await writeSimulation(tmp(), { impressions: 60_000, seed: 21 });
  const text = readFileSync(files.events, 'utf8').trim().split('\n');
  const { table } = await loadEvents(files.events, { preset: 'buypath' });
  const paths = minePaths(table);
  const training = trainingPaths(table, paths);

  test('training paths are the paths of the training rows of prepareTraining\'s split', () => {
    const s = buildSamples(table, paths, { daction: ['cart'] });
    const split = splitByTime(s);
    assert.equal(training.samples, split.train.length);
    assert.equal(training.of, s.n);
    assert.equal(training.until, s.ts[split.train[split.train.length - 1]]);
    assert.ok(training.until < s.ts[split.validation[0]] || training.until === s.ts[split.validation[0]]);
    const clicked = Array.from(split.train).filter((i) => s.labels.click[i]).length;
    assert.equal(analysePaths(training.paths, { bootstrap: 20 }).clicked_paths, clicked);
  });

  test('adding share to every purchase of the validation and test period moves the whole-log recommendation, not the training one', async () => {
    // Impressions after the training period: their bought paths get a share one second after the click.
    const clickTs = new Map<string, number>();
    for (const l of text) { const f = l.split(','); if (f[3] === 'click') clickTs.set(f[0], Number(f[4])); }
    const impTs = new Map<string, number>();
    for (const l of text) { const f = l.split(','); if (f[3] === 'impression') impTs.set(f[0], Number(f[4])); }
    const extra = text.filter((l) => l.split(',')[3] === 'buy' && impTs.get(l.split(',')[0])! > training.until).map((l) => {
      const f = l.split(',');
      f[3] = 'share';
      f[4] = String(clickTs.get(f[0])! + 1);
      return f.join(',');
    });
    assert.ok(extra.length > 20, `${extra.length} test-period purchases`);
    const t2 = (await loadEvents(writeTmp('perturbed.csv', [...text, ...extra].join('\n') + '\n'), { preset: 'buypath' })).table;
    const p2 = minePaths(t2);
    const before = analysePaths(training.paths, { bootstrap: 50 }), after = analysePaths(trainingPaths(t2, p2).paths, { bootstrap: 50 });
    assert.deepEqual(after.recommended, before.recommended);
    assert.deepEqual(after.actions, before.actions);
    // The test can fail: on the whole log, share now passes the rule.
    assert.ok(!before.recommended.includes('share'));
    assert.ok(analysePaths(p2, { bootstrap: 50 }).recommended.includes('share'));
  });
});
