/**
 * Training samples from mined paths: one row per impression (or per clicked
 * path in logs without impressions), with the labels click, DAction and buy,
 * the path's key and impression time, and the features of its impression (or
 * click) row. Which paths are samples, and what is left out: sample-order.ts.
 */
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { DEFAULT_DATA } from '../defaults';
import { hashString } from '../random';
import { actionDelay, buyDelay, PATH_FLAGS as F, type PathSet } from '../paths/path-set';
import { maskOf } from '../paths/cells';
import { historyFeatures } from './history';
import { sampleOrder, splitSizes, type LeftOut } from './sample-order';

/** Columns that can never be features: canonical columns and anything named like a label. */
export const NON_FEATURE_COLUMNS = ['event', 'ts', 'impression_id', 'click', 'daction', 'buy', 'label', 'labels', 'y', 'target',
  'is_click', 'is_buy', 'clicked', 'bought', 'purchase', 'conversion', 'converted', 'pctr', 'pcvr', 'pctcvr', 'pctavr'];

/** Samples in columns. */
export interface SampleSet {
  /** `impression`: every impression, CTR trainable; `click`: clicked paths only (logs without impressions). */
  space: 'impression' | 'click';
  /** The DAction set behind the `daction` label. */
  daction: string[];
  n: number;
  /** Path key: impression_id when the log has one, and user_id, item_id. */
  impression_id: (string | null)[] | null;
  user_id: string[];
  item_id: string[];
  /** Sample time: its impression (its click in click space), epoch seconds; samples are in this order. */
  ts: Float64Array;
  labels: { click: Float32Array; daction: Float32Array; buy: Float32Array };
  /** Categorical features by name (user_id and item_id first). */
  categorical: Record<string, (string | null)[]>;
  /** Numeric features by name (NaN when missing). */
  numeric: Record<string, Float64Array>;
  /** Columns left out of the features, with the reason. */
  excluded: Record<string, string>;
  /** A hash of keys, times and labels, recorded with models. */
  fingerprint: string;
  /** Paths left out of the samples (clicks without impressions, windows cut off by the log's end), by reason. */
  left_out: LeftOut;
}

/** Which features samples carry besides the log's columns; saved with models so that `predict` rebuilds them. */
export interface FeatureOptions {
  /** Feature columns to leave out (`user_id` and `item_id` included: they stay keys, not features). */
  exclude?: string[];
  /**
   * Cross features: each entry names two or more categorical columns whose values are joined
   * into one new categorical feature `a_x_b` (the ESM2 paper's user-item cross features; an
   * MLP over separate embeddings learns such interactions slowly from few purchases).
   */
  crosses?: string[][];
  /** Add history features from strictly earlier samples (see features/history.ts). Default false. */
  history?: boolean;
}

/**
 * Feature choices from their command-line / notebook-parameter spelling:
 * `exclude` "a,b", `cross` "a:b,c:d" (empty strings or undefined: none). `auto` stands for
 * the simulated logs' features (DEFAULT_DATA.exclude / .cross) when `simulated` is true, none otherwise.
 */
export function parseFeatureOptions(exclude?: string, cross?: string, history = false, simulated = false): FeatureOptions {
  const auto = (v: string | undefined, d: string) => (v === 'auto' ? (simulated ? d : '') : v);
  exclude = auto(exclude, DEFAULT_DATA.exclude);
  cross = auto(cross, DEFAULT_DATA.cross);
  const list = (v?: string) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return { exclude: list(exclude), crosses: list(cross).map((c) => c.split(':').map((x) => x.trim())), history };
}

/** Feature choices in words, for reports and notebooks. */
export function describeFeatures(f: FeatureOptions): string {
  const parts = [
    f.exclude?.length ? `left out: ${f.exclude.join(', ')}` : 'all columns',
    f.crosses?.length ? `crosses: ${f.crosses.map((c) => c.join('×')).join(', ')}` : '',
    f.history ? 'history features' : '',
  ];
  return parts.filter(Boolean).join('; ');
}

/** Options of `buildSamples`. */
export interface SampleOptions extends FeatureOptions {
  /** The DAction set (post-click actions of the log). */
  daction: string[];
  /** Keep samples whose attribution window runs past the log's end (to score a log; never to train or evaluate). Default false. */
  keepCensored?: boolean;
}

