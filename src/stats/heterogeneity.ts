/**
 * Tests on ratios of two binomial rates (relative risks) from 2×2 tables:
 * whether one ratio differs from 1 (Wald, on the log scale) and whether the
 * ratios of several groups differ from each other (Cochran's Q).
 */
import { chiSquareSf, normalTwoSided } from './special';

/** A 2×2 table: `a` events of `n1` with the exposure, `c` events of `n0` without. */
export interface TwoByTwo {
  a: number;
  n1: number;
  c: number;
  n0: number;
}

/**
 * log((a/n1) / (c/n0)) and its Katz variance 1/a − 1/n1 + 1/c − 1/n0, with 0.5 added to each of
 * the four cells when a or c is zero (as in `katzRatio`). NaN when an arm is empty or no event happens at all.
 */
export function logRiskRatio(t: TwoByTwo): { y: number; v: number; corrected: boolean } {
  if (!(t.n1 > 0 && t.n0 > 0) || t.a + t.c === 0) return { y: NaN, v: NaN, corrected: false };
  const corrected = t.a === 0 || t.c === 0;
  const k = corrected ? 0.5 : 0;
  const A = t.a + k, N1 = t.n1 + 2 * k, C = t.c + k, N0 = t.n0 + 2 * k;
  return { y: Math.log(A / N1 / (C / N0)), v: 1 / A - 1 / N1 + 1 / C - 1 / N0, corrected };
}

/** Two-sided Wald p-value of log RR = 0 (the ratio is 1), with the Katz variance. */
export function riskRatioPValue(t: TwoByTwo): number {
  const { y, v } = logRiskRatio(t);
  return v > 0 ? normalTwoSided(y / Math.sqrt(v)) : NaN;
}

/**
 * Pearson's χ² test of independence on a 2×2 table (no continuity correction; SciPy's
 * `chi2_contingency(correction=False)`): NaN when a margin is zero.
 */
export function chiSquare2x2(t: TwoByTwo): { statistic: number; p_value: number } {
  const b = t.n1 - t.a, d = t.n0 - t.c, n = t.n1 + t.n0;
  const events = t.a + t.c, non = b + d;
  if (!(t.n1 > 0 && t.n0 > 0 && events > 0 && non > 0)) return { statistic: NaN, p_value: NaN };
  const statistic = (n * (t.a * d - b * t.c) ** 2) / (t.n1 * t.n0 * events * non);
  return { statistic, p_value: chiSquareSf(statistic, 1) };
}

/** Result of Cochran's Q. */
export interface CochranQ {
  /** Q = Σ wᵢ (yᵢ − ȳ)², wᵢ = 1/vᵢ, ȳ the inverse-variance weighted mean of the log ratios. */
  statistic: number;
  /** Groups that entered the test − 1. */
  df: number;
  p_value: number;
  /** I² = max(0, (Q − df) / Q): the share of the spread beyond chance (Higgins & Thompson 2002). */
  i2: number;
  /** exp(ȳ): the pooled (fixed-effect) ratio. */
  pooled: number;
  /** Groups with a defined log ratio (an empty arm, or no event in either arm, leaves a group out). */
  groups: number;
}

/**
 * Cochran's Q test of homogeneity of relative risks across groups (Cochran 1954): under equal
 * ratios, Q ~ χ²(k − 1). Groups without a defined log ratio are left out; fewer than two: NaN.
 */
export function cochranQ(tables: TwoByTwo[]): CochranQ {
  const ys: number[] = [], ws: number[] = [];
  for (const t of tables) {
    const { y, v } = logRiskRatio(t);
    if (Number.isFinite(y) && v > 0) { ys.push(y); ws.push(1 / v); }
  }
  const k = ys.length;
  if (k < 2) return { statistic: NaN, df: Math.max(0, k - 1), p_value: NaN, i2: NaN, pooled: k ? Math.exp(ys[0]) : NaN, groups: k };
  const W = ws.reduce((s, w) => s + w, 0);
  const mean = ys.reduce((s, y, i) => s + ws[i] * y, 0) / W;
  const Q = ys.reduce((s, y, i) => s + ws[i] * (y - mean) ** 2, 0);
  const df = k - 1;
  return { statistic: Q, df, p_value: chiSquareSf(Q, df), i2: Q > 0 ? Math.max(0, (Q - df) / Q) : 0, pooled: Math.exp(mean), groups: k };
}
