import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  auc, gauc, topK, logLoss, calibration, rng, weightedAuc, weightedGauc, weightedTopK, bootstrapUsers, pairedStatistics, pairedComparisons, comparisonSentence,
  comparisonPairs, hanleyMcNeilVariance, normalQuantile, minimumDetectableDifference, correlation, orderingStatement, type Comparison,
  CLAIMED_ORDER, scoreComparison,
} from '../../src';
import { ROOT, needs, pythonFor } from '../helpers';

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

test('paired user bootstrap: the interval of a difference is paired; it can exclude 0 while the marginal intervals overlap', () => {
  // Two models sharing most of their score (per-user noise): each AUC is uncertain, their difference much less.
  const r = rng(21), nUsers = 300, n = nUsers * 10;
  const users = Array.from({ length: n }, (_, i) => `u${i % nUsers}`);
  const labels = Array.from({ length: n }, () => (r.uniform() < 0.1 ? 1 : 0));
  const common = labels.map((y) => 0.8 * y + r.normal());
  const a = common.map((c, i) => c + 0.25 * labels[i] + 0.1 * r.normal()), b = common.map((c) => c + 0.1 * r.normal());
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const boot = bootstrapUsers({ 'a:cvr_auc': weightedAuc(labels, a, rows), 'b:cvr_auc': weightedAuc(labels, b, rows) }, users, n, {
    replicates: 400, seed: 2, derived: pairedStatistics([['a', 'b']], ['cvr_auc'], () => true), keep: ['a:cvr_auc', 'b:cvr_auc'],
  });
  const [A, B] = [boot['a:cvr_auc'], boot['b:cvr_auc']], d = boot['diff:a:b:cvr_auc'];
  assert.ok(Math.abs(d.value - (A.value - B.value)) < 1e-12);
  assert.ok(A.ci[0] <= B.ci[1], `the scenario needs overlapping marginal intervals, got ${A.ci} and ${B.ci}`);
  assert.ok(d.ci[0] > 0, `the paired interval of the difference should exclude 0, got ${d.ci}`);
  assert.ok(correlation(A.replicates!, B.replicates!) > 0.8);
  // Unpaired (b's replicates from another stream) the difference's spread is far wider.
  const other = bootstrapUsers({ b: weightedAuc(labels, b, rows) }, users, n, { replicates: 400, seed: 99, keep: ['b'] }).b.replicates!;
  const spread = (x: number[]) => { const s = [...x].sort((p, q) => p - q); return s[Math.round(0.975 * (s.length - 1))] - s[Math.round(0.025 * (s.length - 1))]; };
  assert.ok(spread(Array.from(A.replicates!, (v, i) => v - other[i])) > 2 * (d.ci[1] - d.ci[0]));
  const [c] = pairedComparisons([['a', 'b']], ['cvr_auc'], boot, 400);
  assert.equal(c.better, 'a');
  assert.match(c.sentence, /^a ranks purchases better than b on CVR AUC \(clicked rows\): ΔAUC \+0\.\d{4} \[\+0\.\d{4}, \+0\.\d{4}\], lift \+\d/);
});

test('lift and RelaImpr by hand; sentences follow the interval', () => {
  const stats = pairedStatistics([['m', 'base']], ['cvr_auc'], () => true);
  const v = { 'm:cvr_auc': 0.75, 'base:cvr_auc': 0.7 };
  assert.ok(Math.abs(stats['diff:m:base:cvr_auc'](v) - 0.05) < 1e-12);
  assert.ok(Math.abs(stats['lift:m:base:cvr_auc'](v) - (0.75 / 0.7 - 1)) < 1e-12);
  assert.ok(Math.abs(stats['rela:m:base:cvr_auc'](v) - 0.25) < 1e-12); // (0.25 / 0.2) − 1
  assert.equal(comparisonSentence('m', 'base', 'cvr_auc', 0.01, [-0.002, 0.02], 0.01, [0, 0.03], 0.05, [0, 0.1], 1000).better, 'neither');
  assert.match(comparisonSentence('m', 'base', 'cvr_auc', 0.01, [-0.002, 0.02], 0.01, [0, 0.03], 0.05, [0, 0.1], 1000).sentence, /cannot tell m and base apart .* holds 0/);
  assert.equal(comparisonSentence('m', 'base', 'cvr_auc', -0.03, [-0.05, -0.01], -0.04, [-0.07, -0.01], -0.1, [-0.2, -0.03], 1000).better, 'base');
  assert.deepEqual(comparisonPairs(['gbdt', 'dnn', 'dnn_os', 'esmm', 'esm2'], CLAIMED_ORDER), [['esm2', 'esmm'], ['esmm', 'dnn'], ['dnn', 'gbdt'], ['dnn_os', 'gbdt'], ['esmm', 'gbdt'], ['esm2', 'gbdt']]);
});

