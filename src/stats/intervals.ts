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
  const v = Float64Array.from(Array.prototype.filter.call(values, (x: number) => Number.isFinite(x)) as number[]).sort();
  return { n: v.length, median: quantileSorted(v, 0.5), p90: quantileSorted(v, 0.9) };
}
