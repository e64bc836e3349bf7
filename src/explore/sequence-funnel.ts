/**
 * Funnel settings as funnel tools offer them: a conversion window from the
 * first step, strict / ordered / any order, exclusion steps, and counting by
 * paths, users or sessions (a user's events split by an inactivity timeout).
 *
 * A unit (path, user or session) reaches step k when, within `window`
 * seconds of one occurrence of the first step, it holds steps 2..k:
 * `ordered` in order with other events allowed between; `strict` as the
 * events right after it; `any`: k distinct steps in any order (step k then
 * means "k of the steps"). The best attempt over every occurrence counts. A
 * unit whose furthest reach passes an exclusion event (between its first and
 * last step reached) is left out of the funnel and counted as excluded.
 */
import type { ColumnTable } from 'arquero';
import { EXPLORE_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import { parseWindow } from '../paths/mine-paths';
import type { PathSet } from '../paths/path-set';
import { ciPair, medianP90, wilson } from '../stats/intervals';
import { eventCode, eventColumns, pathSequences, sessionSequences, userSequences, type EventColumns, type Sequences } from './sequences';

/** Funnel settings. */
export interface FunnelSettings {
  /** Event names, first step first (e.g. click, cart, buy). */
  steps: string[];
  /** Conversion window from the first step (default: the paths' attribution window). */
  window?: number | string;
  order?: 'ordered' | 'strict' | 'any';
  /** Events that void a conversion when they fall between its first and last step reached. */
  exclude?: string[];
  unit?: 'paths' | 'users' | 'sessions';
  /** Inactivity that ends a session (unit `sessions`), e.g. 30m. */
  sessionTimeout?: number | string;
}

/** One step of a settings funnel. */
export interface SettingsFunnelStep {
  step: string;
  /** Units reaching the step. */
  count: number;
  /** count / units reaching the first step, 95% Wilson interval. */
  rate: number;
  rate_ci: [number, number];
  /** count / units reaching the previous step. */
  of_previous: number;
  of_previous_ci: [number, number];
  /** Seconds from the first step, median and 90th percentile over the units reaching this step. */
  median_s: number;
  p90_s: number;
}

/** A funnel under explicit settings. */
export interface SequenceFunnel {
  unit: Required<FunnelSettings>['unit'];
  order: Required<FunnelSettings>['order'];
  window_s: number;
  session_timeout_s: number | null;
  steps: SettingsFunnelStep[];
  /** Units with at least one event. */
  units: number;
  /** Units left out because an exclusion event fell inside their conversion. */
  excluded: number;
}

interface Reach { reached: number; excluded: boolean; times: number[] }

/** The best attempt of one sequence (positions a..b of seqs.rows). */
function reachOf(e: EventColumns, rows: Int32Array, a: number, b: number, steps: number[], exclude: Set<number>, order: string, W: number): Reach {
  let best: Reach = { reached: 0, excluded: false, times: [] };
  let bestClean = 0;
  for (let i = a; i < b; i++) {
    const c0 = e.ev[rows[i]];
    if (order === 'any' ? !steps.includes(c0) : c0 !== steps[0]) continue;
    const t0 = e.ts[rows[i]];
    const times = [0];
    let excl = -1, lastAt = i;
    if (order === 'any') {
      const seen = new Set([c0]);
      for (let q = i + 1; q < b && e.ts[rows[q]] <= t0 + W && seen.size < steps.length; q++) {
        const c = e.ev[rows[q]];
        if (exclude.has(c) && excl < 0) excl = q;
        if (steps.includes(c) && !seen.has(c)) { seen.add(c); times.push(e.ts[rows[q]] - t0); lastAt = q; }
      }
    } else {
      let j = 1;
      for (let q = i + 1; q < b && j < steps.length && e.ts[rows[q]] <= t0 + W; q++) {
        const c = e.ev[rows[q]];
        if (c === steps[j]) { times.push(e.ts[rows[q]] - t0); lastAt = q; j++; }
        else if (order === 'strict') break;
        else if (exclude.has(c) && excl < 0) excl = q;
      }
    }
    const excluded = excl >= 0 && excl < lastAt;
    if (!excluded) bestClean = Math.max(bestClean, times.length);
    if (times.length > best.reached || (times.length === best.reached && best.excluded && !excluded)) best = { reached: times.length, excluded, times };
    if (best.reached === steps.length && !best.excluded) break;
  }
  return { ...best, excluded: best.reached > bestClean };
}

/** The funnel of `seqs` under resolved settings (pure: events and sequences in, funnel out). */
export function funnelOverSequences(e: EventColumns, seqs: Sequences, s: Required<Omit<FunnelSettings, 'window' | 'sessionTimeout'>> & { window_s: number; session_timeout_s: number | null }): SequenceFunnel {
  if (s.steps.length < 2) throw new OptionError(`funnel steps: expected at least two events, got [${s.steps.join(', ')}]. Pass e.g. steps: ['click', 'cart', 'buy'].`);
  if (!['ordered', 'strict', 'any'].includes(s.order)) throw new OptionError(`funnel order: expected ordered, strict or any, got "${s.order}". Pass order: 'ordered', 'strict' or 'any'.`);
  const steps = s.steps.map((x) => eventCode(e.names, x, 'funnel steps'));
  const exclude = new Set(s.exclude.map((x) => eventCode(e.names, x, 'funnel exclude')));
  const overlap = s.exclude.filter((x) => s.steps.includes(x));
  if (overlap.length) throw new OptionError(`funnel exclude: expected events that are not steps, got ${overlap.join(', ')} in both. Remove ${overlap.length > 1 ? 'them' : 'it'} from exclude or from steps.`);
  const counts = new Float64Array(steps.length);
  const times: number[][] = steps.map(() => []);
  let units = 0, excluded = 0;
  for (let u = 0; u + 1 < seqs.offsets.length; u++) {
    const a = seqs.offsets[u], b = seqs.offsets[u + 1];
    if (a === b) continue;
    units++;
    const r = reachOf(e, seqs.rows, a, b, steps, exclude, s.order, s.window_s);
    if (r.excluded) { excluded++; continue; }
    for (let k = 0; k < r.reached; k++) { counts[k]++; times[k].push(r.times[k]); }
  }
  const out = s.steps.map((step, k) => {
    const rate = wilson(counts[k], counts[0]), prev = wilson(counts[k], counts[Math.max(0, k - 1)]);
    const { median, p90 } = medianP90(times[k]);
    return { step: s.order === 'any' && k ? `${k + 1} of ${s.steps.length} steps` : step, count: counts[k], rate: rate.rate, rate_ci: ciPair(rate), of_previous: prev.rate, of_previous_ci: ciPair(prev), median_s: median, p90_s: p90 };
  });
  return { unit: s.unit, order: s.order, window_s: s.window_s, session_timeout_s: s.session_timeout_s, steps: out, units, excluded };
}

/** The funnel of a mined log under `settings` (`table`: the table the paths were mined from). */
export function sequenceFunnel(table: ColumnTable, paths: PathSet, settings: FunnelSettings): SequenceFunnel {
  const o = withDefaults({ order: EXPLORE_DEFAULTS.order, unit: EXPLORE_DEFAULTS.unit, sessionTimeout: EXPLORE_DEFAULTS.sessionTimeout, window: paths.window, exclude: [] as string[] }, settings);
  if (!['paths', 'users', 'sessions'].includes(o.unit)) throw new OptionError(`funnel unit: expected paths, users or sessions, got "${o.unit}". Pass unit: 'paths', 'users' or 'sessions'.`);
  const e = eventColumns(table, paths);
  const timeout = o.unit === 'sessions' ? parseWindow(o.sessionTimeout) : null;
  const seqs = o.unit === 'paths' ? pathSequences(table, paths, e) : o.unit === 'users' ? userSequences(e, paths.users.length) : sessionSequences(e, paths.users.length, timeout!);
  return funnelOverSequences(e, seqs, { steps: o.steps, order: o.order, exclude: o.exclude, unit: o.unit, window_s: parseWindow(o.window), session_timeout_s: timeout });
}
