/**
 * Power of AUC comparisons: the Hanley–McNeil variance of an AUC estimate, the
 * standard normal quantile, and the correlation of two replicate series.
 */

/**
 * Variance of an AUC estimate `auc` from `positives` and `negatives` (Hanley & McNeil 1982, eq. 2):
 * [A(1−A) + (P−1)(Q1−A²) + (N−1)(Q2−A²)] / (P·N), Q1 = A/(2−A), Q2 = 2A²/(1+A).
 */
export function hanleyMcNeilVariance(auc: number, positives: number, negatives: number): number {
  const A = auc, q1 = A / (2 - A), q2 = (2 * A * A) / (1 + A);
  return (A * (1 - A) + (positives - 1) * (q1 - A * A) + (negatives - 1) * (q2 - A * A)) / (positives * negatives);
}

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Pearson correlation of two replicate series (NaN pairs left out). */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0, sx = 0, sy = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) { n++; sx += x[i]; sy += y[i]; }
  if (n < 3) return NaN;
  const mx = sx / n, my = sy / n;
  let cxy = 0, cxx = 0, cyy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!(Number.isFinite(x[i]) && Number.isFinite(y[i]))) continue;
    cxy += (x[i] - mx) * (y[i] - my); cxx += (x[i] - mx) ** 2; cyy += (y[i] - my) ** 2;
  }
  return cxx && cyy ? cxy / Math.sqrt(cxx * cyy) : NaN;
}
