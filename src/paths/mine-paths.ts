/**
 * Mine click-to-buy paths from a canonical event table with one typed-array
 * pass: encode ids, bucket rows by path key (counting sort), order each
 * bucket by time, apply the path rules (walk.ts).
 */
import type { ColumnTable } from 'arquero';
import { MINE_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import { isAction } from '../data/schema';
import { PathSetBuilder, type PathSet } from './path-set';
import { CODE, PathWalker, tieRank } from './walk';

/** Options of `minePaths`. */
export interface MineOptions {
  /** `impression`: one path per impression_id; `user-item`: per (user, item) within the window; `auto`: impression when the table has impression ids. */
  mode?: 'auto' | 'impression' | 'user-item';
  /** Attribution window from the click, in seconds or as text (`7d`, `12h`, `30m`). Default 7 days. */
  window?: number | string;
  /** Actions before the first click of their item: `attach` to that click's path (default) or `drop`. */
  preClick?: 'attach' | 'drop';
}

/** Parse a window such as `7d`, `12h`, `30m`, `45s` or a number of seconds. */
export function parseWindow(w: number | string): number {
  if (typeof w === 'number' && w > 0) return w;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$/i.exec(String(w));
  if (!m || Number(m[1]) <= 0) {
    throw new OptionError(`window: expected a positive duration such as 7d, 12h, 30m or a number of seconds, got "${w}". Pass e.g. --window 7d.`);
  }
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2].toLowerCase() as '' | 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

function encode(values: ArrayLike<unknown>): { codes: Int32Array; dict: string[] } {
  const map = new Map<unknown, number>();
  const dict: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let c = map.get(v);
    if (c === undefined) {
      c = dict.length;
      map.set(v, c);
      dict.push(v === null || v === undefined ? '' : String(v));
    }
    codes[i] = c;
  }
  return { codes, dict };
}

/** Rows ordered by group, and by (ts, tie rank) within a group; returns order and group offsets. */
function groupOrder(group: Int32Array, nGroups: number, ts: Float64Array, rank: Uint8Array): { order: Int32Array; offsets: Int32Array } {
  const offsets = new Int32Array(nGroups + 1);
  let valid = 0;
  for (let i = 0; i < group.length; i++) if (group[i] >= 0) { offsets[group[i] + 1]++; valid++; }
  for (let g = 0; g < nGroups; g++) offsets[g + 1] += offsets[g];
  const fill = offsets.slice(0, nGroups);
  const order = new Int32Array(valid);
  for (let i = 0; i < group.length; i++) if (group[i] >= 0) order[fill[group[i]]++] = i;
  const before = (a: number, b: number) => ts[a] < ts[b] || (ts[a] === ts[b] && (rank[a] < rank[b] || (rank[a] === rank[b] && a < b)));
  for (let g = 0; g < nGroups; g++) {
    const s = offsets[g], e = offsets[g + 1];
    for (let p = s + 1; p < e; p++) {
      // Insertion sort: buckets are small and usually already in time order.
      const x = order[p];
      let q = p - 1;
      while (q >= s && before(x, order[q])) { order[q + 1] = order[q]; q--; }
      order[q + 1] = x;
    }
  }
  return { order, offsets };
}

/** Post-click action names in a table, most frequent first (at most 32). */
function actionNames(events: string[]): string[] {
  const counts = new Map<string, number>();
  for (const e of events) if (isAction(e)) counts.set(e, (counts.get(e) ?? 0) + 1);
  const names = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  if (names.length > 32) {
    throw new OptionError(`minePaths: expected at most 32 post-click action names, got ${names.length} (${names.slice(0, 8).join(', ')}, …). Map rare actions together with the eventMap load option.`);
  }
  return names;
}

/** Mine the paths of a canonical event table (as returned by `loadEvents`). */
export function minePaths(table: ColumnTable, options: MineOptions = {}): PathSet {
  const o = withDefaults(MINE_DEFAULTS, options);
  const window = parseWindow(o.window);
  if (o.preClick !== 'attach' && o.preClick !== 'drop') {
    throw new OptionError(`preClick: expected "attach" or "drop", got "${o.preClick}".`);
  }
  const n = table.numRows();
  const eventCol = table.array('event') as string[];
  const ts = Float64Array.from(table.array('ts') as ArrayLike<number>);
  const hasImpCol = table.columnNames().includes('impression_id');
  const mode = o.mode === 'auto' ? (hasImpCol ? 'impression' : 'user-item') : o.mode;
  if (mode === 'impression' && !hasImpCol) {
    throw new OptionError('minePaths mode "impression": expected an impression_id column, got none. Use mode "user-item" (paths per user and item within a window) or load a log with impression ids.');
  }
  const actions = actionNames(eventCol);
  const codeOf = new Map<string, number>([['impression', CODE.IMPRESSION], ['click', CODE.CLICK], ['buy', CODE.BUY]]);
  actions.forEach((a, k) => codeOf.set(a, CODE.ACTION0 + k));
  const ev = new Uint8Array(n);
  const rank = new Uint8Array(n);
  let hasImpressions = false;
  for (let i = 0; i < n; i++) {
    ev[i] = codeOf.get(eventCol[i])!;
    rank[i] = tieRank(ev[i]);
    if (ev[i] === CODE.IMPRESSION) hasImpressions = true;
  }
  const users = encode(table.array('user_id') as ArrayLike<unknown>);
  const items = encode(table.array('item_id') as ArrayLike<unknown>);
  const builder = new PathSetBuilder(actions);
  let group: Int32Array, nGroups: number, keyOf: (g: number, j: number) => string;
  if (mode === 'impression') {
    const imp = table.array('impression_id') as ArrayLike<unknown>;
    const enc = encode(imp);
    const blank = enc.dict.indexOf('');
    group = enc.codes;
    if (blank >= 0) {
      for (let i = 0; i < n; i++) if (group[i] === blank) { group[i] = -1; builder.anomaly('no_impression_id', () => `${users.dict[users.codes[i]]}/${items.dict[items.codes[i]]}`); }
    }
    nGroups = enc.dict.length;
    keyOf = (g) => `impression ${enc.dict[g]}`;
  } else {
    const pairs = new Map<number, number>();
    const nItems = items.dict.length;
    group = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = users.codes[i] * nItems + items.codes[i];
      let g = pairs.get(k);
      if (g === undefined) pairs.set(k, (g = pairs.size));
      group[i] = g;
    }
    nGroups = pairs.size;
    keyOf = (_g, j) => `user ${users.dict[users.codes[j]]}, item ${items.dict[items.codes[j]]}`;
  }
  const { order, offsets } = groupOrder(group, nGroups, ts, rank);
  const walker = new PathWalker(builder, { window, preClick: o.preClick, hasImpressions, rows: true });
  for (let g = 0; g < nGroups; g++) {
    const s = offsets[g], e = offsets[g + 1];
    if (s === e) continue;
    const j = order[s];
    const key = () => keyOf(g, j);
    if (mode === 'impression') walker.walkImpression(users.codes[j], items.codes[j], key, ev, ts, order, s, e);
    else walker.walkUserItem(users.codes[j], items.codes[j], key, ev, ts, order, s, e);
  }
  let end = -Infinity;
  for (let p = 0; p < order.length; p++) if (ts[order[p]] > end) end = ts[order[p]];
  return builder.finish({ mode, window, preClick: o.preClick, hasImpressions, events: order.length, end, users: users.dict, items: items.dict });
}
