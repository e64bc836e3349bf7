/**
 * Finishing a read log: rows are grouped (by impression id when the log has
 * one, else by user and item) and ordered by time within each group; exact
 * duplicates, which always share a group and a second, are found there and
 * dropped after their first occurrence; feature types are decided.
 */
import type { ProblemCollector } from './load-report';
import type { EventLog, FeatureColumn, RowGroups } from './event-log';
import { typedArray } from '../shared-memory';

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Order of events in the same second for path rules: impression, click, buy, then actions (paths/walk.ts `tieRank`). */
export function tieRankOf(name: string): number {
  return name === 'impression' ? 0 : name === 'click' ? 1 : name === 'buy' ? 2 : 3;
}

/** Allocates the Int32Arrays of row groups (in shared memory when another thread is to read them). */
export type Int32Alloc = (n: number) => Int32Array;
const plain: Int32Alloc = (n) => new Int32Array(n);
/** Int32Arrays in shared memory. */
export const sharedInt32: Int32Alloc = (n) => typedArray(Int32Array, n, true);

/** Counting sort of rows by `key` (0 … size-1, or -1 placed last as its own bucket); stable. */
function bucketSort(key: Int32Array, size: number, rows: Int32Array | null, n: number): { order: Int32Array; offsets: Int32Array } {
  const offsets = new Int32Array(size + 2);
  for (let i = 0; i < n; i++) {
    const k = key[rows ? rows[i] : i];
    offsets[(k < 0 ? size : k) + 1]++;
  }
  for (let g = 0; g <= size; g++) offsets[g + 1] += offsets[g];
  const fill = offsets.slice(0, size + 1);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows ? rows[i] : i;
    const k = key[row];
    order[fill[k < 0 ? size : k]++] = row;
  }
  return { order, offsets };
}

/** Sort `order[s..e)` by (ts, rank, row): insertion sort when short or nearly sorted, else a full sort. */
function sortGroup(order: Int32Array, s: number, e: number, ts: Float64Array, event: Uint8Array, rank: Uint8Array): void {
  const before = (a: number, b: number) => ts[a] < ts[b] || (ts[a] === ts[b] && (rank[event[a]] < rank[event[b]] || (rank[event[a]] === rank[event[b]] && a < b)));
  let inversions = 0;
  for (let p = s + 1; p < e; p++) if (before(order[p], order[p - 1])) inversions++;
  if (!inversions) return;
  if (e - s > 64 && inversions > 8) {
    const part = Array.from(order.subarray(s, e)).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    order.set(part, s);
    return;
  }
  for (let p = s + 1; p < e; p++) {
    const x = order[p];
    let q = p - 1;
    while (q >= s && before(x, order[q])) { order[q + 1] = order[q]; q--; }
    order[q + 1] = x;
  }
}

/** Groups in order of their first row (rows within a group in row order on entry), as a first-appearance encoding gives them. */
function byFirstRow(order: Int32Array, offsets: Int32Array, n: number, alloc: Int32Alloc): { order: Int32Array; offsets: Int32Array } {
  const groupOf = new Int32Array(n).fill(-1);
  for (let g = 0; g + 1 < offsets.length; g++) if (offsets[g + 1] > offsets[g]) groupOf[order[offsets[g]]] = g;
  const out = alloc(n), starts = new Int32Array(offsets.length);
  let w = 0, k = 0;
  for (let row = 0; row < n; row++) {
    const g = groupOf[row];
    if (g < 0) continue;
    starts[k++] = w;
    for (let p = offsets[g]; p < offsets[g + 1]; p++) out[w++] = order[p];
  }
  starts[k] = w;
  const bounds = alloc(k + 1);
  bounds.set(starts.subarray(0, k + 1));
  return { order: out, offsets: bounds };
}

/**
 * Rows grouped by impression id (codes in order of first appearance; blank ids in a last
 * group) or by user and item (groups in order of their first row), each group in time order.
 */
