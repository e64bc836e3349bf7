/**
 * Poisson bootstrap over count cells. When a statistic depends on the data
 * only through counts per cell (e.g. paths per action set × bought), a
 * resample of the rows is a Poisson(count) draw per cell (Hanley &
 * MacGibbon 2006; Chamandy et al. 2012), which makes thousands of
 * replicates cheap at any data size.
 */
import type { Rng } from '../random';
import { BOOTSTRAP_DEFAULTS } from '../defaults';

/** Poisson draw: Knuth's product method below λ = 30, a rounded normal above (error < 1% of sd). */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const L = Math.exp(-lambda);
    let k = 0, p = 1;
    do {
      k++;
      p *= rng.uniform();
    } while (p > L);
    return k - 1;
  }
  return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))));
}

/**
 * Percentile interval (2.5%, 97.5%) of `stat` over `replicates` Poisson
 * resamples of `counts`. Infinite replicates (e.g. a ratio whose denominator
 * resampled to zero) stay in the order statistics, so a bound may be ±∞;
 * NaN replicates (an empty group: the statistic is undefined) are left out
 * and counted in `undefined`.
 */
export function bootstrapCells(
  counts: Float64Array,
  stat: (counts: Float64Array) => number,
  rng: Rng,
  replicates = BOOTSTRAP_DEFAULTS.cellReplicates,
): { low: number; high: number; replicates: number; undefined: number } {
  const values: number[] = [];
  const sample = new Float64Array(counts.length);
  for (let b = 0; b < replicates; b++) {
    for (let c = 0; c < counts.length; c++) sample[c] = poisson(rng, counts[c]);
    const v = stat(sample);
    if (!Number.isNaN(v)) values.push(v);
  }
  // Not a - b: ∞ - ∞ is NaN.
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const q = (p: number) => (values.length ? values[Math.min(values.length - 1, Math.max(0, Math.round(p * (values.length - 1))))] : NaN);
  return { low: q(0.025), high: q(0.975), replicates, undefined: replicates - values.length };
}
