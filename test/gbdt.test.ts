import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Booster, DMatrix, fitGbdt, auc, rng, type TrainData } from '../src';
import { ROOT, needs, pythonFor } from './helpers';

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

test('fitGbdt trains CVR on clicked rows and CTCVR on all rows', needs('xgboost'), async () => {
  const r = rng(4), n = 3000;
  const mk = (): TrainData => {
    const cat = Int32Array.from({ length: n * 2 }, () => r.int(5));
    const num = Float32Array.from({ length: n }, () => r.normal());
    const click = Float32Array.from({ length: n }, (_, i) => (num[i] + r.normal() > 1 ? 1 : 0));
    const buy = Float32Array.from({ length: n }, (_, i) => (click[i] && cat[2 * i] > 2 && r.uniform() < 0.7 ? 1 : 0));
    return { rows: { n, cat, num }, C: 2, N: 1, click, daction: buy, buy };
  };
  const train = mk(), test = mk();
  const g = await fitGbdt({ train, test }, 'impression', { trees: 30, depth: 4 });
  assert.equal(g.test.pctr, null);
  assert.equal(g.test.pcvr.length, n);
  const clicked = Int32Array.from({ length: n }, (_, i) => i).filter((i) => test.click[i] > 0.5);
  assert.ok(auc(test.buy, g.test.pcvr, clicked) > 0.75);
  assert.ok(auc(test.buy, g.test.pctcvr!) > 0.75);
  const cs = await fitGbdt({ train, test }, 'click', { trees: 10, depth: 3 });
  assert.equal(cs.test.pctcvr, null);
});
