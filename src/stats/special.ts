/**
 * Special functions for p-values: log-gamma, the regularised upper incomplete
 * gamma function, and the chi-square and normal tail probabilities built on it.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9: about 15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularised upper incomplete gamma Q(s, x) = Γ(s, x) / Γ(s): the series for x < s + 1, the
 * continued fraction (modified Lentz) otherwise (Numerical Recipes, §6.2). Relative error ~1e-14.
 */
export function gammaQ(s: number, x: number): number {
  if (!(s > 0) || !(x >= 0) || Number.isNaN(x)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const lead = -x + s * Math.log(x) - lnGamma(s);
  if (x < s + 1) {
    let term = 1 / s, sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (s + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lead));
  }
  const tiny = 1e-300;
  let b = x + 1 - s, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lead) * h;
}

/** P(X ≥ x) for X ~ χ²(df): NaN for a NaN statistic or df < 1. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df >= 1)) return NaN;
  return x <= 0 ? 1 : gammaQ(df / 2, x / 2);
}

/** Two-sided normal p-value of a z statistic, P(|Z| ≥ |z|) (= χ²(1) tail of z²). */
export function normalTwoSided(z: number): number {
  return Number.isNaN(z) ? NaN : chiSquareSf(z * z, 1);
}
