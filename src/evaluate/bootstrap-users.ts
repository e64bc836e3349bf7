/**
 * 95% intervals for offline metrics by resampling users (a Poisson bootstrap:
 * each user's rows get one Poisson(1) weight per replicate), so the rows of
 * one user stay together. Each metric sorts its rows once; replicates only
 * re-weight them.
 */
import { Rng } from '../random';
import { poisson } from '../stats/bootstrap';
import { aucSorted, sortRows } from '../metrics/auc';
import { topKSorted } from '../metrics/metrics';
import { BOOTSTRAP_DEFAULTS } from '../defaults';

/** A metric of row weights over a fixed set of rows and scores. */
export type WeightedMetric = (weights: Float64Array | null) => number;

/** AUC over `rows`, sorted once. */
export function weightedAuc(labels: ArrayLike<number>, scores: ArrayLike<number>, rows: ArrayLike<number>): WeightedMetric {
  const idx = sortRows(scores, rows, labels.length);
  return (w) => aucSorted(labels, scores, idx, w);
}

/** GAUC (impression-weighted) over `rows`, each user's rows sorted once. */
export function weightedGauc(labels: ArrayLike<number>, scores: ArrayLike<number>, users: ArrayLike<string | number>, rows: ArrayLike<number>): WeightedMetric {
  const groups = new Map<string | number, number[]>();
  for (const r of Array.from(rows)) {
    const g = groups.get(users[r]);
    if (g) g.push(r);
    else groups.set(users[r], [r]);
  }
  const per = [...groups.values()].filter((g) => g.some((r) => labels[r] > 0.5) && g.some((r) => labels[r] <= 0.5)).map((g) => ({ rows: g, f: weightedAuc(labels, scores, g) }));
  return (w) => {
    let num = 0, den = 0;
    for (const { rows: g, f } of per) {
      const a = f(w);
      if (Number.isNaN(a)) continue;
      const n = w ? g.reduce((s, r) => s + w[r], 0) : g.length;
      num += n * a;
      den += n;
    }
    return den ? num / den : NaN;
  };
}

/** Precision, recall or F1 at the global top k of `rows`, sorted once. */
export function weightedTopK(labels: ArrayLike<number>, scores: ArrayLike<number>, rows: ArrayLike<number>, k: number, which: 'precision' | 'recall' | 'f1'): WeightedMetric {
  const idx = sortRows(scores, rows, labels.length, true);
  return (w) => topKSorted(labels, idx, k, w)[which];
}

/** A statistic of several metrics' values in one replicate (e.g. a paired difference), keyed like the metrics. */
export type DerivedStatistic = (values: Record<string, number>) => number;

/** Options of `bootstrapUsers`. */
export interface UserBootstrapOptions {
  replicates?: number;
  seed?: number;
  /** Statistics of the metrics' values, computed in each replicate from the same resampled users (paired). */
  derived?: Record<string, DerivedStatistic>;
  /** Metrics or derived statistics whose replicate values are returned (`replicates` of the result). */
  keep?: string[];
}

/** A point value, its 95% percentile interval, and (for `keep`) the replicate values, in replicate order (NaN where undefined). */
export interface BootstrapResult {
  value: number;
  ci: [number, number];
  /** Replicates where the statistic was finite. */
  finite: number;
  replicates?: Float64Array;
}

/**
 * Point values and percentile intervals of several metrics, resampling users. Derived statistics (differences,
 * ratios of two models' metrics) are computed from the metric values of the same replicate, so their intervals are
 * paired: both models are scored on the same resampled users. Non-finite replicate values are left out of the
 * order statistics and counted (`finite`).
 */
export function bootstrapUsers(metrics: Record<string, WeightedMetric>, users: ArrayLike<string | number>, n: number, { replicates = BOOTSTRAP_DEFAULTS.userReplicates, seed = BOOTSTRAP_DEFAULTS.seed, derived = {}, keep = [] }: UserBootstrapOptions = {}): Record<string, BootstrapResult> {
  const codes = new Map<string | number, number>();
  const userOf = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let c = codes.get(users[r]);
    if (c === undefined) codes.set(users[r], (c = codes.size));
    userOf[r] = c;
  }
  const rng = new Rng(seed).fork('bootstrap-users');
  const keys = [...Object.keys(metrics), ...Object.keys(derived)];
  const samples: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
  const kept: Record<string, Float64Array> = Object.fromEntries(keep.map((k) => [k, new Float64Array(replicates)]));
  const uw = new Float64Array(codes.size), w = new Float64Array(n);
  const values: Record<string, number> = {};
  const record = (k: string, v: number, b: number) => {
    if (Number.isFinite(v)) samples[k].push(v);
    if (kept[k]) kept[k][b] = v;
  };
  for (let b = 0; b < replicates; b++) {
    for (let u = 0; u < uw.length; u++) uw[u] = poisson(rng, 1);
    for (let r = 0; r < n; r++) w[r] = uw[userOf[r]];
    for (const [k, f] of Object.entries(metrics)) record(k, (values[k] = f(w)), b);
    for (const [k, f] of Object.entries(derived)) record(k, f(values), b);
  }
  const q = (a: number[], p: number) => (a.length ? a[Math.min(a.length - 1, Math.max(0, Math.round(p * (a.length - 1))))] : NaN);
  const point: Record<string, number> = Object.fromEntries(Object.entries(metrics).map(([k, f]) => [k, f(null)]));
  for (const [k, f] of Object.entries(derived)) point[k] = f(point);
  return Object.fromEntries(keys.map((k) => {
    const s = samples[k].sort((x, y) => x - y);
    const out: BootstrapResult = { value: point[k], ci: [q(s, 0.025), q(s, 0.975)], finite: s.length };
    if (kept[k]) out.replicates = kept[k];
    return [k, out];
  }));
}