/** Build samples from a canonical table and the paths mined from it (in memory). */
export function buildSamples(table: ColumnTable, paths: PathSet, options: SampleOptions): SampleSet {
  const unknown = options.daction.filter((a) => !paths.actions.includes(a));
  if (unknown.length) {
    throw new OptionError(`daction: expected post-click actions of this log (${paths.actions.join(', ')}), got "${options.daction.join(',')}". Pass e.g. --daction ${paths.actions.slice(0, 2).join(',')}.`);
  }
  // Time order of the impressions: samples are split by time later.
  const order = sampleOrder(table, paths, { keepCensored: options.keepCensored });
  const { space, anchor: ts } = order;
  const keep = Array.from(order.paths);
  const dmask = maskOf(paths.actions, options.daction);
  const n = keep.length;
  const rows = keep.map((p) => paths.row[p]);
  const labels = { click: new Float32Array(n), daction: new Float32Array(n), buy: new Float32Array(n) };
  // When each outcome happened (NaN when it did not): history features credit it then, not at the impression.
  const at = { click: new Float64Array(n).fill(NaN), daction: new Float64Array(n).fill(NaN), buy: new Float64Array(n).fill(NaN) };
  const dbits = paths.actions.map((_, a) => a).filter((a) => dmask & (1 << a));
  keep.forEach((p, k) => {
    const f = paths.flags[p];
    const clicked = f & F.CLICK ? 1 : 0;
    labels.click[k] = clicked;
    labels.daction[k] = clicked && paths.mask[p] & dmask ? 1 : 0;
    labels.buy[k] = clicked && f & F.BUY ? 1 : 0;
    if (!clicked) return;
    const t = paths.start[p];
    at.click[k] = t;
    // Actions attached from before the click have no delay: credited at the click, which is later than they were.
    if (labels.daction[k]) {
      let d = Infinity;
      for (const a of dbits) {
        const t = actionDelay(paths, a, p);
        if (t >= 0) d = Math.min(d, t);
      }
      at.daction[k] = t + (d < Infinity ? d : 0);
    }
    const tb = buyDelay(paths, p);
    if (labels.buy[k]) at.buy[k] = t + (tb >= 0 ? tb : 0);
  });
  const user_id = keep.map((p) => paths.users[paths.user[p]]);
  const item_id = keep.map((p) => paths.items[paths.item[p]]);
  const names = table.columnNames();
  const impCol = names.includes('impression_id') ? (table.array('impression_id') as (string | null)[]) : null;
  const categorical: Record<string, (string | null)[]> = {};
  const numeric: Record<string, Float64Array> = {};
  const excluded: Record<string, string> = {};
  for (const [name, col] of [['user_id', user_id], ['item_id', item_id]] as const) {
    if (options.exclude?.includes(name)) excluded[name] = 'excluded by the caller (kept as a key)';
    else categorical[name] = col;
  }
  for (const name of names) {
    if (name === 'user_id' || name === 'item_id') continue;
    if (NON_FEATURE_COLUMNS.includes(name.toLowerCase())) {
      if (!['event', 'ts', 'impression_id'].includes(name)) excluded[name] = 'named like a label or a prediction';
      continue;
    }
    if (options.exclude?.includes(name)) { excluded[name] = 'excluded by the caller'; continue; }
    const col = table.column(name) as unknown as ArrayLike<unknown>;
    if (col instanceof Float64Array || col instanceof Float32Array) numeric[name] = Float64Array.from(rows, (r) => col[r]);
    else categorical[name] = rows.map((r) => (col[r] === null || col[r] === undefined ? null : String(col[r])));
  }
  // Ids can be crossed even when they are not features themselves.
  const crossable: Record<string, (string | null)[]> = { user_id, item_id, ...categorical };
  for (const cross of options.crosses ?? []) {
    const cols = cross.map((c) => crossable[c]);
    const bad = cross.filter((_, i) => !cols[i]);
    if (cross.length < 2 || bad.length) {
      const have = Object.keys(crossable);
      throw new OptionError(`crosses: expected two or more categorical columns of this log (${have.join(', ')}), got "${cross.join(':')}"${bad.length ? ` (${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not categorical here)` : ''}. Pass e.g. --cross ${have.slice(-2).join(':')}.`);
    }
    categorical[cross.join('_x_')] = Array.from({ length: n }, (_, k) => (cols.some((c) => c[k] === null) ? null : cols.map((c) => c[k]).join('|')));
  }
  if (options.history) Object.assign(numeric, historyFeatures(ts, user_id, item_id, labels, at));
  let h = hashString(`${space}|${options.daction.join(',')}|${n}`);
  for (let k = 0; k < n; k++) h = hashString(`${user_id[k]}|${item_id[k]}|${ts[k]}|${labels.click[k]}${labels.daction[k]}${labels.buy[k]}`, h);
  return {
    space, daction: [...options.daction], n, impression_id: impCol ? rows.map((r) => impCol[r]) : null, user_id, item_id, ts, labels,
    categorical, numeric, excluded, fingerprint: h.toString(16).padStart(8, '0'), left_out: order.leftOut,
  };
}

/** Row indices of a time split: the earliest `train` share trains, the next `validation` share validates, the rest tests. */
export interface Split {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Split samples (already in time order) by time, so that nothing from the future trains. */
export function splitByTime(s: SampleSet, { train = 0.7, validation = 0.1 } = {}): Split {
  const sizes = splitSizes(s.n, { train, validation });
  const a = sizes.train, b = sizes.train + sizes.validation;
  const range = (lo: number, hi: number) => Int32Array.from({ length: hi - lo }, (_, i) => lo + i);
  return { train: range(0, a), validation: range(a, b), test: range(b, s.n) };
}
