import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Booster, DMatrix, fitGbdt, fitTrees, gbdtData, auc, rng, type FeatureType, type GbdtData, type GbdtSplit, type Prepared } from '../../src';
import { ROOT, needs, pythonFor } from '../helpers';

function data(n: number, seed: number) {
  const r = rng(seed), cols = 4;
  const X = Float32Array.from({ length: n * cols }, () => Math.round(r.normal() * 100) / 100);
  const y = Float32Array.from({ length: n }, (_, i) => (X[i * cols] + X[i * cols + 1] * X[i * cols + 2] + r.normal() > 1 ? 1 : 0));
  return { X, y, cols };
}

test('XGBoost through koffi equals Python XGBoost on the same data and parameters', needs('xgboost', 'python-xgboost'), async () => {
  const py = pythonFor('python-xgboost');
  const n = 2000, { X, y, cols } = data(n, 3);
  const params = { objective: 'binary:logistic', tree_method: 'hist', max_depth: 4, eta: 0.3, seed: 1, nthread: 1 };
  const rounds = 20;
  const d = new DMatrix(X, n, cols, y);
  const b = new Booster(d, params);
  for (let i = 0; i < rounds; i++) await b.updateAsync(i, d);
  const ours = b.predict(d);
  b.free(); d.free();
  const r = spawnSync(py, [join(ROOT, 'test', 'xgboost_reference.py')], { input: JSON.stringify({ X: Array.from(X), y: Array.from(y), rows: n, cols, params, rounds }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const ref = JSON.parse(r.stdout).pred as number[];
  ours.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-6, `row ${i}: ${v} vs ${ref[i]}`));
  assert.ok(auc(y, ours) > 0.8);
});

/** A split of `n` rows: column 0 a category of 30 values whose effect is not monotone in its code, column 1 a number missing in a fifth of rows (missing rows buy more), column 2 noise. */
function catData(n: number, seed: number): GbdtSplit {
  const r = rng(seed), cols = 3;
  const effect = Array.from({ length: 30 }, (_, c) => ((c * 7) % 30) / 10 - 1.5); // a permutation: neighbours in code differ
  const X = new Float32Array(n * cols), click = new Float32Array(n), buy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = r.int(30), missing = r.uniform() < 0.2, x = r.normal();
    X[i * cols] = c;
    X[i * cols + 1] = missing ? NaN : Math.round(x * 100) / 100;
    X[i * cols + 2] = Math.round(r.normal() * 100) / 100;
    click[i] = r.uniform() < 0.5 ? 1 : 0;
    const logit = effect[c] + (missing ? 1.2 : 0.5 * x) - 1;
    buy[i] = click[i] && r.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { X, n, click, buy };
}
const CAT_TYPES: FeatureType[] = ['c', 'q', 'q'];
const json = (g: GbdtSplit) => Array.from(g.X, (v) => (Number.isNaN(v) ? null : v));

test('categorical columns (partition and one-against-the-rest splits) and missing values, trees chosen on validation: equal to Python XGBoost with enable_categorical and early stopping', needs('xgboost', 'python-xgboost'), async () => {
  const py = pythonFor('python-xgboost');
  const train = catData(4000, 5), valid = catData(1500, 6), test = catData(1000, 7);
  const data = { columns: ['c', 'x', 'z'], featureTypes: CAT_TYPES };
  const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  for (const maxCatToOnehot of [4, 1 << 30]) {
    const o = { trees: 200, earlyStopping: 10, depth: 4, eta: 0.3, subsample: 1, colsample: 1, seed: 2, maxCatToOnehot };
    const f = await fitTrees(data, train, all(train.n), valid, all(valid.n), o);
    assert.ok(f.boosted < 200 && f.rounds < f.boosted, `the scenario needs early stopping to act, got ${f.rounds} of ${f.boosted} rounds boosted`);
    const dtest = new DMatrix(test.X, test.n, 3, undefined, undefined, CAT_TYPES);
    const ours = f.booster.predict(dtest, f.rounds);
    const params = f.booster.params;
    dtest.free(); f.free();
    const r = spawnSync(py, [join(ROOT, 'test', 'xgboost_reference.py')], {
      input: JSON.stringify({ X: json(train), y: Array.from(train.buy), rows: train.n, cols: 3, params, rounds: o.trees, feature_types: CAT_TYPES,
        valid: { X: json(valid), y: Array.from(valid.buy), rows: valid.n }, early_stopping_rounds: o.earlyStopping, test: { X: json(test), rows: test.n } }),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout);
    assert.equal(f.rounds, ref.best_iteration + 1, `trees kept (max_cat_to_onehot ${maxCatToOnehot})`);
    ours.forEach((v, i) => assert.ok(Math.abs(v - ref.pred[i]) < 1e-6, `max_cat_to_onehot ${maxCatToOnehot}, row ${i}: ${v} vs Python ${ref.pred[i]}`));
  }
});

test('categories as categories and missing as missing rank purchases better than codes as numbers with missing at 0', needs('xgboost'), async () => {
  const train = catData(6000, 8), valid = catData(2000, 9), test = catData(4000, 10);
  const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  // The old encoding: codes as numbers, missing at 0 (the training mean after standardising).
  const ordinal = (g: GbdtSplit): GbdtSplit => ({ ...g, X: g.X.map((v) => (Number.isNaN(v) ? 0 : v)) });
  const o = { depth: 3, eta: 0.1, earlyStopping: 20, seed: 1 };
  const score = async (d: GbdtData) => {
    const g = await fitGbdt(d, 'impression', o);
    return auc(d.test.buy, g.test.pcvr, Int32Array.from(all(d.test.n).filter((i) => d.test.click[i] > 0.5)));
  };
  const native = await score({ columns: ['c', 'x', 'z'], featureTypes: CAT_TYPES, train, validation: valid, test });
  const old = await score({ columns: ['c', 'x', 'z'], featureTypes: ['q', 'q', 'q'], train: ordinal(train), validation: ordinal(valid), test: ordinal(test) });
  assert.ok(native > old + 0.01, `native ${native} vs ordinal ${old}`);
});

test('categorical split kind: auto keeps the kind with the lower validation log-loss, per model', needs('xgboost'), async () => {
  const train = catData(4000, 11), validation = catData(1500, 12), test = catData(1000, 13);
  const data: GbdtData = { columns: ['c', 'x', 'z'], featureTypes: CAT_TYPES, train, validation, test };
  const o = { depth: 4, eta: 0.2, seed: 3 };
  const clicked = (g: GbdtSplit) => Int32Array.from({ length: g.n }, (_, i) => i).filter((i) => g.click[i] > 0.5);
  const loss = async (onehot: number) => { const f = await fitTrees(data, train, clicked(train), validation, clicked(validation), { ...o, maxCatToOnehot: onehot }); f.free(); return f.validLogloss; };
  const [onehot, partition] = [await loss(1 << 30), await loss(4)];
  assert.notEqual(onehot, partition);
  const auto = await fitGbdt(data, 'impression', o);
  assert.equal(auto.splits.cvr, onehot < partition ? 'onehot' : 'partition');
  const forced = await fitGbdt(data, 'impression', { ...o, catSplits: auto.splits.cvr! });
  assert.deepEqual(Array.from(auto.test.pcvr), Array.from(forced.test.pcvr));
  const numeric = await fitGbdt({ ...data, featureTypes: ['q', 'q', 'q'] }, 'click', o);
  assert.deepEqual(numeric.splits, { cvr: null, ctcvr: null });
});

test('gbdtData: categorical codes from the training vocabulary (unseen and rare: 0), missing as NaN, numbers untransformed', () => {
  const p = {
    samples: { categorical: { colour: ['red', null, 'blue', 'green', 'red'] }, numeric: { price: Float64Array.from([10, NaN, 1000, 5, 7]) } },
    encoder: { categorical: [{ name: 'colour', vocab: ['<oov>', 'blue', 'red'] }], numeric: [{ name: 'price', mean: 2, std: 1, transform: 'log1p' }], minCount: 1 },
    split: { train: Int32Array.from([0, 1]), validation: Int32Array.from([2]), test: Int32Array.from([3, 4]) },
    data: Object.fromEntries(['train', 'validation', 'test'].map((k, i) => [k, { rows: { n: [2, 1, 2][i], cat: new Int32Array(0), num: new Float32Array(0) }, C: 1, N: 1, click: new Float32Array([2, 1, 2][i]), daction: new Float32Array([2, 1, 2][i]), buy: new Float32Array([2, 1, 2][i]) }])),
  } as unknown as Prepared;
  const d = gbdtData(p);
  assert.deepEqual(d.columns, ['colour', 'price']);
  assert.deepEqual(d.featureTypes, ['c', 'q']);
  assert.deepEqual(Array.from(d.train.X), [2, 10, NaN, NaN]);
  assert.deepEqual(Array.from(d.validation.X), [1, 1000]);
  assert.deepEqual(Array.from(d.test.X), [0, 5, 2, 7], 'green is unseen in training: code 0');
  assert.throws(() => gbdtData(p, 'onehot' as 'native'), /GBDT encoding: expected native or ordinal, got "onehot"/);
});

test('fitGbdt trains CVR on clicked rows and CTCVR on all rows', needs('xgboost'), async () => {
  const mk = (seed: number): GbdtSplit => {
    const r = rng(seed), n = 3000;
    const X = new Float32Array(n * 3), click = new Float32Array(n), buy = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      X[3 * i] = r.int(5); X[3 * i + 1] = r.int(5); X[3 * i + 2] = r.normal();
      click[i] = X[3 * i + 2] + r.normal() > 1 ? 1 : 0;
      buy[i] = click[i] && X[3 * i] > 2 && r.uniform() < 0.7 ? 1 : 0;
    }
    return { X, n, click, buy };
  };
  const data: GbdtData = { columns: ['a', 'b', 'x'], featureTypes: ['c', 'c', 'q'], train: mk(4), validation: mk(5), test: mk(6) };
  const g = await fitGbdt(data, 'impression', { trees: 30, depth: 4 });
  assert.equal(g.test.pctr, null);
  assert.equal(g.test.pcvr.length, 3000);
  const t = data.test;
  const clicked = Int32Array.from({ length: t.n }, (_, i) => i).filter((i) => t.click[i] > 0.5);
  assert.ok(auc(t.buy, g.test.pcvr, clicked) > 0.75);
  assert.ok(auc(t.buy, g.test.pctcvr!) > 0.75);
  assert.ok(g.rounds.cvr >= 1 && g.rounds.cvr <= 30 && g.rounds.ctcvr! >= 1);
  const cs = await fitGbdt(data, 'click', { trees: 10, depth: 3 });
  assert.equal(cs.test.pctcvr, null);
  assert.equal(cs.rounds.ctcvr, null);
});
