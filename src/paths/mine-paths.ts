/**
 * Mine click-to-buy paths from an event log in typed columns (data/event-log.ts)
 * with one pass: rows bucketed by path key (the reader's grouping when it
 * matches the mode, else a counting sort), each bucket in time order, the path
 * rules applied (walk.ts). The one miner: small tables and logs larger than
 * memory (paths/mine-duckdb.ts, in user partitions) go through it.
 */
import type { ColumnTable } from 'arquero';
import { MINE_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import { eventLogOf, type EventLog } from '../data/event-log';
import { logOfTable } from '../data/load-events';
import { groupRows } from '../data/log-finish';
import { isAction } from '../data/schema';
import { PathSetBuilder, type PathSet } from './path-set';
import { CODE, PathWalker } from './walk';

/** Options of `minePaths`. */
export interface MineOptions {
  /** `impression`: one path per impression_id; `user-item`: per (user, item) within the window; `auto`: impression when the table has impression ids. */
  mode?: 'auto' | 'impression' | 'user-item';
  /** Attribution window from the click, in seconds or as text (`7d`, `12h`, `30m`). Default 7 days. */
  window?: number | string;
  /** Actions before the first click of their item: `attach` to that click's path (default) or `drop`. */
  preClick?: 'attach' | 'drop';
  /** Whether paths point at their rows of the log (`PathSet.row`, for features; default true). */
  rows?: boolean;
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

/** Post-click action names of a log, most frequent first (at most 32). */
function actionNames(log: EventLog): string[] {
  const perCode = new Float64Array(log.events.length);
  for (let i = 0; i < log.n; i++) perCode[log.event[i]]++;
  const names = log.events.map((e, c) => [e, perCode[c]] as const).filter(([e, c]) => c > 0 && isAction(e))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  if (names.length > 32) {
    throw new OptionError(`minePaths: expected at most 32 post-click action names, got ${names.length} (${names.slice(0, 8).join(', ')}, …). Map rare actions together with the eventMap load option.`);
  }
  return names;
}

/** Options of `minePathsOf` beyond the path rules. */
export interface WalkLogOptions {
  /** Paths already mined (other partitions of the same log): the new ones are added to it. */
  into?: PathSetBuilder;
  /** Map the log's user / item codes to these (partitions share one dictionary); identity when absent. */
  userCode?: Int32Array;
  itemCode?: Int32Array;
  /** Whether table rows can be pointed at (false for partitions: rows are partition-local). */
  rows?: boolean;
  /** Walk only groups g0 … g1 - 1 of the log's groups (default: every group). */
  range?: [number, number];
  /** Count the rows without an impression id (`no_impression_id`; default true): once per log when it is walked in ranges. */
  rowAnomalies?: boolean;
  /** The anomaly example of a group, from its first row (default `pathKeyOf`: the path key, from the log's dictionaries). */
  keyOf?: (row: number) => string;
}

/** The key of the path group whose first row is `row`, as anomaly examples name it. */
export function pathKeyOf(log: EventLog, mode: 'impression' | 'user-item'): (row: number) => string {
  return mode === 'impression'
    ? (j) => (log.impressions ? `impression ${log.impressions.get(log.impression![j])}` : `impression on line ${log.line[j]}`)
    : (j) => `user ${log.users.get(log.user[j])}, item ${log.items.get(log.item[j])}`;
}

/** Mined paths before `finish`: the builder and what `finish` needs besides. */
export interface WalkedLog {
  builder: PathSetBuilder;
  mode: 'impression' | 'user-item';
  window: number;
  preClick: 'attach' | 'drop';
  hasImpressions: boolean;
  events: number;
  end: number;
}

/** Resolve the mining options against a log (mode, window, rule). */
export function mineSettings(log: EventLog, options: MineOptions) {
  const o = withDefaults(MINE_DEFAULTS, options);
  const window = parseWindow(o.window);
  if (o.preClick !== 'attach' && o.preClick !== 'drop') {
    throw new OptionError(`preClick: expected "attach" or "drop", got "${o.preClick}".`);
  }
  const hasImpCol = log.impression !== null;
  const mode = o.mode === 'auto' ? (hasImpCol ? 'impression' : 'user-item') : o.mode;
  if (mode === 'impression' && !hasImpCol) {
    throw new OptionError('minePaths mode "impression": expected an impression_id column, got none. Use mode "user-item" (paths per user and item within a window) or load a log with impression ids.');
  }
  return { window, preClick: o.preClick, mode: mode as 'impression' | 'user-item' };
}

/**
 * Walk one log (or one partition of a log) through the path rules. `actions`: the post-click
 * actions in mask order (the whole log's, for partitions); `hasImpressions`: whether the whole
 * log has impression events.
 */
export function walkLog(log: EventLog, settings: ReturnType<typeof mineSettings>, actions: string[], hasImpressions: boolean, w: WalkLogOptions = {}): WalkedLog {
  const { window, preClick, mode } = settings;
  const codeOf = new Map<string, number>([['impression', CODE.IMPRESSION], ['click', CODE.CLICK], ['buy', CODE.BUY]]);
  actions.forEach((a, k) => codeOf.set(a, CODE.ACTION0 + k));
  const table = Uint8Array.from(log.events, (e) => codeOf.get(e) ?? 255);
  const n = log.n;
  const ev = new Uint8Array(n);
  for (let i = 0; i < n; i++) ev[i] = table[log.event[i]];
  const rows = w.rows ?? true;
  const groups = log.groups?.by === mode ? log.groups : groupRows(log, mode);
  const { order, offsets } = groups;
  const [g0, g1] = w.range ?? [0, offsets.length - 1];
  // At most one path per impression group; in user-item mode, per click or impression.
  let expect = g1 - g0;
  if (mode === 'user-item') {
    expect = 0;
    for (let p = offsets[g0]; p < offsets[g1]; p++) if (ev[order[p]] <= CODE.CLICK) expect++;
  }
  const builder = w.into ?? new PathSetBuilder(actions, expect);
  const uc = w.userCode, ic = w.itemCode;
  if (mode === 'impression' && (w.rowAnomalies ?? true)) {
    const userName = (u: number) => log.users.get(u), itemName = (i: number) => log.items.get(i);
    for (let i = 0; i < n; i++) if (log.impression![i] < 0) builder.anomaly('no_impression_id', () => `${userName(log.user[i])}/${itemName(log.item[i])}`);
  }
  // One key function for every group: it reads the group being walked (examples are taken during the walk).
  let curJ = 0;
  const keyOf = w.keyOf ?? pathKeyOf(log, mode);
  const key = () => keyOf(curJ);
  const walker = new PathWalker(builder, { window, preClick, hasImpressions, rows });
  // The columns as locals: the loop calls out, so property loads from `log` would be repeated on every group.
  const user = log.user, item = log.item, ts = log.ts, impression = mode === 'impression' ? log.impression! : null;
  let events = 0, end = -Infinity;
  for (let g = g0; g < g1; g++) {
    const s = offsets[g], e = offsets[g + 1];
    if (s === e) continue;
    const j = order[s];
    if (impression !== null) {
      if (impression[j] < 0) continue;
      if (e - s === 1 && ev[j] === CODE.IMPRESSION) {
        // An impression alone (most of them): an unclicked path, as walkImpression would add it.
        builder.addImpression(uc ? uc[user[j]] : user[j], ic ? ic[item[j]] : item[j], ts[j], rows ? j : -1);
        events++;
        if (ts[j] > end) end = ts[j];
        continue;
      }
    }
    curJ = j;
    const u = uc ? uc[user[j]] : user[j], it = ic ? ic[item[j]] : item[j];
    if (impression !== null) walker.walkImpression(u, it, key, ev, ts, order, s, e);
    else walker.walkUserItem(u, it, key, ev, ts, order, s, e);
    events += e - s;
    for (let p = s; p < e; p++) if (ts[order[p]] > end) end = ts[order[p]];
  }
  return { builder, mode, window, preClick, hasImpressions, events, end };
}

/** Actions and whether a log has impressions (for walkLog). */
export function logEvents(log: EventLog): { actions: string[]; hasImpressions: boolean } {
  const code = log.events.indexOf('impression');
  let hasImpressions = false;
  if (code >= 0) for (let i = 0; i < log.n && !hasImpressions; i++) hasImpressions = log.event[i] === code;
  return { actions: actionNames(log), hasImpressions };
}

/**
 * Mine the paths of an event log: a typed log (`readEvents`), or a canonical table
 * (`loadEvents`, or one built by hand).
 */
export function minePaths(input: ColumnTable | EventLog, options: MineOptions = {}): PathSet {
  const log = 'numRows' in input ? (logOfTable(input) ?? eventLogOf(input)) : input;
  const settings = mineSettings(log, options);
  const { actions, hasImpressions } = logEvents(log);
  return finishPaths(log, walkLog(log, settings, actions, hasImpressions, { rows: options.rows ?? true }));
}

/** The path set of a walked log. */
export function finishPaths(log: EventLog, w: WalkedLog): PathSet {
  return w.builder.finish({ mode: w.mode, window: w.window, preClick: w.preClick, hasImpressions: w.hasImpressions, events: w.events, end: w.end, users: log.users.values(), items: log.items.values() });
}
