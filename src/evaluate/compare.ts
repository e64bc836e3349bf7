/**
 * One call trains and scores GBDT, DNN, DNN-OS, ESMM and ESM2 on the same
 * split and returns the ESM2 paper's Table 3 (AUC, GAUC) and Table 4
 * (precision/recall/F1 at the top k%) shapes, with 95% intervals from a
 * user-level bootstrap and the relative lift over GBDT (paired replicates).
 * CVR metrics are on clicked rows only; CTCVR metrics on all impressions.
 */
import { fitGbdt, gbdtData } from '../baseline/gbdt';
import { fitModel, type Prepared } from '../train/pipeline';
import type { Predictions } from '../train/predict';
import type { EpochLog, ProgressMode } from '../train/trainer';
import type { FeatureOptions } from '../features/samples';
import type { ModelName, ModelConfig } from '../models/model';
import { MODEL_PRESETS } from '../defaults';
import { rowsWhere } from './auc';
import { bootstrapUsers, weightedAuc, weightedGauc, weightedTopK, type WeightedMetric } from './bootstrap-users';
import { calibration, logLoss } from './metrics';

/** Model keys of a comparison, GBDT first (the reference of the lifts). */
export const COMPARE_MODELS = ['gbdt', 'dnn', 'dnn_os', 'esmm', 'esm2'] as const;
export type CompareModel = (typeof COMPARE_MODELS)[number];

/** Top-k shares of Table 4 and the suffix of their metric names. */
export const TOP_K = [{ k: 0.001, suffix: 'top0_1' }, { k: 0.006, suffix: 'top0_6' }, { k: 0.01, suffix: 'top1' }] as const;

/** Options of `compareModels`. */
export interface CompareOptions {
  models?: CompareModel[];
  preset?: keyof typeof MODEL_PRESETS;
  config?: Partial<ModelConfig>;
  seed?: number;
  /** Bootstrap replicates (users resampled). Default 100. */
  replicates?: number;
  progress?: ProgressMode;
}

/** Numbers of one model: each metric with a `…_ci` pair beside it. */
export type ModelNumbers = Record<string, number | [number, number] | unknown>;

/** The comparison. */
export interface Comparison {
  seed: number;
  space: 'impression' | 'click';
  daction: string[];
  /** Feature choices the samples were built with. */
  features: FeatureOptions;
  fingerprint: string;
  split: { train: number; validation: number; test: number };
  models: Record<string, ModelNumbers>;
  /** Relative lift over GBDT per model and metric: (model − gbdt) / gbdt, with a paired bootstrap interval. */
  lift_over_gbdt: Record<string, Record<string, number | [number, number]>>;
  table3: Record<string, unknown>[];
  table4: Record<string, unknown>[];
  /** Test predictions and training histories, for plots. */
  predictions: Record<string, Predictions>;
  histories: Record<string, EpochLog[]>;
  calibration: Record<string, { predicted: number; observed: number; n: number }[]>;
  /** Test labels and the rows CVR metrics use (clicked rows; null = all rows in click space), for curves. */
  test: { buy: Float32Array; click: Float32Array; cvrRows: Int32Array | null };
}

/** Metric closures of one model's test predictions. */
function metricsOf(p: Predictions, labels: Float32Array, clicked: Int32Array | null, all: Int32Array, users: string[]): Record<string, WeightedMetric> {
  const cvrRows = clicked ?? all;
  const m: Record<string, WeightedMetric> = {
    cvr_auc: weightedAuc(labels, p.pcvr, cvrRows),
    cvr_gauc: weightedGauc(labels, p.pcvr, users, cvrRows),
  };
  for (const { k, suffix } of TOP_K) for (const w of ['precision', 'recall', 'f1'] as const) m[`cvr_${w}_${suffix}`] = weightedTopK(labels, p.pcvr, cvrRows, k, w);
  if (p.pctcvr) {
    m.ctcvr_auc = weightedAuc(labels, p.pctcvr, all);
    m.ctcvr_gauc = weightedGauc(labels, p.pctcvr, users, all);
    for (const { k, suffix } of TOP_K) for (const w of ['precision', 'recall', 'f1'] as const) m[`ctcvr_${w}_${suffix}`] = weightedTopK(labels, p.pctcvr, all, k, w);
  }
  return m;
}

