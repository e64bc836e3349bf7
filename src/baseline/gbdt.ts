/**
 * The production-style GBDT baseline of the ESM2 paper (Wen et al., SIGIR
 * 2020, Section 4.2), with XGBoost: one model for CVR trained on clicked rows,
 * one for CTCVR trained on all impressions, on the same features and time
 * split as the deep models (vocabulary indices and transformed numerics).
 */
import { cpus } from 'node:os';
import { GBDT_DEFAULTS, withDefaults } from '../defaults';
import type { TrainData } from '../train/data';
import type { Predictions } from '../train/predict';
import { Booster, DMatrix } from './xgboost';

/** GBDT settings (see GBDT_DEFAULTS). */
export type GbdtOptions = Partial<typeof GBDT_DEFAULTS>;

function matrix(d: TrainData, rows: ArrayLike<number>): Float32Array {
  const w = d.C + d.N;
  const X = new Float32Array(rows.length * w);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    for (let c = 0; c < d.C; c++) X[k * w + c] = d.rows.cat[r * d.C + c];
    for (let c = 0; c < d.N; c++) X[k * w + d.C + c] = d.rows.num[r * d.N + c];
  }
  return X;
}

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

async function fitOne(d: TrainData, rows: Int32Array, o: typeof GBDT_DEFAULTS): Promise<Booster & { dtrain: DMatrix }> {
  const y = Float32Array.from(rows, (r) => d.buy[r]);
  const base = Math.min(Math.max(y.reduce((s, v) => s + v, 0) / Math.max(y.length, 1), 1e-6), 0.5);
  const dtrain = new DMatrix(matrix(d, rows), rows.length, d.C + d.N, y);
  const b = new Booster(dtrain, {
    objective: 'binary:logistic', tree_method: 'hist', max_depth: o.depth, eta: o.eta, subsample: o.subsample, colsample_bytree: o.colsample,
    min_child_weight: o.minRowsPerSplit * base * (1 - base), seed: o.seed, nthread: cpus().length, verbosity: 0,
  }) as Booster & { dtrain: DMatrix };
  for (let i = 0; i < o.trees; i++) await b.updateAsync(i, dtrain);
  b.dtrain = dtrain;
  return b;
}

/** Train the CVR and CTCVR GBDTs and predict the test rows (pCTR and pCTAVR are not modelled). */
export async function fitGbdt(data: { train: TrainData; test: TrainData }, space: 'impression' | 'click', options: GbdtOptions = {}): Promise<{ test: Predictions; seconds: number }> {
  const o = withDefaults(GBDT_DEFAULTS, options);
  const t0 = Date.now();
  const { train, test } = data;
  const clicked = space === 'impression' ? Int32Array.from(all(train.rows.n).filter((r) => train.click[r] > 0.5)) : all(train.rows.n);
  const dtest = new DMatrix(matrix(test, all(test.rows.n)), test.rows.n, test.C + test.N);
  const cvr = await fitOne(train, clicked, o);
  const pcvr = cvr.predict(dtest);
  cvr.free(); cvr.dtrain.free();
  let pctcvr: Float32Array | null = null;
  if (space === 'impression') {
    const ctcvr = await fitOne(train, all(train.rows.n), o);
    pctcvr = ctcvr.predict(dtest);
    ctcvr.free(); ctcvr.dtrain.free();
  }
  dtest.free();
  return { test: { pctr: null, pctavr: null, pcvr, pctcvr }, seconds: (Date.now() - t0) / 1000 };
}
