/**
 * Reproducible by seed: GBDT fits, whole reports, and resumed training give the same numbers twice.
 * GBDT rounds run on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import {
  Booster, DMatrix, fitGbdt, rng, initBackend, Esm2, MODEL_CONFIGS, TRAIN_DEFAULTS, train, runReport, writeSimulation, type TrainData, type TrainLoopOptions, type GbdtData, type GbdtSplit,
} from '../../src';
import { ROOT, cli, tmp, needs, pythonFor } from '../helpers';

let tf: typeof TF;
before(async () => {
  tf = (await initBackend(undefined, { quiet: true })).tf;
});

/** Rows with two categorical and three numeric fields; labels depend on both, with noise. */
function rows(n: number, seed: number, flip = false): TrainData {
  const r = rng(seed);
  const cat = Int32Array.from({ length: n * 2 }, () => r.int(6));
  const num = Float32Array.from({ length: n * 3 }, () => Math.round(r.normal() * 100) / 100);
  const click = new Float32Array(n), daction = new Float32Array(n), buy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    click[i] = num[3 * i] + (cat[2 * i] === 1 ? 1 : 0) + 0.5 * r.normal() > 0.3 ? 1 : 0;
    daction[i] = click[i] && num[3 * i + 1] + 0.5 * r.normal() > 0 ? 1 : 0;
    buy[i] = daction[i] && cat[2 * i + 1] > 1 && r.uniform() < 0.8 ? 1 : 0;
    if (flip) [click[i], daction[i], buy[i]] = [1 - click[i], 1 - daction[i], 1 - buy[i]];
  }
  return { rows: { n, cat, num }, C: 2, N: 3, click, daction, buy };
}

/** The same rows as XGBoost matrices: the two categorical fields as categories, the three numbers as they are. */
function gbdtSplit(d: TrainData): GbdtSplit {
  const X = new Float32Array(d.rows.n * 5);
  for (let r = 0; r < d.rows.n; r++) {
    X.set(Array.from(d.rows.cat.subarray(2 * r, 2 * r + 2)), 5 * r);
    X.set(d.rows.num.subarray(3 * r, 3 * r + 3), 5 * r + 2);
  }
  return { X, n: d.rows.n, click: d.click, buy: d.buy };
}

test('GBDT: one seed gives identical predictions, whichever pool threads run the rounds (row and column sampling on)', needs('xgboost'), async () => {
  const data: GbdtData = { columns: ['a', 'b', 'x', 'y', 'z'], featureTypes: ['c', 'c', 'q', 'q', 'q'], train: gbdtSplit(rows(6000, 1)), validation: gbdtSplit(rows(1500, 3)), test: gbdtSplit(rows(2000, 2)) };
  const o = { trees: 25, depth: 5, subsample: 0.6, colsample: 0.6, seed: 7 };
  const first = await fitGbdt(data, 'impression', o);
  // Two fits at once: their rounds interleave over the pool, so a round lands on a thread that ran the other fit's rounds.
  const both = await Promise.all([fitGbdt(data, 'impression', o), fitGbdt(data, 'impression', o)]);
  for (const g of both) {
    assert.deepEqual(Array.from(g.test.pcvr), Array.from(first.test.pcvr), 'pCVR differs between two fits with one seed');
    assert.deepEqual(Array.from(g.test.pctcvr!), Array.from(first.test.pctcvr!), 'pCTCVR differs between two fits with one seed');
  }
  const other = await fitGbdt(data, 'impression', { ...o, seed: 8 });
  assert.notDeepEqual(Array.from(other.test.pcvr), Array.from(first.test.pcvr), 'another seed should sample other rows and columns');
});