test('Hanley–McNeil variance by hand and against simulated AUCs; normal quantiles; the minimum detectable difference', () => {
  // A = 0.8, 50 positives, 200 negatives: Q1 = 0.8/1.2, Q2 = 1.28/1.8.
  const byHand = (0.8 * 0.2 + 49 * (0.8 / 1.2 - 0.64) + 199 * (1.28 / 1.8 - 0.64)) / (50 * 200);
  assert.ok(Math.abs(hanleyMcNeilVariance(0.8, 50, 200) - byHand) < 1e-15);
  // Exponential scores (Hanley & McNeil's model): negatives Exp(1), positives Exp(1/4) give AUC 0.8; the spread of 2,000 simulated AUCs.
  const r = rng(8), aucs: number[] = [];
  for (let s = 0; s < 2000; s++) {
    const y = [...Array(50).fill(1), ...Array(200).fill(0)];
    aucs.push(auc(y, y.map((v) => -Math.log(1 - r.uniform()) * (v ? 4 : 1))));
  }
  const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length, sd = Math.sqrt(aucs.reduce((a, b) => a + (b - mean) ** 2, 0) / (aucs.length - 1));
  assert.ok(Math.abs(mean - 0.8) < 0.005, `mean AUC ${mean}`);
  assert.ok(Math.abs(sd / Math.sqrt(byHand) - 1) < 0.08, `simulated sd ${sd} vs Hanley–McNeil ${Math.sqrt(byHand)}`);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.8) - 0.8416212335729143) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306167813) < 1e-7);
  const m = minimumDetectableDifference({ metric: 'cvr_auc', auc: 0.8, positives: 50, negatives: 200, correlation: 0.6, pair: ['esm2', 'esmm'], observedDiff: 0.01 });
  assert.ok(Math.abs(m.value - (1.959963984540054 + 0.8416212335729143) * Math.sqrt(2 * byHand * 0.4)) < 1e-8);
  assert.equal(m.positives, 50);
  // Four times the data halves the detectable difference (nearly: the variance is not exactly 1/positives).
  const big = minimumDetectableDifference({ metric: 'cvr_auc', auc: 0.8, positives: 200, negatives: 800, correlation: 0.6 });
  assert.ok(Math.abs(big.value / m.value - 0.5) < 0.02);
  assert.equal(m.positives_for_observed, Math.ceil(50 * (m.value / 0.01) ** 2));
  assert.match(m.sentence, /With 50 purchases among 250 test rows, the smallest CVR AUC \(clicked rows\) difference this test set detects with 80% power at α = 0\.05 is 0\.\d{4}/);
  assert.match(m.sentence, /Detecting the observed esm2 − esmm difference of 0\.0100 would take about [\d,]+ purchases/);
});

test('the ordering sentence follows the paired intervals, not overlapping marginal ones', () => {
  const cmp = (a: string, b: string, diff: number, ci: [number, number]) => ({ a, b, metric: 'cvr_auc', diff, diff_ci: ci, lift: 0, lift_ci: [0, 0] as [number, number], rela_impr: 0, rela_impr_ci: [0, 0] as [number, number], better: ci[0] > 0 ? a : ci[1] < 0 ? b : 'neither', replicates: 1000, sentence: '' });
  // Marginal intervals overlap everywhere; the paired ones exclude 0.
  const models = { esm2: { cvr_auc: 0.76, cvr_auc_ci: [0.72, 0.8] }, esmm: { cvr_auc: 0.75, cvr_auc_ci: [0.71, 0.79] }, gbdt: { cvr_auc: 0.74, cvr_auc_ci: [0.7, 0.78] } };
  const base = { models, replicates: 1000, claimed_order: CLAIMED_ORDER, minimum_detectable_difference: { sentence: 'MDD sentence.' } };
  const holds = orderingStatement({ ...base, comparisons: [cmp('esm2', 'esmm', 0.01, [0.004, 0.016]), cmp('esmm', 'gbdt', 0.01, [0.002, 0.018])] } as unknown as Comparison);
  assert.equal(holds.holds, true);
  assert.match(holds.statement, /^CVR AUC ordering esm2 ≥ esmm ≥ gbdt holds by paired 95% intervals .*esm2 − esmm \+0\.0100 \[\+0\.0040, \+0\.0160\] \(esm2 above\).* MDD sentence\.$/);
  const open = orderingStatement({ ...base, comparisons: [cmp('esm2', 'esmm', 0.01, [-0.004, 0.016]), cmp('esmm', 'gbdt', -0.01, [-0.018, -0.002])] } as unknown as Comparison);
  assert.equal(open.holds, false);
  assert.match(open.statement, /is not established .*The data reverse gbdt > esmm\. This test set cannot order esm2 vs esmm\. MDD sentence\.$/);
});

test('models with identical predictions (ESMM and the DNN in click space) are called the same model, not "cannot tell apart"', () => {
  const r = rng(5), n = 400;
  const buy = Float32Array.from({ length: n }, () => (r.uniform() < 0.2 ? 1 : 0));
  const click = new Float32Array(n).fill(1);
  const score = (noise: number) => Float32Array.from(buy, (b) => Math.min(0.99, Math.max(0.01, 0.2 + 0.3 * b + noise * (r.uniform() - 0.5))));
  const same = score(0.8);
  const p = (pcvr: Float32Array) => ({ pcvr, pctcvr: null, pctr: null });
  const c = scoreComparison({
    models: ['gbdt', 'dnn', 'esmm'], claimedOrder: CLAIMED_ORDER, seed: 1, space: 'click', daction: ['cart'], features: { exclude: [], crosses: [], history: false },
    fingerprint: 'x', split: { train: 0, validation: 0, test: n }, test: { buy, click }, users: Array.from({ length: n }, (_, i) => `u${i % 40}`),
    predictions: { gbdt: p(score(1.5)), dnn: p(same), esmm: p(Float32Array.from(same)) }, histories: {}, seconds: {}, extra: {}, replicates: 50,
  });
  const pair = c.comparisons.find((x) => x.a === 'esmm' && x.b === 'dnn' && x.metric === 'cvr_auc')!;
  assert.equal(pair.better, 'same');
  assert.match(pair.sentence, /identical .* predictions on every test row/);
  assert.notEqual(c.comparisons.find((x) => x.a === 'dnn' && x.b === 'gbdt')!.better, 'same');
  assert.match(orderingStatement(c).statement, /esmm = dnn \(identical predictions: the same model on this log\)/);
});
