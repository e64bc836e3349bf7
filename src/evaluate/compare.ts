/**
 * One call trains and scores GBDT, DNN, DNN-OS, ESMM and ESM2 on the same
 * split and returns the ESM2 paper's Table 3 (AUC, GAUC) and Table 4
 * (precision/recall/F1 at the top k%) shapes, with 95% intervals from a
 * user-level bootstrap, the relative lift over GBDT, and paired comparisons
 * (ΔAUC, lift, RelaImpr) of the differences the report states, with the
 * smallest difference the test set can detect. CVR metrics are on clicked
 * rows only; CTCVR metrics on all impressions.
 */
import { fitGbdt, gbdtData } from '../baseline/gbdt';
import { fitModel, type Prepared } from '../train/pipeline';
import type { Predictions } from '../train/predict';
import type { ProgressMode } from '../train/trainer';
import type { EpochLog } from '../train/epoch-log';
import type { FeatureOptions } from '../features/samples';
import type { ModelName, ModelConfig } from '../models/model';
import { COMPARE_DEFAULTS, MODEL_PRESETS } from '../defaults';
import { rowsWhere } from '../metrics/auc';
import { bootstrapUsers, weightedAuc, weightedGauc, weightedTopK, type DerivedStatistic, type WeightedMetric } from './bootstrap-users';
import { calibration, logLoss } from '../metrics/metrics';
import { comparisonPairs, minimumDetectableDifference, pairedComparisons, pairedStatistics, PAIRED_METRICS, type MinimumDetectable, type PairedComparison } from './paired';
import { correlation } from '../stats/power';

/** Model keys of a comparison by default, GBDT first (the reference of the lifts). */
export const COMPARE_MODELS = ['gbdt', 'dnn', 'dnn_os', 'esmm', 'esm2'] as const;
/** Every model a comparison can hold: the defaults and the extra `dnn_mt`. */
export const COMPARABLE_MODELS = [...COMPARE_MODELS, 'dnn_mt'] as const;
export type CompareModel = (typeof COMPARABLE_MODELS)[number];

/** Top-k shares of Table 4 and the suffix of their metric names. */
export const TOP_K = [{ k: 0.001, suffix: 'top0_1' }, { k: 0.006, suffix: 'top0_6' }, { k: 0.01, suffix: 'top1' }] as const;

/** Options of `compareModels`. */
export interface CompareOptions {
  models?: CompareModel[];
  preset?: keyof typeof MODEL_PRESETS;
  config?: Partial<ModelConfig>;
  seed?: number;
  /** Bootstrap replicates (users resampled). Default COMPARE_DEFAULTS.replicates (1,000). */
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
  /** Every difference the report states (ESM2 − ESMM, adjacent models of the claimed order, each model − GBDT) on CVR and CTCVR AUC, paired. */
  comparisons: PairedComparison[];
  /** The smallest CVR AUC difference the test set can detect (null without two models). */
  minimum_detectable_difference: MinimumDetectable | null;
  /** Bootstrap replicates behind the intervals. */
  replicates: number;
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
  const extra: Record<string, ModelNumbers> = {};
  for (const name of models) {
    if (name === 'gbdt') {
      const g = await fitGbdt(gbdtData(p), p.samples.space, { seed });
      predictions.gbdt = g.test;
      seconds.gbdt = g.seconds;
      extra.gbdt = { trees: g.rounds }; // chosen on validation log-loss
    } else {
      const f = await fitModel(p, { model: name as ModelName, preset: options.preset, config: options.config, seed, progress: options.progress ?? 'none' });
      predictions[name] = f.test;
      histories[name] = f.result.history;
      seconds[name] = f.result.seconds;
      extra[name] = { best_epoch: f.result.bestEpoch };
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
  // Derived statistics share each replicate's resampled users with the metrics: lifts and differences are paired.
  const derived: Record<string, DerivedStatistic> = {};
  if (per.gbdt) {
    for (const name of models.filter((m) => m !== 'gbdt')) {
      for (const k of Object.keys(per[name]).filter((k) => per.gbdt[k])) derived[`lift:${name}:${k}`] = (v) => v[`${name}:${k}`] / v[`gbdt:${k}`] - 1;
    }
  }
  const pairs = comparisonPairs([...models]);
  const metricsCompared = Object.keys(PAIRED_METRICS);
  Object.assign(derived, pairedStatistics(pairs, metricsCompared, (m, k) => Boolean(per[m]?.[k])));
  const replicates = options.replicates ?? COMPARE_DEFAULTS.replicates;
  const mddPair = (pairs.find(([a, b]) => a === 'esm2' && b === 'esmm') ?? pairs[0]) as [string, string] | undefined;
  const keep = mddPair ? mddPair.map((m) => `${m}:cvr_auc`) : [];
  const boot = bootstrapUsers(closures, users, test.rows.n, { replicates, seed, derived, keep });
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
    numbers[name] = { ...out, ...extra[name] };
    cal[name] = calibration(test.buy, pr.pcvr, clicked ?? all);
    if (name !== 'gbdt' && per.gbdt) {
      lift[name] = {};
      for (const k of Object.keys(per[name]).filter((k) => per.gbdt[k])) {
        lift[name][k] = boot[`lift:${name}:${k}`].value;
        lift[name][`${k}_ci`] = boot[`lift:${name}:${k}`].ci;
      }
    }
  }
  const comparisons = pairedComparisons(pairs, metricsCompared, boot, replicates);
  let mdd: MinimumDetectable | null = null;
  if (mddPair) {
    const cvrRows = clicked ?? all;
    const positives = Array.from(cvrRows).filter((r) => test.buy[r] > 0.5).length;
    const [a, b] = mddPair.map((m) => boot[`${m}:cvr_auc`]);
    mdd = minimumDetectableDifference({
      metric: 'cvr_auc', auc: (a.value + b.value) / 2, positives, negatives: cvrRows.length - positives, correlation: correlation(a.replicates!, b.replicates!),
      alpha: COMPARE_DEFAULTS.alpha, power: COMPARE_DEFAULTS.power, pair: mddPair, observedDiff: a.value - b.value,
    });
  }
  const table3 = models.map((name) => ({ model: name, ...pick(numbers[name], ['cvr_auc', 'cvr_gauc', 'ctcvr_auc', 'ctcvr_gauc']) }));
  const table4 = models.map((name) => ({ model: name, ...pick(numbers[name], TOP_K.flatMap(({ suffix }) => ['precision', 'recall', 'f1'].map((w) => `cvr_${w}_${suffix}`))) }));
  return {
    seed, space: p.samples.space, daction: p.samples.daction, features: p.features, fingerprint: p.samples.fingerprint,
    split: { train: p.split.train.length, validation: p.split.validation.length, test: p.split.test.length },
    models: numbers, lift_over_gbdt: lift, comparisons, minimum_detectable_difference: mdd, replicates, table3, table4, predictions, histories, calibration: cal,
    test: { buy: test.buy, click: test.click, cvrRows: clicked },
  };
}

function pick(o: ModelNumbers, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).flatMap((k) => [[k, o[k]], [`${k}_ci`, o[`${k}_ci`]]]));
}