test('GBDT with row and column sampling, rounds on the pool, equals Python XGBoost (all rounds on one thread)', needs('xgboost', 'python-xgboost'), async () => {
  const py = pythonFor('python-xgboost');
  const n = 3000, cols = 5, r = rng(3);
  const X = Float32Array.from({ length: n * cols }, () => Math.round(r.normal() * 100) / 100);
  const y = Float32Array.from({ length: n }, (_, i) => (X[i * cols] + X[i * cols + 1] * X[i * cols + 2] + r.normal() > 1 ? 1 : 0));
  const rounds = 20;
  const d = new DMatrix(X, n, cols, y);
  const b = new Booster(d, { objective: 'binary:logistic', tree_method: 'hist', max_depth: 4, eta: 0.3, subsample: 0.6, colsample_bytree: 0.6, seed: 5, nthread: 2 });
  for (let i = 0; i < rounds; i++) await b.updateAsync(i, d);
  const ours = b.predict(d);
  b.free(); d.free();
  const p = spawnSync(py, [join(ROOT, 'test', 'xgboost_reference.py')], { input: JSON.stringify({ X: Array.from(X), y: Array.from(y), rows: n, cols, params: b.params, rounds }), encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  const ref = JSON.parse(p.stdout).pred as number[];
  ours.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-6, `row ${i}: ${v} vs Python ${ref[i]}`));
});

/** results.json's numbers without what measures time. */
function numbersOf(results: Record<string, unknown>): unknown {
  const timing = new Set(['train_seconds', 'seconds', 'samples_per_s']);
  return JSON.parse(JSON.stringify(results, (k, v) => (timing.has(k) || v instanceof Float32Array || v instanceof Int32Array ? undefined : v)));
}

test('two reports on one log with one seed write the same numbers (timings aside)', needs('xgboost'), async () => {
  const { files } = await writeSimulation(join(tmp(), 'sim'), { impressions: 40_000, seed: 4 });
  const run = () => runReport(files.events, { preset: 'buypath', models: ['gbdt', 'esm2'], config: { epochs: 2 }, replicates: 20, seed: 3, progress: 'none' });
  const a = await run(), b = await run();
  const gbdt = (a.results.models as Record<string, Record<string, number>>).gbdt;
  assert.ok(Number.isFinite(gbdt.cvr_auc) && Number.isFinite(gbdt.ctcvr_auc), `GBDT's AUCs should be measurable (purchases in the test rows), got ${gbdt.cvr_auc}, ${gbdt.ctcvr_auc}`);
  assert.deepEqual(numbersOf(b.results), numbersOf(a.results));
});

const weightsOf = (m: Esm2) => m.weights().map(({ name, variable }) => [name, Array.from(variable.dataSync())]);
const withoutTimes = (h: object[]) => h.map((e) => ({ ...e, seconds: 0, samples_per_s: 0 }));

/** Train `epochsFirst` epochs, then resume to `o.epochs` in a fresh model; and train `o.epochs` uninterrupted. */
async function interruptedAndWhole(data: { train: TrainData; validation: TrainData }, o: Omit<TrainLoopOptions, 'checkpointDir' | 'resume'>, epochsFirst: number) {
  const spec = { vocabSizes: [6, 6], numNumeric: 3, space: 'impression' as const };
  const opts = { config: { ...MODEL_CONFIGS.fast, dropout: 0.3 }, seed: o.seed, lossWeights: TRAIN_DEFAULTS.lossWeights, oversample: 5 };
  const [ckA, ckB] = [join(tmp(), 'ck'), join(tmp(), 'ck')];
  const first = new Esm2(tf, spec, opts);
  await train(first, data.train, data.validation, { ...o, epochs: epochsFirst, checkpointDir: ckA });
  const resumed = new Esm2(tf, spec, opts);
  const r = await train(resumed, data.train, data.validation, { ...o, checkpointDir: ckA, resume: true });
  const whole = new Esm2(tf, spec, opts);
  const w = await train(whole, data.train, data.validation, { ...o, checkpointDir: ckB });
  const out = { r, w, resumed: weightsOf(resumed), whole: weightsOf(whole), ckA, ckB };
  for (const m of [first, resumed, whole]) m.dispose();
  return out;
}

