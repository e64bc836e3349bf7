/**
 * Paired comparisons of two models scored on the same test rows: the AUC
 * difference, the relative lift AUC_a/AUC_b − 1 and RelaImpr
 * (AUC_a − 0.5)/(AUC_b − 0.5) − 1 (Yan et al., 2014; the ESM2 paper's
 * measure), each with an interval from a user bootstrap in which both models
 * are scored on the same resampled users; a sentence that follows from the
 * interval; and the smallest AUC difference the test set can detect
 * (Hanley & McNeil, Radiology 1982 and 1983).
 */
import type { BootstrapResult, DerivedStatistic } from './bootstrap-users';
import { hanleyMcNeilVariance, normalQuantile } from '../stats/power';
import { COMPARE_DEFAULTS } from '../defaults';

/** One stated difference between models `a` and `b` on `metric`. */
export interface PairedComparison {
  a: string;
  b: string;
  metric: string;
  /** metric_a − metric_b, with its paired 95% interval. */
  diff: number;
  diff_ci: [number, number];
  /** metric_a / metric_b − 1. */
  lift: number;
  lift_ci: [number, number];
  /** (metric_a − 0.5) / (metric_b − 0.5) − 1: the improvement over chance, relative (NaN when metric_b ≤ 0.5). */
  rela_impr: number;
  rela_impr_ci: [number, number];
  /** `a` / `b`: the interval of the difference lies above / below 0; `neither`: it holds 0; `same`: identical predictions. */
  better: string | 'neither';
  replicates: number;
  sentence: string;
}

/** Metrics that get paired comparisons, with their names in sentences. */
export const PAIRED_METRICS: Record<string, string> = { cvr_auc: 'CVR AUC (clicked rows)', ctcvr_auc: 'CTCVR AUC (impressions)' };

/**
 * Pairs the report states: ESM2 vs ESMM and each adjacent pair of the claimed order (`claimed`, best first),
 * and every model vs the reference (GBDT).
 */
export function comparisonPairs(models: string[], claimed: readonly string[], reference: string = COMPARE_DEFAULTS.liftReference): [string, string][] {
  const has = (m: string) => models.includes(m);
  const chain = claimed.filter(has);
  const pairs: [string, string][] = chain.slice(0, -1).map((m, i) => [m, chain[i + 1]]);
  if (has(reference)) for (const m of models) if (m !== reference) pairs.push([m, reference]);
  const seen = new Set<string>();
  return pairs.filter(([a, b]) => !seen.has(`${a}|${b}`) && Boolean(seen.add(`${a}|${b}`)));
}

/** Key of a paired statistic in the bootstrap. */
const key = (what: 'diff' | 'lift' | 'rela', a: string, b: string, metric: string) => `${what}:${a}:${b}:${metric}`;

/** The derived statistics of the pairs, over bootstrap metric keys `model:metric` (only where both models have the metric). */
export function pairedStatistics(pairs: [string, string][], metrics: string[], has: (model: string, metric: string) => boolean): Record<string, DerivedStatistic> {
  const out: Record<string, DerivedStatistic> = {};
  for (const [a, b] of pairs) {
    for (const m of metrics) {
      if (!has(a, m) || !has(b, m)) continue;
      const va = (v: Record<string, number>) => v[`${a}:${m}`], vb = (v: Record<string, number>) => v[`${b}:${m}`];
      out[key('diff', a, b, m)] = (v) => va(v) - vb(v);
      out[key('lift', a, b, m)] = (v) => va(v) / vb(v) - 1;
      // Undefined (NaN, left out of the interval and counted) where the base ranks no better than chance.
      out[key('rela', a, b, m)] = (v) => (vb(v) > 0.5 ? (va(v) - 0.5) / (vb(v) - 0.5) - 1 : NaN);
    }
  }
  return out;
}

/** A signed difference with four decimals (+0.0123, −0.0040), as sentences write them. */
export const f4 = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(4);
const pc = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(100 * v).toFixed(1) + '%';
const ci4 = (c: [number, number]) => `[${f4(c[0])}, ${f4(c[1])}]`;
const ciPc = (c: [number, number]) => `[${pc(c[0])}, ${pc(c[1])}]`;

/** The sentence a paired interval supports, and which model it favours. */
export function comparisonSentence(a: string, b: string, metric: string, diff: number, ci: [number, number], lift: number, liftCi: [number, number], rela: number, relaCi: [number, number], replicates: number): { better: string | 'neither'; sentence: string } {
  const name = PAIRED_METRICS[metric] ?? metric;
  const numbers = `ΔAUC ${f4(diff)} ${ci4(ci)}, lift ${pc(lift)} ${ciPc(liftCi)}, RelaImpr ${pc(rela)} ${ciPc(relaCi)} (paired user bootstrap, ${replicates} replicates)`;
  if (ci[0] > 0) return { better: a, sentence: `${a} ranks purchases better than ${b} on ${name}: ${numbers}; the 95% interval of the difference lies above 0.` };
  if (ci[1] < 0) return { better: b, sentence: `${b} ranks purchases better than ${a} on ${name}: ${numbers}; the 95% interval of the difference lies below 0.` };
  return { better: 'neither', sentence: `This test set cannot tell ${a} and ${b} apart on ${name}: ${numbers}; the 95% interval of the difference holds 0.` };
}

