/**
 * Interval estimates for rates, and quantiles: plain functions on numbers and typed arrays.
 */

/** A rate with a 95% interval. */
export interface RateCI {
  /** Successes. */
  k: number;
  /** Trials. */
  n: number;
  /** k / n (NaN when n = 0). */
  rate: number;
  /** Interval bounds (NaN when n = 0). */
  low: number;
  high: number;
}

/**
 * Wilson score interval for a binomial rate (Wilson 1927): well behaved for
 * the rare events of conversion data, unlike the normal approximation.
 */
export function wilson(k: number, n: number, z = 1.959963984540054): RateCI {
  if (n <= 0) return { k, n, rate: NaN, low: NaN, high: NaN };
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return { k, n, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** A ratio of two rates with a 95% interval. */
export interface RatioCI {
  /** (a / n1) / (c / n0): Infinity when only c is 0, NaN when a and c are 0 or a group is empty. */
  ratio: number;
  /** Interval bounds (NaN when a group is empty). */
  low: number;
  high: number;
  /** Whether 0.5 was added to every cell because a or c was zero. */
  corrected: boolean;
}

/**
 * Katz log interval for a ratio of two binomial rates, (a/n1) / (c/n0) (Katz et al. 1978):
 * exp(log r ± z·√(1/a − 1/n1 + 1/c − 1/n0)). When a or c is zero (the log or its variance is
 * infinite), 0.5 is added to each of the four cells a, n1 − a, c, n0 − c (Haldane–Anscombe), so the
 * interval stays finite where the ratio is 0 or ∞ (e.g. no purchase without an action): its lower
 * end is what the data can vouch for.
 */
export function katzRatio(a: number, n1: number, c: number, n0: number, z = 1.959963984540054): RatioCI {
  if (!(n1 > 0 && n0 > 0)) return { ratio: NaN, low: NaN, high: NaN, corrected: false };
  const ratio = a / n1 / (c / n0);
  const corrected = a === 0 || c === 0;
  const k = corrected ? 0.5 : 0;
  const A = a + k, N1 = n1 + 2 * k, C = c + k, N0 = n0 + 2 * k;
  const log = Math.log(A / N1 / (C / N0));
  const se = Math.sqrt(1 / A - 1 / N1 + 1 / C - 1 / N0);
  return { ratio, low: Math.exp(log - z * se), high: Math.exp(log + z * se), corrected };
}

/** The bounds of an interval as a `[low, high]` pair (the `…_ci` fields of tables and results). */
export function ciPair(r: { low: number; high: number }): [number, number] {
  return [r.low, r.high];
}

/** Quantile q in [0, 1] of an ascending-sorted array, with linear interpolation (NumPy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (!n) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median and 90th percentile of the finite values (NaN ignored), with their count. */
export function medianP90(values: ArrayLike<number>): { n: number; median: number; p90: number } {
  const all = new Float64Array(values.length);
  let m = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) all[m++] = values[i];
  const v = all.subarray(0, m).sort();
  return { n: m, median: quantileSorted(v, 0.5), p90: quantileSorted(v, 0.9) };
}
