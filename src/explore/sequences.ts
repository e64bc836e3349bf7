/**
 * Event sequences for the exploration views: the log's events as typed
 * columns (event codes in path-set order, times, user and item codes), and
 * CSR lists of event rows per path, per user or per session.
 *
 * An unclicked path holds its impression. A clicked path's events are those
 * of its group (its impression, or its user-item pair) from its click to the
 * end of its attribution window or the next clicked path's start, whichever
 * comes first; events up to one window before the
 * click that no earlier path holds are the path's pre-click events (negative
 * times). Events after the purchase stay in the sequence (they are shown, not
 * counted toward the purchase).
 */
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { PATH_FLAGS, type PathSet } from '../paths/path-set';
import { tieRank } from '../paths/walk';

/** The events of a log as typed columns, coded against a path set. */
export interface EventColumns {
  n: number;
  /** Event names by code: impression, click, buy, then the path set's actions. */
  names: string[];
  ev: Uint8Array;
  ts: Float64Array;
  /** Codes into the path set's `users` / `items` dictionaries. */
  user: Int32Array;
  item: Int32Array;
}

/** Event rows grouped into sequences, each in time order (ties: impression, click, buy, actions). */
export interface Sequences {
  /** Sequence s holds `rows[offsets[s] .. offsets[s + 1])`. */
  offsets: Int32Array;
  rows: Int32Array;
  /** What a sequence is: a path (index into the path set), a user, or a session of a user. */
  unit: 'paths' | 'users' | 'sessions';
  /** Per sequence: the path index (paths), or the user code (users, sessions). */
  owner: Int32Array;
}

/**
 * A column's values by row without a copy when the table is neither filtered nor ordered (as
 * `loadEvents` returns it); otherwise arquero's `array` (which copies).
 */
export function columnValues(table: ColumnTable, name: string): ArrayLike<unknown> {
  const col = table.column(name) as unknown;
  const direct = !table.isFiltered() && !table.isOrdered() && (Array.isArray(col) || ArrayBuffer.isView(col));
  return direct ? (col as ArrayLike<unknown>) : (table.array(name) as ArrayLike<unknown>);
}

/** Event names by code for a path set. */
export function eventNames(paths: PathSet): string[] {
  return ['impression', 'click', 'buy', ...paths.actions];
}

/** Code the events of `table` (the table the paths were mined from) against `paths`. */
export function eventColumns(table: ColumnTable, paths: PathSet): EventColumns {
  const names = eventNames(paths);
  const code = new Map(names.map((e, k) => [e, k]));
  const n = table.numRows();
  const evCol = columnValues(table, 'event') as ArrayLike<string>;
  const ev = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = code.get(evCol[i]);
    if (c === undefined) throw new OptionError(`eventColumns: expected the table the paths were mined from (events ${names.join(', ')}), got event "${evCol[i]}" in row ${i}. Pass the same table to minePaths and to the exploration views.`);
    ev[i] = c;
  }
  const dict = (values: ArrayLike<unknown>, names: string[], what: string) => {
    const map = new Map(names.map((v, k) => [v, k]));
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] === null || values[i] === undefined ? '' : String(values[i]);
      const k = map.get(v);
      if (k === undefined) throw new OptionError(`eventColumns: expected the table the paths were mined from, got ${what} "${v}" (row ${i}) that the paths do not know. Pass the same table to minePaths and to the exploration views.`);
      out[i] = k;
    }
    return out;
  };
  return {
    n, names, ev, ts: Float64Array.from(columnValues(table, 'ts') as ArrayLike<number>),
    user: dict(columnValues(table, 'user_id'), paths.users, 'user_id'),
    item: dict(columnValues(table, 'item_id'), paths.items, 'item_id'),
  };
}

/** Rows bucketed by `key` (−1: left out), each bucket ordered by (ts, tie rank, row). */
function bucket(e: EventColumns, key: Int32Array, nKeys: number): { offsets: Int32Array; rows: Int32Array } {
  const offsets = new Int32Array(nKeys + 1);
  for (let i = 0; i < e.n; i++) if (key[i] >= 0) offsets[key[i] + 1]++;
  for (let k = 0; k < nKeys; k++) offsets[k + 1] += offsets[k];
  const fill = offsets.slice(0, nKeys);
  const rows = new Int32Array(offsets[nKeys]);
  for (let i = 0; i < e.n; i++) if (key[i] >= 0) rows[fill[key[i]]++] = i;
  const before = (a: number, b: number) => e.ts[a] - e.ts[b] || tieRank(e.ev[a]) - tieRank(e.ev[b]) || a - b;
  for (let k = 0; k < nKeys; k++) {
    const s = offsets[k], t = offsets[k + 1];
    let sorted = true;
    for (let q = s + 1; q < t && sorted; q++) sorted = before(rows[q - 1], rows[q]) < 0;
    if (!sorted) rows.set(Array.from(rows.subarray(s, t)).sort(before), s);
  }
  return { offsets, rows };
}