test('training interrupted after epoch 1 and resumed ends bit for bit where an uninterrupted run ends (dropout on)', async () => {
  const data = { train: rows(3000, 11), validation: rows(800, 12) };
  const o = { epochs: 3, batchSize: 256, learningRate: 3e-3, patience: 5, seed: 9, progress: 'none' as const };
  const { r, w, resumed, whole, ckA, ckB } = await interruptedAndWhole(data, o, 1);
  assert.deepEqual(r.history.map((h) => h.epoch), [1, 2, 3]);
  assert.deepEqual(withoutTimes(r.history), withoutTimes(w.history));
  assert.equal(r.bestEpoch, w.bestEpoch);
  assert.deepEqual(resumed, whole, 'the kept (best) weights differ');
  // The last checkpoints hold the last weights, Adam's moments, the row order and the best weights: byte for byte equal.
  assert.ok(readFileSync(join(ckA, 'checkpoint.bin')).equals(readFileSync(join(ckB, 'checkpoint.bin'))), 'the last checkpoints differ');
});

test('resume keeps the early-stopping state and the best weights of an earlier epoch', async () => {
  // Validation labels flipped: learning the training labels makes the validation loss worse after epoch 1.
  const data = { train: rows(3000, 13), validation: rows(800, 14, true) };
  const o = { epochs: 6, batchSize: 256, learningRate: 3e-3, patience: 1, seed: 2, progress: 'none' as const };
  const { r, w, resumed, whole } = await interruptedAndWhole(data, o, 2);
  assert.equal(w.bestEpoch, 1, `the scenario needs the best epoch before the interruption, got ${w.bestEpoch}`);
  assert.ok(w.stoppedEarly);
  assert.deepEqual(withoutTimes(r.history), withoutTimes(w.history));
  assert.equal(r.bestEpoch, 1);
  assert.ok(r.stoppedEarly);
  assert.deepEqual(resumed, whole, 'resume did not restore the best weights of epoch 1');
});

test('resume refuses a checkpoint written by another run, naming the setting', async () => {
  const data = { train: rows(600, 15), validation: rows(200, 16) };
  const spec = { vocabSizes: [6, 6], numNumeric: 3, space: 'impression' as const };
  const opts = { config: MODEL_CONFIGS.fast, seed: 1, lossWeights: TRAIN_DEFAULTS.lossWeights, oversample: 5 };
  const ck = join(tmp(), 'ck');
  const m = new Esm2(tf, spec, opts);
  const o = { epochs: 1, batchSize: 128, learningRate: 2e-3, patience: 1, seed: 1, checkpointDir: ck, progress: 'none' as const };
  await train(m, data.train, data.validation, o);
  await assert.rejects(train(m, data.train, data.validation, { ...o, epochs: 2, seed: 2, resume: true }), /expected a checkpoint of this run, got one written with seed 1 \(now 2\).*--seed 1/);
  m.dispose();
});

test('buypath train --epochs 1, then --epochs 3 --resume, prints the test metrics of an uninterrupted --epochs 3 and saves the same weights', async () => {
  const dir = tmp();
  const { files } = await writeSimulation(join(dir, 'sim'), { impressions: 40_000, seed: 4 });
  const base = ['train', files.events, '--preset', 'buypath', '--daction', 'cart,wish', '--seed', '3'];
  const metrics = (r: ReturnType<typeof cli>) => {
    assert.equal(r.status, 0, r.stderr);
    const m = /test CVR AUC [\d.]+ \(clicked rows, \d+ purchases\), CTCVR AUC [\d.]+; best epoch \d+/.exec(r.stdout);
    assert.ok(m, `expected the test metrics line with measurable AUCs, got: ${r.stdout}`);
    return m[0];
  };
  metrics(cli([...base, '--out', join(dir, 'a'), '--epochs', '1']));
  const resumed = metrics(cli([...base, '--out', join(dir, 'a'), '--epochs', '3', '--resume']));
  const whole = metrics(cli([...base, '--out', join(dir, 'b'), '--epochs', '3']));
  assert.equal(resumed, whole);
  assert.ok(readFileSync(join(dir, 'a', 'model.bin')).equals(readFileSync(join(dir, 'b', 'model.bin'))), 'the saved weights differ');
});