/** Train and score every model on the same prepared data. */
export async function compareModels(p: Prepared, options: CompareOptions = {}): Promise<Comparison> {
  const models = options.models ?? [...COMPARE_MODELS];
  const seed = options.seed ?? 1;
  const predictions: Record<string, Predictions> = {};
  const histories: Record<string, EpochLog[]> = {};
  const seconds: Record<string, number> = {};
  for (const name of models) {
    if (name === 'gbdt') {
      const g = await fitGbdt(gbdtData(p), p.samples.space, { seed });
      predictions.gbdt = g.test;
      seconds.gbdt = g.seconds;
    } else {
      const f = await fitModel(p, { model: name as ModelName, preset: options.preset, config: options.config, seed, progress: options.progress ?? 'none' });
      predictions[name] = f.test;
      histories[name] = f.result.history;
      seconds[name] = f.result.seconds;
      f.model.dispose();
    }
  }
  const test = p.data.test;
  const users = Array.from(p.split.test, (i) => p.samples.user_id[i]);
  const all = Int32Array.from({ length: test.rows.n }, (_, i) => i);
  const clicked = p.samples.space === 'impression' ? rowsWhere(test.click) : null;
  const closures: Record<string, WeightedMetric> = {};
  const per: Record<string, Record<string, WeightedMetric>> = {};
  for (const name of models) {
    per[name] = metricsOf(predictions[name], test.buy, clicked, all, users);
    for (const [k, f] of Object.entries(per[name])) closures[`${name}:${k}`] = f;
  }
  if (per.gbdt) {
    for (const name of models.filter((m) => m !== 'gbdt')) {
      for (const k of Object.keys(per[name]).filter((k) => per.gbdt[k])) {
        closures[`lift:${name}:${k}`] = (w) => per[name][k](w) / per.gbdt[k](w) - 1;
      }
    }
  }
  const boot = bootstrapUsers(closures, users, test.rows.n, { replicates: options.replicates ?? 100, seed });
  const numbers: Record<string, ModelNumbers> = {};
  const lift: Record<string, Record<string, number | [number, number]>> = {};
  const cal: Comparison['calibration'] = {};
  for (const name of models) {
    const pr = predictions[name];
    const out: ModelNumbers = {};
    for (const k of Object.keys(per[name])) {
      out[k] = boot[`${name}:${k}`].value;
      out[`${k}_ci`] = boot[`${name}:${k}`].ci;
    }
    out.cvr_logloss = logLoss(test.buy, pr.pcvr, clicked ?? all);
    if (pr.pctcvr) out.ctcvr_logloss = logLoss(test.buy, pr.pctcvr, all);
    out.train_seconds = seconds[name];
    numbers[name] = out;
    cal[name] = calibration(test.buy, pr.pcvr, clicked ?? all);
    if (name !== 'gbdt' && per.gbdt) {
      lift[name] = {};
      for (const k of Object.keys(per[name]).filter((k) => per.gbdt[k])) {
        lift[name][k] = boot[`lift:${name}:${k}`].value;
        lift[name][`${k}_ci`] = boot[`lift:${name}:${k}`].ci;
      }
    }
  }
  const table3 = models.map((name) => ({ model: name, ...pick(numbers[name], ['cvr_auc', 'cvr_gauc', 'ctcvr_auc', 'ctcvr_gauc']) }));
  const table4 = models.map((name) => ({ model: name, ...pick(numbers[name], TOP_K.flatMap(({ suffix }) => ['precision', 'recall', 'f1'].map((w) => `cvr_${w}_${suffix}`))) }));
  return {
    seed, space: p.samples.space, daction: p.samples.daction, features: p.features, fingerprint: p.samples.fingerprint,
    split: { train: p.split.train.length, validation: p.split.validation.length, test: p.split.test.length },
    models: numbers, lift_over_gbdt: lift, table3, table4, predictions, histories, calibration: cal,
    test: { buy: test.buy, click: test.click, cvrRows: clicked },
  };
}

function pick(o: ModelNumbers, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).flatMap((k) => [[k, o[k]], [`${k}_ci`, o[`${k}_ci`]]]));
}
