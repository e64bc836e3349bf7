/**
 * Scores GBDT, DNN, DNN-OS, ESMM and ESM2 (their test predictions on one
 * split; pipeline/compare.ts trains them) and returns the ESM2 paper's Table 3 (AUC, GAUC) and Table 4
 * (precision/recall/F1 at the top k%) shapes, with 95% intervals from a
 * user-level bootstrap, the relative lift over GBDT, and paired comparisons
 * (ΔAUC, lift, RelaImpr) of the differences the report states, with the
 * smallest difference the test set can detect. CVR metrics are on clicked
 * rows only; CTCVR metrics on all impressions.
 */
import type { FeatureOptions } from '../features/samples';
import { COMPARE_DEFAULTS } from '../defaults';
import { rowsWhere } from '../metrics/auc';
import type { ScoredPredictions } from '../metrics/model-scores';
import { bootstrapUsers, weightedAuc, weightedGauc, weightedTopK, type DerivedStatistic, type WeightedMetric } from './bootstrap-users';
import { calibration, logLoss } from '../metrics/metrics';
import { comparisonPairs, minimumDetectableDifference, pairedComparisons, pairedStatistics, PAIRED_METRICS, type MinimumDetectable, type PairedComparison } from './paired';
import { correlation } from '../stats/power';

/** The model every lift is relative to: the team's current model in the ESM2 paper's framing. */
export const LIFT_REFERENCE = COMPARE_DEFAULTS.liftReference;

/** Top-k shares of Table 4 and the suffix of their metric names. */
export const TOP_K = [{ k: 0.001, suffix: 'top0_1' }, { k: 0.006, suffix: 'top0_6' }, { k: 0.01, suffix: 'top1' }] as const;

/** The run a comparison scores: seed, sample space, DAction set, features and split sizes (copied into the result). */
export interface ComparisonRun {
  seed: number;
  space: 'impression' | 'click';
  daction: string[];
  /** Feature choices the samples were built with. */
  features: FeatureOptions;
  fingerprint: string;
  split: { train: number; validation: number; test: number };
}

/** What `scoreComparison` scores: every model's test predictions on one split, and what the report shows beside them. */
export interface ComparisonInput<H = unknown> extends ComparisonRun {
  /** Model keys in table order. */
  models: string[];
  /** The CVR ordering the report tests, best first (the registry's claimed order). */
  claimedOrder: readonly string[];
  /** Test labels, and each test row's user (the bootstrap resamples users). */
  test: { buy: Float32Array; click: Float32Array };
  users: string[];
  predictions: Record<string, ScoredPredictions>;
  histories: Record<string, H[]>;
  seconds: Record<string, number>;
  /** Extra numbers per model (best epoch, trees kept). */
  extra: Record<string, Record<string, unknown>>;
  /** Bootstrap replicates (users resampled). Default COMPARE_DEFAULTS.replicates (1,000). */
  replicates?: number;
}

/** Numbers of one model: each metric with a `…_ci` pair beside it. */
export type ModelNumbers = Record<string, number | [number, number] | unknown>;

/** The comparison. */
export interface Comparison<H = unknown> extends ComparisonRun {
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
  /** The CVR ordering the report tests, best first. */
  claimed_order: readonly string[];
  /** Test predictions and training histories, for plots. */
  predictions: Record<string, ScoredPredictions>;
  histories: Record<string, H[]>;
  calibration: Record<string, { predicted: number; observed: number; n: number }[]>;
  /** Test labels and the rows CVR metrics use (clicked rows; null = all rows in click space), for curves. */
  test: { buy: Float32Array; click: Float32Array; cvrRows: Int32Array | null };
}

/** Metric closures of one model's test predictions. */
function metricsOf(p: ScoredPredictions, labels: Float32Array, clicked: Int32Array | null, all: Int32Array, users: string[]): Record<string, WeightedMetric> {
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

/**
 * Score every model's test predictions on the same rows: each metric with a user-bootstrap interval, lifts
 * over GBDT and the paired comparisons the report states, all from the same resampled users.
 */
export function scoreComparison<H>(input: ComparisonInput<H>): Comparison<H> {
  const { models, seed, test, users, predictions, seconds, extra } = input;
  const n = test.buy.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const clicked = input.space === 'impression' ? rowsWhere(test.click) : null;
  const closures: Record<string, WeightedMetric> = {};
  const per: Record<string, Record<string, WeightedMetric>> = {};
  for (const name of models) {
    per[name] = metricsOf(predictions[name], test.buy, clicked, all, users);
    for (const [k, f] of Object.entries(per[name])) closures[`${name}:${k}`] = f;
  }
  // Derived statistics share each replicate's resampled users with the metrics: lifts and differences are paired.
  const derived: Record<string, DerivedStatistic> = {};
  const ref = LIFT_REFERENCE;
  if (per[ref]) {
    for (const name of models.filter((m) => m !== ref)) {
      for (const k of Object.keys(per[name]).filter((k) => per[ref][k])) derived[`lift:${name}:${k}`] = (v) => v[`${name}:${k}`] / v[`${ref}:${k}`] - 1;
    }
  }
  const pairs = comparisonPairs([...models], input.claimedOrder, ref);
  const metricsCompared = Object.keys(PAIRED_METRICS);
  Object.assign(derived, pairedStatistics(pairs, metricsCompared, (m, k) => Boolean(per[m]?.[k])));
  const replicates = input.replicates ?? COMPARE_DEFAULTS.replicates;
  const mddPair = (pairs.find(([a, b]) => a === 'esm2' && b === 'esmm') ?? pairs[0]) as [string, string] | undefined;
  const keep = mddPair ? mddPair.map((m) => `${m}:cvr_auc`) : [];
  const boot = bootstrapUsers(closures, users, n, { replicates, seed, derived, keep });
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
    if (name !== ref && per[ref]) {
      lift[name] = {};
      for (const k of Object.keys(per[name]).filter((k) => per[ref][k])) {
        lift[name][k] = boot[`lift:${name}:${k}`].value;
        lift[name][`${k}_ci`] = boot[`lift:${name}:${k}`].ci;
      }
    }
  }
  const scoresOf = (m: string, metric: string) => (metric.startsWith('ctcvr') ? predictions[m].pctcvr : predictions[m].pcvr);
  const identical = (a: string, b: string, metric: string) => {
    const x = scoresOf(a, metric), y = scoresOf(b, metric);
    return Boolean(x && y && x.length === y.length && x.every((v, i) => v === y[i]));
  };
  const comparisons = pairedComparisons(pairs, metricsCompared, boot, replicates, identical);
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
    seed, space: input.space, daction: input.daction, features: input.features, fingerprint: input.fingerprint, split: input.split,
    models: numbers, lift_over_gbdt: lift, comparisons, minimum_detectable_difference: mdd, replicates, table3, table4,
    claimed_order: input.claimedOrder, predictions, histories: input.histories, calibration: cal,
    test: { buy: test.buy, click: test.click, cvrRows: clicked },
  };
}

function pick(o: ModelNumbers, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).flatMap((k) => [[k, o[k]], [`${k}_ci`, o[`${k}_ci`]]]));
}
