import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { auc, gauc, topK, logLoss, calibration, rng, weightedAuc, weightedGauc, weightedTopK, bootstrapUsers } from '../src';
import { ROOT, needs, pythonFor } from './helpers';

/** A Python with scikit-learn (Debian's python3-sklearn), or a failure naming the install command. */
const sklearnPython = () => pythonFor('scikit-learn');

test('hand-worked AUC, GAUC and top-k cases', () => {
  assert.equal(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
  assert.equal(auc([0, 1], [0.5, 0.5]), 0.5); // a tie counts one half
  assert.ok(Number.isNaN(auc([1, 1], [0.2, 0.3])));
  // user a: perfect (AUC 1, 3 rows); user b: inverted (AUC 0, 2 rows); user c: one class, excluded.
  const labels = [1, 0, 0, 1, 0, 1, 1], scores = [0.9, 0.1, 0.2, 0.1, 0.9, 0.5, 0.6], users = ['a', 'a', 'a', 'b', 'b', 'c', 'c'];
  assert.equal(gauc(labels, scores, users), 3 / 5);
  assert.equal(gauc(labels, scores, users, null, { weighting: 'users' }), 1 / 2);
  const t = topK([1, 0, 1, 0], [0.9, 0.8, 0.1, 0.2], 0.5);
  assert.deepEqual(t, { precision: 0.5, recall: 0.5, f1: 0.5 });
  assert.ok(Math.abs(logLoss([1, 0], [0.8, 0.4]) - -(Math.log(0.8) + Math.log(0.6)) / 2) < 1e-12);
  assert.deepEqual(calibration([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.9], null, 2), [{ predicted: 0.15000000000000002, observed: 0.5, n: 2 }, { predicted: 0.6, observed: 0.5, n: 2 }]);
});

test('metrics equal scikit-learn to 1e-9 on the same arrays', needs('scikit-learn'), () => {
  const r = rng(12);
  const n = 3000;
  const labels = Array.from({ length: n }, () => (r.uniform() < 0.08 ? 1 : 0));
  // Scores rounded to two decimals: many ties.
  const scores = labels.map((y) => Math.round((0.3 * y + r.uniform()) * 100) / 100);
  const probs = scores.map((s) => Math.min(0.99, Math.max(0.01, s)));
  const users = labels.map(() => `u${r.int(40)}`);
  const weights = labels.map(() => r.int(3));
  const ks = [0.001, 0.006, 0.01, 0.1];
  const py = spawnSync(sklearnPython(), [join(ROOT, 'test', 'sklearn_metrics.py')], { input: JSON.stringify({ labels, scores, probs, users, weights, ks }), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const ref = JSON.parse(py.stdout);
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs sklearn ${b}`);
  close(auc(labels, scores), ref.auc, 'AUC');
  close(auc(labels, scores, null, weights), ref.auc_weighted, 'weighted AUC');
  close(weightedAuc(labels, scores, Int32Array.from({ length: n }, (_, i) => i))(Float64Array.from(weights)), ref.auc_weighted, 'weightedAuc');
  close(logLoss(labels, probs), ref.logloss, 'log-loss');
  close(gauc(labels, scores, users), ref.gauc, 'GAUC');
  close(weightedGauc(labels, scores, users, Int32Array.from({ length: n }, (_, i) => i))(null), ref.gauc, 'weightedGauc');
  for (const k of ks) {
    const t = topK(labels, scores, k);
    for (const m of ['precision', 'recall', 'f1'] as const) {
      close(t[m], ref[`top${k}`][m], `${m}@${k}`);
      close(weightedTopK(labels, scores, Int32Array.from({ length: n }, (_, i) => i), k, m)(null), ref[`top${k}`][m], `weighted ${m}@${k}`);
    }
  }
});

test('user bootstrap: intervals contain the point value and shrink with more users', () => {
  const r = rng(5);
  const make = (nUsers: number) => {
    const n = nUsers * 20;
    const labels = Array.from({ length: n }, () => (r.uniform() < 0.2 ? 1 : 0));
    const scores = labels.map((y) => y * 0.5 + r.uniform());
    const users = labels.map((_, i) => `u${i % nUsers}`);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    return bootstrapUsers({ auc: weightedAuc(labels, scores, rows) }, users, n, { replicates: 200, seed: 3 }).auc;
  };
  const small = make(20), big = make(400);
  for (const b of [small, big]) assert.ok(b.ci[0] <= b.value && b.value <= b.ci[1]);
  assert.ok(big.ci[1] - big.ci[0] < (small.ci[1] - small.ci[0]) / 2);
});
