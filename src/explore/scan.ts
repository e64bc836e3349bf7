/**
 * Correlation scan: every post-click action and every value of every property
 * column, scored for association with purchase among clicked paths. It
 * generalises the DAction search from the declared actions to everything in
 * the log.
 *
 * For each feature value: the clicked paths holding it (support), the share
 * of purchases that go through it, the lift P(buy | value) / P(buy | not
 * value) with its 95% Katz interval, Pearson's χ² p-value of the 2×2 table,
 * and a Benjamini–Hochberg q-value over every value tested. Values held by
 * fewer than `minSupport` clicked paths (or lacked by fewer) are not tested.
 * The events that define the outcome (click: every clicked path holds it;
 * buy: the outcome) are never features, and actions count only before the
 * purchase (path rules), so nothing after the purchase explains it.
 */
import type { ColumnTable } from 'arquero';
import { EXPLORE_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import { PATH_FLAGS, subsetPaths, type PathSet } from '../paths/path-set';
import { katzRatio } from '../stats/intervals';
import { chiSquare2x2 } from '../stats/heterogeneity';
import { benjaminiHochberg } from '../stats/multiple-testing';
import { groupPaths, propertyColumns } from './groups';

/** One scanned feature value. */
export interface ScanRow {
  /** `event` for a post-click action, else the column name. */
  feature: string;
  /** The action, the column value, or the band of a numeric column. */
  value: string;
  /** Clicked paths holding the value. */
  support: number;
  buys: number;
  /** P(buy | click, value). */
  buy_rate: number;
  /** Share of purchases (of clicked paths) whose path holds the value. */
  buy_share: number;
  /** P(buy | click, value) / P(buy | click, not value), 95% Katz interval. */
  lift: number;
  lift_ci: [number, number];
  /** Pearson χ² p-value of the value × purchase table, and its Benjamini–Hochberg q-value over the scan. */
  p_value: number;
  q_value: number;
}

/** The scan's result. */
export interface Scan {
  /** Tested values, ranked by q-value, then by |log lift|. */
  rows: ScanRow[];
  /** Values below the support rule (not tested). */
  below_support: number;
  /** Features scanned: `event` and the property columns. */
  features: string[];
  /** Events never scanned because they define the outcome (or the analyst excluded them). */
  excluded_events: string[];
  /** How many findings have q ≤ fdr. */
  survivors: number;
  fdr: number;
  rule: string;
}

/** Options of `correlationScan`. */
export interface ScanOptions {
  /** Property columns to scan (default: every column but the canonical ones and the ids). */
  columns?: string[];
  /** More events to leave out, e.g. an action that is part of checkout. */
  excludeEvents?: string[];
  minSupport?: number;
  fdr?: number;
  /** Quantile bands of numeric columns. */
  bands?: number;
}

/** Events that define the outcome among clicked paths. */
export const OUTCOME_EVENTS = ['click', 'buy'] as const;

/** Score every action and property value for association with purchase among clicked paths (`table`: the mined table; omit it to scan actions only). */
export function correlationScan(paths: PathSet, table?: ColumnTable, options: ScanOptions = {}): Scan {
  const o = withDefaults({ minSupport: EXPLORE_DEFAULTS.minSupport, fdr: EXPLORE_DEFAULTS.fdr, bands: EXPLORE_DEFAULTS.bands }, options);
  if (!(o.minSupport >= 1)) throw new OptionError(`minSupport: expected a positive number of paths, got ${o.minSupport}. Pass e.g. minSupport: 30.`);
  const excluded = [...OUTCOME_EVENTS, ...(options.excludeEvents ?? [])];
  let clicks = 0, buys = 0;
  for (let p = 0; p < paths.n; p++) if (paths.flags[p] & PATH_FLAGS.CLICK) { clicks++; if (paths.flags[p] & PATH_FLAGS.BUY) buys++; }
  const rows: ScanRow[] = [];
  let below = 0;
  const score = (feature: string, value: string, n1: number, a: number) => {
    if (n1 < o.minSupport || clicks - n1 < o.minSupport) { below++; return; }
    const r = katzRatio(a, n1, buys - a, clicks - n1);
    const chi = chiSquare2x2({ a, n1, c: buys - a, n0: clicks - n1 });
    rows.push({ feature, value, support: n1, buys: a, buy_rate: a / n1, buy_share: buys ? a / buys : NaN, lift: r.ratio, lift_ci: [r.low, r.high], p_value: chi.p_value, q_value: NaN });
  };
  paths.actions.forEach((action, k) => {
    if (excluded.includes(action)) return;
    let n1 = 0, a = 0;
    for (let p = 0; p < paths.n; p++) {
      const f = paths.flags[p];
      if (f & PATH_FLAGS.CLICK && paths.mask[p] & (1 << k)) { n1++; if (f & PATH_FLAGS.BUY) a++; }
    }
    score('event', action, n1, a);
  });
  const features = ['event'];
  if (table) {
    const names = table.columnNames();
    const unknown = (options.columns ?? []).filter((c) => !names.includes(c));
    if (unknown.length) throw new OptionError(`scan columns: expected columns of the log (${names.join(', ')}), got ${unknown.join(', ')}. Leave columns out to scan every property column, or fix the names.`);
    const columns = options.columns ?? propertyColumns(table).map((c) => c.name);
    // Clicked paths only: numeric bands are quantiles of clicked paths, and unclicked impressions cost nothing.
    const idx: number[] = [];
    for (let p = 0; p < paths.n; p++) if (paths.flags[p] & PATH_FLAGS.CLICK) idx.push(p);
    const sub = subsetPaths(paths, idx);
    for (const column of columns) {
      features.push(column);
      // Every value is its own group here: the support rule, not a top-k cut, decides what is tested.
      const g = groupPaths(table, sub, column, { maxGroups: Number.MAX_SAFE_INTEGER, bands: o.bands });
      const n1 = new Float64Array(g.labels.length), a = new Float64Array(g.labels.length);
      for (let p = 0; p < sub.n; p++) {
        n1[g.code[p]]++;
        if (sub.flags[p] & PATH_FLAGS.BUY) a[g.code[p]]++;
      }
      g.labels.forEach((value, k) => score(column, value, n1[k], a[k]));
    }
  }
  benjaminiHochberg(rows.map((r) => r.p_value)).forEach((q, i) => (rows[i].q_value = q));
  const strength = (r: ScanRow) => Math.abs(Math.log(r.lift));
  rows.sort((x, y) => (x.q_value - y.q_value) || (strength(y) - strength(x)) || (x.feature < y.feature ? -1 : x.feature > y.feature ? 1 : x.value < y.value ? -1 : 1));
  const survivors = rows.filter((r) => r.q_value <= o.fdr).length;
  const rule = `Among ${clicks} clicked paths (${buys} bought): every post-click action (counted before the purchase) and every value of ${features.length > 1 ? features.slice(1).join(', ') : 'no property column'} ` +
    `held by at least ${o.minSupport} clicked paths and lacked by at least ${o.minSupport} (${below} values below that were not tested). ` +
    `Lift: P(buy | value) / P(buy | not value), 95% Katz interval; p: Pearson χ² of the 2×2 table; q: Benjamini–Hochberg over the ${rows.length} tests. ` +
    `${survivors} findings survive false-discovery control at ${o.fdr} (q ≤ ${o.fdr}). Never scanned: ${excluded.join(', ')} (they define the outcome). ` +
    `An association is not a cause: a value can go with purchases because of the users or items that carry it.`;
  return { rows, below_support: below, features, excluded_events: excluded, survivors, fdr: o.fdr, rule };
}