export function groupRows(log: EventLog, by: 'impression' | 'user-item', alloc = plain): RowGroups {
  const groups = formGroups(log, by, alloc);
  sortGroups(log, groups, 0, groups.offsets.length - 1);
  return groups;
}

/** Impression groups of a log: its impression codes run over 0 … this - 1. */
export function impressionGroups(log: EventLog): number {
  return log.impressions?.size ?? maxCode(log.impression!) + 1;
}

/**
 * The rows of impression codes `c0` … `c1 - 1` placed in `order` by code (in row order within a
 * code), and those codes' group ends in `offsets` (`size + 2` entries over every code: group g
 * holds order[offsets[g] … offsets[g + 1])). With `c1 = size`, the rows without a code too, as a
 * last group. A range writes offsets[c0 + 1 … c1] (and [size + 1]; the range from 0 writes [0]):
 * ranges of codes are disjoint places of both arrays, so threads can place one each. A range's
 * first group starts where the range before it ends: read the groups once every range is placed.
 */
export function placeImpressions(codes: Int32Array, size: number, c0: number, c1: number, order: Int32Array, offsets: Int32Array): void {
  const n = codes.length, last = c1 === size, top = last ? size + 1 : c1;
  // Group k's count, then its start, then (as its rows are placed) its end, is kept in offsets[k + 1]; the rows without a code are group `size`.
  offsets.fill(0, c0 + 1, top + 1);
  let before = 0; // rows of codes below c0: where this range starts
  for (let i = 0; i < n; i++) {
    const k = codes[i];
    if (k >= c1) continue;
    if (k >= c0) offsets[k + 1]++;
    else if (k >= 0) before++;
    else if (last) offsets[size + 1]++;
  }
  if (c0 === 0) offsets[0] = 0;
  for (let j = c0 + 1, w = before; j <= top; j++) {
    const c = offsets[j];
    offsets[j] = w;
    w += c;
  }
  for (let i = 0; i < n; i++) {
    const k = codes[i];
    if (k >= c1) continue;
    if (k >= c0) order[offsets[k + 1]++] = i;
    else if (k < 0 && last) order[offsets[size + 1]++] = i;
  }
}

/** Rows grouped as `groupRows` groups them, each group still in row order (`sortGroups` puts it in time order). */
export function formGroups(log: EventLog, by: 'impression' | 'user-item', alloc = plain): RowGroups {
  const n = log.n;
  let order: Int32Array, offsets: Int32Array;
  if (by === 'impression') {
    const size = impressionGroups(log);
    order = alloc(n);
    offsets = alloc(size + 2);
    placeImpressions(log.impression!, size, 0, size, order, offsets);
  } else {
    const byItem = bucketSort(log.item, log.items.size, null, n).order;
    const byPair = bucketSort(log.user, log.users.size, byItem, n).order;
    let groups = 0;
    for (let p = 0; p < n; p++) if (p === 0 || log.user[byPair[p - 1]] !== log.user[byPair[p]] || log.item[byPair[p - 1]] !== log.item[byPair[p]]) groups++;
    const bounds = new Int32Array(groups + 1);
    for (let p = 0, g = 0; p < n; p++) if (p === 0 || log.user[byPair[p - 1]] !== log.user[byPair[p]] || log.item[byPair[p - 1]] !== log.item[byPair[p]]) bounds[g++] = p;
    bounds[groups] = n;
    ({ order, offsets } = byFirstRow(byPair, bounds, n, alloc));
  }
  return { by, order, offsets };
}

/** Put groups `g0` … `g1 - 1` in time order, in place (ties: impression, click, buy, actions; then row). */
export function sortGroups(log: EventLog, groups: RowGroups, g0: number, g1: number): void {
  const { order, offsets } = groups;
  const rank = Uint8Array.from(log.events, tieRankOf);
  for (let g = g0; g < g1; g++) if (offsets[g + 1] - offsets[g] > 1) sortGroup(order, offsets[g], offsets[g + 1], log.ts, log.event, rank);
}

function maxCode(codes: Int32Array): number {
  let m = -1;
  for (let i = 0; i < codes.length; i++) if (codes[i] > m) m = codes[i];
  return m;
}

