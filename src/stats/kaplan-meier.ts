/**
 * Kaplan–Meier estimate of a survival curve from right-censored times, with
 * Greenwood's variance and log-log (Kalbfleisch–Prentice) 95% intervals.
 */

/** Right-censored data summarised per distinct time: events and censorings at each time, ascending. */
export interface SurvivalCells {
  /** Distinct times, ascending. */
  t: Float64Array;
  /** Events (e.g. purchases) at each time. */
  events: Float64Array;
  /** Censorings at each time (counted at risk at that time: events come first on ties). */
  censored: Float64Array;
}

/** One step of the curve, at a time where at least one event happens. */
export interface KmStep {
  t: number;
  /** At risk just before t. */
  at_risk: number;
  events: number;
  /** S(t), after the events at t. */
  survival: number;
  /** Greenwood's Σ d / (n (n − d)) up to t: Var S(t) ≈ S(t)² · this. */
  greenwood: number;
  /** 95% log-log interval of S(t). */
  low: number;
  high: number;
}

/** Cells of right-censored observations: `time[i]` with `event[i]` true for an event, false for a censoring. */
export function survivalCells(time: ArrayLike<number>, event: ArrayLike<boolean | number>): SurvivalCells {
  const order = Array.from({ length: time.length }, (_, i) => i).filter((i) => Number.isFinite(time[i]));
  order.sort((a, b) => time[a] - time[b]);
  const t: number[] = [], ev: number[] = [], ce: number[] = [];
  for (const i of order) {
    if (!t.length || t[t.length - 1] !== time[i]) { t.push(time[i]); ev.push(0); ce.push(0); }
    if (event[i]) ev[ev.length - 1]++;
    else ce[ce.length - 1]++;
  }
  return { t: Float64Array.from(t), events: Float64Array.from(ev), censored: Float64Array.from(ce) };
}

/**
 * The same data with censorings merged into the last event time at or before them (a leading cell
 * holds those before the first event): the curve and its at-risk counts are unchanged, and a
 * Poisson resample of the merged cells has the same law as one of the originals, so bootstraps
 * cost O(event times) per replicate instead of O(distinct times).
 */
export function compressCells(cells: SurvivalCells): SurvivalCells {
  const t: number[] = [], ev: number[] = [], ce: number[] = [];
  for (let j = 0; j < cells.t.length; j++) {
    if (cells.events[j] > 0 || !t.length) { t.push(cells.t[j]); ev.push(cells.events[j]); ce.push(cells.censored[j]); }
    else ce[ce.length - 1] += cells.censored[j];
  }
  return { t: Float64Array.from(t), events: Float64Array.from(ev), censored: Float64Array.from(ce) };
}

/**
 * The Kaplan–Meier curve of `cells` (counts may be any non-negative numbers, e.g. bootstrap
 * resamples): S(t) = Π_{tⱼ ≤ t} (1 − dⱼ / nⱼ). The interval transforms S to log(−log S), whose
 * standard error is √greenwood / |log S| (Kalbfleisch & Prentice 2002), so its bounds stay in [0, 1].
 */
export function kaplanMeier(cells: SurvivalCells, z = 1.959963984540054): KmStep[] {
  let atRisk = 0;
  for (let j = 0; j < cells.t.length; j++) atRisk += cells.events[j] + cells.censored[j];
  const steps: KmStep[] = [];
  let s = 1, gw = 0;
  for (let j = 0; j < cells.t.length; j++) {
    const d = cells.events[j], n = atRisk;
    if (d > 0 && n > 0) {
      s *= 1 - d / n;
      gw += n > d ? d / (n * (n - d)) : Infinity;
      let low = s, high = s;
      if (s > 0 && s < 1) {
        const se = Math.sqrt(gw) / Math.abs(Math.log(s));
        low = s ** Math.exp(z * se);
        high = s ** Math.exp(-z * se);
      } else if (s === 0) high = 0;
      steps.push({ t: cells.t[j], at_risk: n, events: d, survival: s, greenwood: gw, low, high });
    }
    atRisk -= d + cells.censored[j];
  }
  return steps;
}

/** S(t) from the steps of a curve (1 before the first event). */
export function survivalAt(steps: KmStep[], t: number): number {
  let lo = 0, hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo ? steps[lo - 1].survival : 1;
}
