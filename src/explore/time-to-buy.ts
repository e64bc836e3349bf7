/**
 * Time from click to purchase that respects the log's end: a Kaplan–Meier
 * curve over clicked paths in which a path without a purchase is censored
 * when its window closes or, earlier, when the log ends; percentiles of the
 * time to purchase among paths that buy within the window, with Poisson
 * bootstrap intervals; the same per segment.
 */
import { EXPLORE_DEFAULTS, withDefaults } from '../defaults';
import { Rng } from '../random';
import { poisson } from '../stats/bootstrap';
import { compressCells, kaplanMeier, survivalCells, type KmStep, type SurvivalCells } from '../stats/kaplan-meier';
import { buyDelay, PATH_FLAGS, type PathSet } from '../paths/path-set';
import { groupIndices, type PathGroups } from './groups';

/** One point of the curve: S(t) = P(no purchase by t seconds after the click), 95% log-log Greenwood interval. */
export interface KmPoint {
  t_s: number;
  survival: number;
  low: number;
  high: number;
}

/** A percentile of the time to purchase among paths that buy within the window. */
export interface TimePercentile {
  q: number;
  t_s: number;
  low: number;
  high: number;
}

/** Time to purchase of one set of clicked paths. */
export interface TimeToBuy {
  km: KmPoint[];
  /** Paths without a purchase whose window the log's end cut short (censored before the window closed). */
  censored: number;
  /** Clicked paths, purchases, and paths without a purchase whose full window was seen. */
  paths: number;
  buys: number;
  window_s: number;
  /** 1 − S(window): the share of clicked paths that buy within the window, censoring accounted for. */
  buy_within_window: number;
  percentiles: TimePercentile[];
}

/** Time to purchase overall, and per group when groups are given. */
export interface TimeToBuyReport extends TimeToBuy {
  groups?: ({ value: string } & Omit<TimeToBuy, 'km'>)[];
  rule: string;
}

/** Options of `timeToBuy`. */
export type TimeToBuyOptions = Partial<Pick<typeof EXPLORE_DEFAULTS, 'quantiles' | 'replicates' | 'kmPoints' | 'seed'>>;

/** Survival cells of clicked paths `idx`: purchases at their delay, the rest censored at min(window, log end − click). */
export function timeToBuyCells(paths: PathSet, idx?: ArrayLike<number>): { cells: SurvivalCells; censored: number; n: number } {
  const time: number[] = [], event: boolean[] = [];
  let censored = 0;
  const n = idx ? idx.length : paths.n;
  for (let k = 0; k < n; k++) {
    const p = idx ? idx[k] : k;
    const f = paths.flags[p];
    if (!(f & PATH_FLAGS.CLICK)) continue;
    if (f & PATH_FLAGS.BUY) { time.push(Math.max(0, buyDelay(paths, p))); event.push(true); continue; }
    const seen = paths.end - paths.start[p];
    if (seen < paths.window) censored++;
    time.push(Math.max(0, Math.min(paths.window, seen)));
    event.push(false);
  }
  return { cells: survivalCells(time, event), censored, n: time.length };
}

/** The q-th percentile of the time to purchase among paths that buy within `horizon`: the first t with 1 − S(t) ≥ q·(1 − S(horizon)). */
export function conditionalPercentile(steps: KmStep[], q: number, horizon: number): number {
  let total = 0;
  for (const s of steps) if (s.t <= horizon) total = 1 - s.survival;
  if (!(total > 0)) return NaN;
  for (const s of steps) if (s.t <= horizon && 1 - s.survival >= q * total - 1e-12) return s.t;
  return NaN;
}