/** The table row of every path (its impression, else its click), or an error for paths mined without table rows. */
function anchorRows(paths: PathSet): Int32Array {
  for (let p = 0; p < paths.n; p++) {
    if (paths.row[p] < 0) throw new OptionError('exploration views: expected paths mined in memory (minePaths), whose paths point at their table rows, got paths mined through DuckDB. Mine with minePaths, or pass --engine memory on the CLI.');
  }
  return paths.row;
}

/** The events of each path (see the file comment for which events a path holds). */
export function pathSequences(table: ColumnTable, paths: PathSet, e = eventColumns(table, paths)): Sequences {
  const row = anchorRows(paths);
  // An unclicked path is its impression alone: its row is settled without a group.
  const owner = new Int32Array(e.n).fill(-1);
  const clicked = (p: number) => (paths.flags[p] & PATH_FLAGS.CLICK) !== 0;
  for (let p = 0; p < paths.n; p++) if (!clicked(p)) owner[row[p]] = p;
  // Group code of every other row: the impression_id in impression mode, the user-item pair otherwise.
  const group = new Int32Array(e.n);
  const map = new Map<string | number, number>();
  const imp = paths.mode === 'impression' ? columnValues(table, 'impression_id') : null;
  const nItems = paths.items.length;
  for (let i = 0; i < e.n; i++) {
    if (owner[i] >= 0) { group[i] = -1; continue; }
    const k = imp ? (imp[i] === null || imp[i] === undefined || imp[i] === '' ? null : String(imp[i])) : e.user[i] * nItems + e.item[i];
    if (k === null) { group[i] = -1; continue; }
    let g = map.get(k);
    if (g === undefined) map.set(k, (g = map.size));
    group[i] = g;
  }
  const byGroup = bucket(e, group, map.size);
  // Clicked paths of each group, by start.
  const pOffsets = new Int32Array(map.size + 1);
  for (let p = 0; p < paths.n; p++) if (clicked(p)) pOffsets[group[row[p]] + 1]++;
  for (let g = 0; g < map.size; g++) pOffsets[g + 1] += pOffsets[g];
  const pFill = pOffsets.slice(0, map.size);
  const pOrder = new Int32Array(pOffsets[map.size]);
  for (let p = 0; p < paths.n; p++) if (clicked(p)) pOrder[pFill[group[row[p]]]++] = p;
  const W = paths.window;
  for (let g = 0; g < map.size; g++) {
    const ps = Array.from(pOrder.subarray(pOffsets[g], pOffsets[g + 1])).sort((a, b) => paths.start[a] - paths.start[b] || a - b);
    if (!ps.length) continue;
    let k = -1;
    for (let q = byGroup.offsets[g]; q < byGroup.offsets[g + 1]; q++) {
      const i = byGroup.rows[q], t = e.ts[i];
      while (k + 1 < ps.length && paths.start[ps[k + 1]] <= t) k++;
      if (k >= 0 && t <= paths.start[ps[k]] + W) owner[i] = ps[k];
      else if (k + 1 < ps.length && t >= paths.start[ps[k + 1]] - W) owner[i] = ps[k + 1];
    }
  }
  const seq = bucket(e, owner, paths.n);
  return { ...seq, unit: 'paths', owner: Int32Array.from({ length: paths.n }, (_, p) => p) };
}

/** Every event of each user (all items), in time order. */
export function userSequences(e: EventColumns, nUsers: number): Sequences {
  const seq = bucket(e, e.user, nUsers);
  return { ...seq, unit: 'users', owner: Int32Array.from({ length: nUsers }, (_, u) => u) };
}

/** Each user's events split into sessions wherever more than `timeout` seconds pass without an event. */
export function sessionSequences(e: EventColumns, nUsers: number, timeout: number): Sequences {
  const users = userSequences(e, nUsers);
  const offsets: number[] = [0], owner: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const s = users.offsets[u], t = users.offsets[u + 1];
    if (s === t) continue;
    for (let q = s + 1; q < t; q++) {
      if (e.ts[users.rows[q]] - e.ts[users.rows[q - 1]] > timeout) { offsets.push(q); owner.push(u); }
    }
    offsets.push(t);
    owner.push(u);
  }
  return { offsets: Int32Array.from(offsets), rows: users.rows, unit: 'sessions', owner: Int32Array.from(owner) };
}

/** The code of an event name, or an error listing the log's events. */
export function eventCode(names: string[], name: string, what: string): number {
  const c = names.indexOf(name);
  if (c < 0) throw new OptionError(`${what}: expected an event of this log (${names.join(', ')}), got "${name}". Pass one of these names.`);
  return c;
}
