/**
 * The funnel of a path set: impressions → clicks → each post-click action →
 * purchases, with counts, rates (95% Wilson intervals), drop-off per step and
 * the time from the click to each action and to the purchase.
 */
import { ciPair, wilson, medianP90, type RateCI } from '../stats/intervals';
import { PATH_FLAGS as F, type PathSet } from './path-set';

/** One funnel step. */
export interface FunnelStep {
  /** `impression`, `click`, an action name, or `buy`. */
  step: string;
  /** Paths that reach the step. */
  count: number;
  /** The step its rate is relative to (null for the first step). */
  of: string | null;
  /** count / count of `of`, with its 95% Wilson interval. */
  rate: number;
  ci: [number, number];
  /** 1 − rate. */
  drop_off: number;
}

/** Time from the click, in seconds. */
export interface Timing {
  n: number;
  median_s: number;
  p90_s: number;
}

/** The funnel. */
export interface Funnel {
  steps: FunnelStep[];
  /** Paths per step, by step name. */
  counts: Record<string, number>;
  /** Named rates: ctr (null without impressions), click_to_<action>, click_to_buy, impression_to_buy. */
  rates: Record<string, number | null>;
  /** Time from the click to each action and to the purchase (actions before the click excluded). */
  timing: Record<string, Timing>;
  /** Histograms of those delays on log-spaced bins: `edges_s` (seconds, one more than counts) and counts per event. */
  histogram: { edges_s: number[]; counts: Record<string, number[]> };
}

/** Log-spaced bin edges from 1 second to 30 days, four per decade. */
export const DELAY_EDGES_S = Array.from({ length: 26 }, (_, i) => Math.round(10 ** (i / 4)));

/** The delays (values not negative, nor NaN) at the given paths, in one pass (`into` holds at least as many values as `at`). */
function delays(values: ArrayLike<number>, at: Int32Array, into: Float64Array): Float64Array {
  let w = 0;
  for (let i = 0; i < at.length; i++) {
    const v = values[at[i]];
    if (v >= 0) into[w++] = v;
  }
  return into.subarray(0, w);
}

function histogram(values: Float64Array, edges: number[]): number[] {
  const counts = new Array(edges.length - 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let b = 0;
    while (b < counts.length - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  return counts;
}

const step = (name: string, of: string | null, r: RateCI): FunnelStep => ({
  step: name, count: r.k, of, rate: r.rate, ci: ciPair(r), drop_off: 1 - r.rate,
});

/** Compute the funnel of a path set. */
export function funnel(paths: PathSet): Funnel {
  let impressions = 0, clicks = 0, clicksWithImp = 0, buys = 0;
  const perAction = new Float64Array(paths.actions.length);
  const clicked = new Int32Array(paths.n);
  for (let p = 0; p < paths.n; p++) {
    const f = paths.flags[p];
    if (f & F.IMPRESSION) impressions++;
    if (!(f & F.CLICK)) continue;
    clicked[clicks++] = p;
    if (f & F.IMPRESSION) clicksWithImp++;
    if (f & F.BUY) buys++;
    const m = paths.mask[p];
    for (let a = 0; a < perAction.length; a++) if (m & (1 << a)) perAction[a]++;
  }
  const steps: FunnelStep[] = [];
  const rates: Record<string, number | null> = {};
  if (paths.hasImpressions) {
    steps.push({ step: 'impression', count: impressions, of: null, rate: 1, ci: [1, 1], drop_off: 0 });
    const ctr = wilson(clicksWithImp, impressions);
    steps.push({ ...step('click', 'impression', ctr), count: clicks });
    rates.ctr = ctr.rate;
  } else {
    steps.push({ step: 'click', count: clicks, of: null, rate: 1, ci: [1, 1], drop_off: 0 });
    rates.ctr = null;
  }
  paths.actions.forEach((a, k) => {
    const r = wilson(perAction[k], clicks);
    steps.push(step(a, 'click', r));
    rates[`click_to_${a}`] = r.rate;
  });
  const b = wilson(buys, clicks);
  steps.push(step('buy', 'click', b));
  rates.click_to_buy = b.rate;
  rates.impression_to_buy = paths.hasImpressions ? buys / impressions : null;
  const timing: Record<string, Timing> = {};
  const hist: Record<string, number[]> = {};
  // Delays are times from a click: each column's delays on clicked paths (their delay rows), once, for its timing and its histogram.
  const at = clicked.subarray(0, clicks), space = new Float64Array(clicks);
  for (let i = 0; i < clicks; i++) at[i] = paths.delayRow[at[i]];
  const delayed = (name: string, v: ArrayLike<number>) => {
    const d = delays(v, at, space);
    const { n, median, p90 } = medianP90(d);
    timing[name] = { n, median_s: median, p90_s: p90 };
    hist[name] = histogram(d, DELAY_EDGES_S);
  };
  paths.actions.forEach((a, k) => delayed(a, paths.tAction[k]));
  delayed('buy', paths.tBuy);
  const counts = Object.fromEntries(steps.map((s) => [s.step, s.count]));
  return { steps, counts, rates, timing, histogram: { edges_s: DELAY_EDGES_S, counts: hist } };
}