/** At most `max` points of a curve: every step when it has fewer, else the value at log-spaced times (exact: the step in force there). */
function thin(steps: KmStep[], max: number): KmPoint[] {
  const pt = (s: KmStep, t = s.t): KmPoint => ({ t_s: t, survival: s.survival, low: s.low, high: s.high });
  if (steps.length <= max) return steps.map((s) => pt(s));
  const t1 = Math.max(1, steps[0].t), tn = steps[steps.length - 1].t;
  const out: KmPoint[] = [];
  let j = 0;
  for (let k = 0; k < max; k++) {
    const t = k === 0 ? steps[0].t : t1 * (tn / t1) ** (k / (max - 1));
    while (j + 1 < steps.length && steps[j + 1].t <= t) j++;
    if (!out.length || out[out.length - 1].t_s !== steps[j].t) out.push(pt(steps[j]));
  }
  return out;
}

/** Percentile intervals of every quantile from one set of Poisson resamples of the (compressed) survival cells. */
function percentileIntervals(cells: SurvivalCells, quantiles: number[], horizon: number, rng: Rng, replicates: number): { low: number; high: number }[] {
  const c = compressCells(cells);
  const values: number[][] = quantiles.map(() => []);
  const sample: SurvivalCells = { t: c.t, events: new Float64Array(c.t.length), censored: new Float64Array(c.t.length) };
  for (let b = 0; b < replicates; b++) {
    for (let j = 0; j < c.t.length; j++) { sample.events[j] = poisson(rng, c.events[j]); sample.censored[j] = poisson(rng, c.censored[j]); }
    const steps = kaplanMeier(sample);
    quantiles.forEach((q, k) => { const v = conditionalPercentile(steps, q, horizon); if (!Number.isNaN(v)) values[k].push(v); });
  }
  return values.map((v) => {
    v.sort((a, b) => a - b);
    const at = (p: number) => (v.length ? v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))] : NaN);
    return { low: at(0.025), high: at(0.975) };
  });
}

function summarise(paths: PathSet, idx: ArrayLike<number> | undefined, o: Required<TimeToBuyOptions>, rng: Rng): TimeToBuy {
  const { cells, censored, n } = timeToBuyCells(paths, idx);
  const steps = kaplanMeier(cells);
  const buys = cells.events.reduce((s, v) => s + v, 0);
  const W = paths.window;
  const ci = buys ? percentileIntervals(cells, o.quantiles, W, rng, o.replicates) : o.quantiles.map(() => ({ low: NaN, high: NaN }));
  const percentiles = o.quantiles.map((q, k) => ({ q, t_s: conditionalPercentile(steps, q, W), low: ci[k].low, high: ci[k].high }));
  const last = steps.filter((s) => s.t <= W).pop();
  return { km: thin(steps, o.kmPoints), censored, paths: n, buys, window_s: W, buy_within_window: last ? 1 - last.survival : 0, percentiles };
}

/** Time from click to purchase of the clicked paths, overall and per group of `groups`. */
export function timeToBuy(paths: PathSet, groups?: PathGroups, options: TimeToBuyOptions = {}): TimeToBuyReport {
  const o = withDefaults({ quantiles: EXPLORE_DEFAULTS.quantiles, replicates: EXPLORE_DEFAULTS.replicates, kmPoints: EXPLORE_DEFAULTS.kmPoints, seed: EXPLORE_DEFAULTS.seed }, options);
  const rng = new Rng(o.seed);
  const all = summarise(paths, undefined, o, rng.fork('all'));
  const rule = `Kaplan–Meier over ${all.paths} clicked paths: a purchase is an event at its delay after the click; a path without one is censored when its ` +
    `${+(paths.window / 86400).toFixed(2)}-day window closes, or earlier when the log ends (${all.censored} paths), so paths still open are not counted as non-buyers. ` +
    `Intervals: Greenwood variance on the log(−log) scale. Percentiles are of the time to purchase among paths that buy within the window ` +
    `(the first t where 1 − S(t) reaches q·(1 − S(window))), with ${o.replicates}-replicate Poisson bootstrap intervals (seed ${o.seed}).`;
  if (!groups) return { ...all, rule };
  const per = groupIndices(groups).map((idx, g) => {
    const { km: _km, ...rest } = summarise(paths, idx, o, rng.fork(`group:${groups.labels[g]}`));
    return { value: groups.labels[g], ...rest };
  });
  return { ...all, groups: per, rule };
}