/**
 * Assemble the comparisons of `pairs` on `metrics` from a bootstrap that computed `pairedStatistics`. Pairs whose
 * predictions are `identical` (the same model on this log, e.g. ESMM and the DNN in click space) are marked
 * `better: 'same'`, with a sentence saying there is nothing to test, instead of "cannot tell apart".
 */
export function pairedComparisons(pairs: [string, string][], metrics: string[], boot: Record<string, BootstrapResult>, replicates: number, identical: (a: string, b: string, metric: string) => boolean = () => false): PairedComparison[] {
  const out: PairedComparison[] = [];
  for (const m of metrics) {
    for (const [a, b] of pairs) {
      const d = boot[key('diff', a, b, m)], l = boot[key('lift', a, b, m)], r = boot[key('rela', a, b, m)];
      if (!d || !Number.isFinite(d.value)) continue;
      const { better, sentence } = identical(a, b, m)
        ? { better: 'same', sentence: `${a} and ${b} make identical ${PAIRED_METRICS[m] ?? m} predictions on every test row: on this log they are the same model, so there is no difference to test.` }
        : comparisonSentence(a, b, m, d.value, d.ci, l.value, l.ci, r.value, r.ci, replicates);
      out.push({ a, b, metric: m, diff: d.value, diff_ci: d.ci, lift: l.value, lift_ci: l.ci, rela_impr: r.value, rela_impr_ci: r.ci, better, replicates, sentence });
    }
  }
  return out;
}

/** The smallest AUC difference a test set can detect, and what detecting a given one would take. */
export interface MinimumDetectable {
  metric: string;
  /** The smallest true difference detected with probability `power` by a two-sided test at level `alpha`. */
  value: number;
  /** Purchases (positives) and non-purchases among the metric's rows. */
  positives: number;
  negatives: number;
  /** The AUC the variance is taken at, and the correlation of the two models' AUC estimates (0 when unknown). */
  auc: number;
  correlation: number;
  alpha: number;
  power: number;
  /** The models whose difference sets the correlation, when there are two. */
  pair: [string, string] | null;
  /** Their observed difference, and the purchases a test set would need to detect it (null when it is detectable here or zero). */
  observed_diff: number | null;
  positives_for_observed: number | null;
  sentence: string;
}

/**
 * Minimum detectable difference of two correlated AUCs (Hanley & McNeil 1983): (z_{1−α/2} + z_{power})·√(2V(1−r)),
 * V the Hanley–McNeil variance at `auc` for the test's positives and negatives, r the correlation of the two
 * models' AUC estimates (from their paired bootstrap replicates). Since V falls as 1/positives at a fixed purchase
 * rate, detecting a difference d takes about positives·(MDD/d)² purchases.
 */
export function minimumDetectableDifference(o: { metric: string; auc: number; positives: number; negatives: number; correlation?: number; alpha?: number; power?: number; pair?: [string, string] | null; observedDiff?: number | null }): MinimumDetectable {
  const alpha = o.alpha ?? COMPARE_DEFAULTS.alpha, power = o.power ?? COMPARE_DEFAULTS.power;
  const r = Math.min(Math.max(o.correlation ?? 0, 0), 0.999);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const value = o.positives > 0 && o.negatives > 0 ? z * Math.sqrt(2 * hanleyMcNeilVariance(o.auc, o.positives, o.negatives) * (1 - r)) : NaN;
  const obs = o.observedDiff ?? null;
  const need = obs && Math.abs(obs) < value ? Math.ceil(o.positives * (value / Math.abs(obs)) ** 2) : null;
  const name = PAIRED_METRICS[o.metric] ?? o.metric;
  let sentence = `With ${o.positives} purchases among ${o.positives + o.negatives} test rows, the smallest ${name} difference this test set detects with ${Math.round(100 * power)}% power at α = ${alpha} is ${value.toFixed(4)}` +
    ` (Hanley–McNeil variance at AUC ${o.auc.toFixed(3)}${o.pair ? `, correlation ${r.toFixed(2)} between the ${o.pair[0]} and ${o.pair[1]} estimates` : ', uncorrelated models'}).`;
  if (need !== null && o.pair) sentence += ` Detecting the observed ${o.pair[0]} − ${o.pair[1]} difference of ${obs!.toFixed(4)} would take about ${need.toLocaleString('en-US')} purchases (${(need / o.positives).toFixed(1)}× this test set).`;
  return { metric: o.metric, value, positives: o.positives, negatives: o.negatives, auc: o.auc, correlation: r, alpha, power, pair: o.pair ?? null, observed_diff: obs, positives_for_observed: need, sentence };
}