/**
 * Exact duplicates (same user, item, event, ts, impression id and features) after their first
 * occurrence: pairs [row, first occurrence], in line order. `sameRest` compares what the log does
 * not hold (features that were not read); without it, features read as codes are compared.
 * `g0`, `g1`: only groups g0 … g1 - 1.
 */
export function findDuplicates(log: EventLog, groups: RowGroups, sameRest?: (a: number, b: number) => boolean, g0 = 0, g1 = groups.offsets.length - 1): [number, number][] {
  const { order, offsets } = groups;
  const same = (a: number, b: number): boolean => {
    if (log.user[a] !== log.user[b] || log.item[a] !== log.item[b] || log.event[a] !== log.event[b]) return false;
    if (log.impression && log.impression[a] !== log.impression[b]) return false;
    for (const f of log.features) {
      if (f.codes ? f.codes[a] !== f.codes[b] : !Object.is(f.values![a], f.values![b])) return false;
    }
    return sameRest ? sameRest(a, b) : true;
  };
  let drop: Uint8Array | null = null;
  const found: [number, number][] = [];
  for (let g = g0; g < g1; g++) {
    const e = offsets[g + 1];
    for (let p = offsets[g] + 1; p < e; p++) {
      const i = order[p];
      // Earlier rows of the same second (the group is sorted by ts, then event rank).
      for (let q = p - 1; q >= offsets[g] && log.ts[order[q]] === log.ts[i]; q--) {
        const j = order[q];
        if (drop?.[j] || !same(i, j)) continue;
        (drop ??= new Uint8Array(log.n))[i] = 1;
        found.push([i, j]);
        break;
      }
    }
  }
  return found.sort((a, b) => log.line[a[0]] - log.line[b[0]]);
}

/** Record duplicates in the load report and return the rows to drop (null when none). */
export function recordDuplicates(log: EventLog, pairs: [number, number][], problems: ProblemCollector): Uint8Array | null {
  if (!pairs.length) return null;
  const drop = new Uint8Array(log.n);
  for (const [i, j] of pairs) {
    drop[i] = 1;
    problems.add('duplicate', log.line[i], `exact duplicate of line ${log.line[j]}`);
  }
  return drop;
}

/** The log without the dropped rows, its groups kept in order. */
export function dropRows(log: EventLog, groups: RowGroups, drop: Uint8Array): { log: EventLog; groups: RowGroups } {
  const index = new Int32Array(log.n);
  let m = 0;
  for (let i = 0; i < log.n; i++) index[i] = drop[i] ? -1 : m++;
  const pick = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(m);
    for (let i = 0; i < a.length; i++) if (!drop[i]) out[index[i]] = a[i];
    return out;
  };
  const features: FeatureColumn[] = log.features.map((f) => (f.codes ? { ...f, codes: pick(f.codes) } : { ...f, values: pick(f.values!) }));
  const order = new Int32Array(m), offsets = new Int32Array(groups.offsets.length);
  let w = 0;
  for (let g = 0; g + 1 < groups.offsets.length; g++) {
    for (let p = groups.offsets[g]; p < groups.offsets[g + 1]; p++) if (!drop[groups.order[p]]) order[w++] = index[groups.order[p]];
    offsets[g + 1] = w;
  }
  return {
    log: { ...log, n: m, user: pick(log.user), item: pick(log.item), event: pick(log.event), ts: pick(log.ts), line: pick(log.line), impression: log.impression && pick(log.impression), features },
    groups: { by: groups.by, order, offsets },
  };
}

/** Whether a feature reads as numeric: declared so, or (not declared categorical, not an id) every value is a number. */
export function isNumericFeature(name: string, values: string[], declared: { categorical: readonly string[]; numeric: readonly string[] }): boolean {
  if (declared.categorical.includes(name)) return false;
  if (declared.numeric.includes(name)) return true;
  if (/(^|_)id$/i.test(name)) return false;
  return values.length > 0 && values.every((v) => NUMBER.test(v));
}
