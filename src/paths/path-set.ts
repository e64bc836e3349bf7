/**
 * Mined paths held in columns: one row per path, a bitmask of the post-click
 * actions it holds, whether it was clicked, bought, and the delays from the
 * click to each action and to the purchase. Delays are kept for clicked paths
 * only (a few percent of them where most paths are impressions alone), in
 * delay rows that `delayRow` points each path to.
 */
import { typedArray, type SpareMemory, type TypedArrayType } from '../shared-memory';

/** Bit flags of a path. */
export const PATH_FLAGS = {
  /** The path holds an impression. */
  IMPRESSION: 1,
  /** The path holds a click (paths are anchored on clicks, or on impressions when the log has them). */
  CLICK: 2,
  /** The path holds a purchase that counts toward it. */
  BUY: 4,
  /** Actions (never purchases) before the click were attached to this path under the `attach` rule. */
  PRE_CLICK: 8,
} as const;

/** Path-level anomalies: counted and shown, never silently dropped. */
export const ANOMALY_CLASSES = [
  'buy_without_click',
  'action_without_click',
  'action_after_buy',
  'action_same_second_as_buy',
  'buy_without_impression',
  'click_without_impression',
  'pre_click_attached',
  'pre_click_dropped',
  'pre_click_buy',
  'impression_joined',
  'repeat_buy',
  'after_window',
  'no_impression_id',
  'window_past_log_end',
] as const;
/** One anomaly class. */
export type AnomalyClass = (typeof ANOMALY_CLASSES)[number];

/** What each anomaly class counts, in words (shown in reports). */
export const ANOMALY_MEANING: Record<AnomalyClass, string> = {
  buy_without_click: 'event groups with a purchase but no click to attribute it to (not in any rate)',
  action_without_click: 'event groups with post-click actions but no click (not in any rate)',
  action_after_buy: 'actions after the purchase of their path (not counted toward it)',
  action_same_second_as_buy: 'actions in the same second as the purchase of their path: counted as after it (not counted toward it)',
  buy_without_impression: 'bought paths without an impression (logs that have impressions)',
  click_without_impression: 'clicked paths without an impression (logs that have impressions)',
  pre_click_attached: 'actions that came before the click of their item and were attached to it (rule "attach")',
  pre_click_dropped: 'actions that came before the click of their item and were not counted (rule "drop")',
  pre_click_buy: 'purchases that came before the click of their item: never that click\'s conversion (under either rule; not in any rate)',
  impression_joined: 'impressions inside an open path followed by another click within the window: joined to that path, not unclicked (user-item mode)',
  repeat_buy: 'purchases after the first one in the same path (counted once)',
  after_window: 'actions or purchases of an impression later than the attribution window after its click (not counted)',
  no_impression_id: 'rows without an impression_id in a log keyed by impression (not mined)',
  window_past_log_end: 'paths whose attribution window runs past the last event of the log: a purchase may be cut off (in the rates here; left out of training and evaluation)',
};

/** A counted anomaly with a few examples (path keys). */
export interface AnomalyRecord {
  count: number;
  examples: string[];
}

/** The paths of a log. */
export interface PathSet {
  /** How paths were formed: one per impression_id, or per (user, item) within an attribution window. */
  mode: 'impression' | 'user-item';
  /** Attribution window in seconds from the click. */
  window: number;
  /** Rule for actions before the first click of their item. */
  preClick: 'attach' | 'drop';
  /** Whether the log has impression events (CTR measurable). */
  hasImpressions: boolean;
  /** Post-click action names; bit i of `mask` is actions[i]. */
  actions: string[];
  /** Number of paths. */
  n: number;
  /** Events mined. */
  events: number;
  /** Time of the last event mined, epoch seconds: paths starting later than `end − window` are censored. */
  end: number;
  user: Int32Array;
  item: Int32Array;
  /** Start of the path (click time, or impression time for unclicked paths), epoch seconds. */
  start: Float64Array;
  /** Table row whose features describe the path: its impression, else its click (-1 when mined through DuckDB). */
  row: Int32Array;
  flags: Uint8Array;
  mask: Uint32Array;
  /** Per path, its row in `tBuy` and `tAction`: clicked paths have one each, in path order; -1 for the others (no click, no delays). */
  delayRow: Int32Array;
  /** Per delay row: seconds from the click to the first purchase (NaN when none). `buyDelay` reads a path's. */
  tBuy: Float32Array;
  /** Per delay row: seconds from the click to the first occurrence of each action (NaN when none or before the click). `actionDelay` reads a path's. */
  tAction: Float32Array[];
  /** Dictionaries of the user and item codes. */
  users: string[];
  items: string[];
  anomalies: Record<AnomalyClass, AnomalyRecord>;
  /** Set when the paths come from a labelled impression table's flags (paths/labelled-paths.ts), not from events; `rowOrder`: the table has no time. */
  labelled?: { rowOrder: boolean };
}

/** Seconds from path `k`'s click to its first purchase (NaN: none, or no click). */
export function buyDelay(p: Pick<PathSet, 'delayRow' | 'tBuy'>, k: number): number {
  const d = p.delayRow[k];
  return d < 0 ? NaN : p.tBuy[d];
}

/** Seconds from path `k`'s click to the first occurrence of action `a` (NaN: none, before the click, or no click). */
export function actionDelay(p: Pick<PathSet, 'delayRow' | 'tAction'>, a: number, k: number): number {
  const d = p.delayRow[k];
  return d < 0 ? NaN : p.tAction[a][d];
}

type Column = Int32Array | Float64Array | Float32Array | Uint8Array | Uint32Array;

/** The paths of a builder as columns, with its delay rows (`tBuy`, `tAction`: as many as it used) and anomalies (`PathSetBuilder.columns`). */
export type PathColumns = Pick<PathSet, 'n' | 'user' | 'item' | 'start' | 'row' | 'flags' | 'mask' | 'delayRow' | 'tBuy' | 'tAction' | 'anomalies'>;

/** Accumulates paths while mining, in typed columns (no boxed numbers; grown in steps, trimmed once). */
export class PathSetBuilder {
  /** Paths added. */
  n = 0;
  private cap: number;
  private user: Int32Array;
  private item: Int32Array;
  private start: Float64Array;
  private row: Int32Array;
  private flags: Uint8Array;
  private mask: Uint32Array;
  private delayRow: Int32Array;
  /** Delay rows used, and room for them (clicked paths: their own columns, grown on their own). */
  private nd = 0;
  private dcap: number;
  private tBuy: Float32Array;
  private tAction: Float32Array[];
  anomalies = Object.fromEntries(ANOMALY_CLASSES.map((c) => [c, { count: 0, examples: [] as string[] }])) as unknown as Record<AnomalyClass, AnomalyRecord>;

  /**
   * `expect`: paths expected (sizes the columns once; they grow past it when needed). `shared`: the
   * path columns are in shared memory, so that a worker thread can add paths into them (`into`); `spare`:
   * shared memory to take them from first. `expectClicked`: clicked paths expected (default: an eighth of
   * `expect`), the room made for their delays (grown when needed; in memory of this thread's own).
   */
  constructor(readonly actions: string[], expect = 1024, shared = false, spare?: SpareMemory, expectClicked = Math.ceil(expect / 8)) {
    this.cap = Math.max(16, expect);
    this.dcap = Math.max(16, expectClicked);
    // Every column of a path is written when the path is added: spare memory (its old values left) serves.
    const make = <T extends Column>(type: TypedArrayType<T>): T => (spare ? spare.take(type, this.cap) : typedArray(type, this.cap, shared));
    this.user = make(Int32Array);
    this.item = make(Int32Array);
    this.start = make(Float64Array);
    this.row = make(Int32Array);
    this.flags = make(Uint8Array);
    this.mask = make(Uint32Array);
    this.delayRow = make(Int32Array);
    this.tBuy = new Float32Array(this.dcap);
    this.tAction = actions.map(() => new Float32Array(this.dcap));
  }

  /**
   * A builder that adds paths into `c`'s path columns from index `at` on, for up to `room` paths (past
   * that, into columns of its own): another thread's builder writing where this one's paths go. Its
   * delays go to columns of its own (its delay rows count from 0; `append` moves them after this one's).
   */
  static into(actions: string[], c: PathColumns, at: number, room: number): PathSetBuilder {
    const b = new PathSetBuilder(actions, 0, false, undefined, Math.ceil(room / 8));
    const part = <T extends Column>(a: T): T => a.subarray(at, at + room) as T;
    b.cap = room;
    b.user = part(c.user); b.item = part(c.item); b.start = part(c.start); b.row = part(c.row);
    b.flags = part(c.flags); b.mask = part(c.mask); b.delayRow = part(c.delayRow);
    return b;
  }

  /** Count an anomaly, keeping up to five example keys. */
  anomaly(c: AnomalyClass, key: () => string, count = 1): void {
    const a = this.anomalies[c];
    a.count += count;
    if (a.examples.length < 5) a.examples.push(key());
  }

  /**
   * Paths `from` … `to` - 1 (default: those added), as columns: views of the builder's memory, which another thread can be
   * handed; with every delay row used so far (what the paths' `delayRow` point at).
   */
  columns(from = 0, to = this.n): PathColumns {
    const k = to, f = from, d = this.nd;
    return {
      n: k - f, user: this.user.subarray(f, k), item: this.item.subarray(f, k), start: this.start.subarray(f, k), row: this.row.subarray(f, k),
      flags: this.flags.subarray(f, k), mask: this.mask.subarray(f, k), delayRow: this.delayRow.subarray(f, k),
      tBuy: this.tBuy.subarray(0, d), tAction: this.tAction.map((t) => t.subarray(0, d)), anomalies: this.anomalies,
    };
  }

  /**
   * Add the paths of another builder (`columns`) after these, and its anomalies: counts added,
   * its examples after these ones (`example` turns each of its examples into the one kept).
   */
  append(c: PathColumns, example: (e: string) => string = (e) => e): void {
    if (this.cap < this.n + c.n) this.grow(this.n + c.n);
    const k = this.n;
    // Paths another thread wrote into these columns (`into`) move down to follow these ones, if they must.
    const put = <T extends Column>(to: T, from: T): void => {
      if (to.buffer !== from.buffer) return to.set(from, k);
      const at = (from.byteOffset - to.byteOffset) / to.BYTES_PER_ELEMENT;
      if (at !== k) to.copyWithin(k, at, at + c.n);
    };
    put(this.user, c.user); put(this.item, c.item); put(this.start, c.start); put(this.row, c.row);
    put(this.flags, c.flags); put(this.mask, c.mask); put(this.delayRow, c.delayRow);
    this.n += c.n;
    // Their delay rows after these ones, and their paths pointed at them there.
    const m = c.tBuy.length, base = this.nd;
    if (m > 0) {
      if (this.dcap < base + m) this.growDelays(base + m);
      this.tBuy.set(c.tBuy, base);
      this.tAction.forEach((t, a) => t.set(c.tAction[a], base));
      const rows = this.delayRow;
      if (base > 0) for (let i = k; i < this.n; i++) if (rows[i] >= 0) rows[i] += base;
      this.nd += m;
    }
    for (const cls of ANOMALY_CLASSES) {
      const mine = this.anomalies[cls], theirs = c.anomalies[cls];
      mine.count += theirs.count;
      for (const e of theirs.examples) if (mine.examples.length < 5) mine.examples.push(example(e));
    }
  }

  private grow(min = 0): void {
    this.cap = Math.max(min, Math.ceil(this.cap * 1.5), 16);
    const g = <T extends Column>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.cap);
      b.set(a);
      return b;
    };
    this.user = g(this.user); this.item = g(this.item); this.start = g(this.start); this.row = g(this.row);
    this.flags = g(this.flags); this.mask = g(this.mask); this.delayRow = g(this.delayRow);
  }

  private growDelays(min = 0): void {
    this.dcap = Math.max(min, Math.ceil(this.dcap * 1.5), 16);
    const g = (a: Float32Array): Float32Array => {
      const b = new Float32Array(this.dcap);
      b.set(a.subarray(0, this.nd));
      return b;
    };
    this.tBuy = g(this.tBuy);
    this.tAction = this.tAction.map(g);
  }

  /** A new path's index, with its user, item, start and row written. */
  private next(user: number, item: number, start: number, row: number): number {
    if (this.n === this.cap) this.grow();
    const k = this.n++;
    this.row[k] = row;
    this.user[k] = user;
    this.item[k] = item;
    this.start[k] = start;
    return k;
  }

  /**
   * Add one path. `tBuy` and `tActs` (a delay per action, NaN when absent) are times from the click: kept when
   * `flags` has the click, in a delay row of the path's; a path without a click has none.
   */
  add(user: number, item: number, start: number, flags: number, mask: number, tBuy: number, tActs: Float64Array, row = -1): void {
    const k = this.next(user, item, start, row);
    this.flags[k] = flags;
    this.mask[k] = mask;
    if (!(flags & PATH_FLAGS.CLICK)) {
      this.delayRow[k] = -1;
      return;
    }
    if (this.nd === this.dcap) this.growDelays();
    const d = (this.delayRow[k] = this.nd++);
    this.tBuy[d] = tBuy;
    for (let a = 0; a < this.tAction.length; a++) this.tAction[a][d] = tActs[a];
  }

  /** Add an unclicked path: an impression alone (`add` with the impression flag, no actions, no purchase). */
  addImpression(user: number, item: number, start: number, row = -1): void {
    const k = this.next(user, item, start, row);
    this.flags[k] = PATH_FLAGS.IMPRESSION;
    this.mask[k] = 0;
    this.delayRow[k] = -1;
  }

  /** The path set; counts the paths whose window runs past `meta.end` (`window_past_log_end`). */
  finish(meta: Pick<PathSet, 'mode' | 'window' | 'preClick' | 'hasImpressions' | 'events' | 'end' | 'users' | 'items'>): PathSet {
    const n = this.n;
    // Trim one column at a time, so that memory never holds two copies of every column.
    const trim = <T extends Column>(a: T): T => (n > a.length * 0.95 ? (a.subarray(0, n) as T) : (a.slice(0, n) as T));
    const nd = this.nd;
    const trimDelays = (a: Float32Array): Float32Array => (nd > a.length * 0.95 ? a.subarray(0, nd) : a.slice(0, nd));
    const start = (this.start = trim(this.start));
    let open = 0;
    for (let k = 0; k < n; k++) if (censored(start[k], meta.window, meta.end)) open++;
    if (open) this.anomaly('window_past_log_end', () => `${open} paths start after ${new Date((meta.end - meta.window) * 1000).toISOString()}`, open);
    return {
      ...meta,
      actions: this.actions,
      n,
      user: (this.user = trim(this.user)),
      item: (this.item = trim(this.item)),
      start,
      row: (this.row = trim(this.row)),
      flags: (this.flags = trim(this.flags)),
      mask: (this.mask = trim(this.mask)),
      delayRow: (this.delayRow = trim(this.delayRow)),
      tBuy: (this.tBuy = trimDelays(this.tBuy)),
      tAction: this.tAction.map((t, a) => (this.tAction[a] = trimDelays(t))),
      anomalies: this.anomalies,
    };
  }
}

/** Whether a path (or sample) starting at `start` has an attribution window that runs past the log's `end`. */
export function censored(start: number, window: number, end: number): boolean {
  return start + window > end;
}

/** The paths `idx` of a path set (anomalies stay the whole log's: they are not kept per path). */
export function subsetPaths(p: PathSet, idx: ArrayLike<number>): PathSet {
  // One gather per array type keeps each loop monomorphic (a generic one is several times slower on millions of paths).
  const n = idx.length;
  const i32 = (a: Int32Array) => { const o = new Int32Array(n); for (let k = 0; k < n; k++) o[k] = a[idx[k]]; return o; };
  const f64 = (a: Float64Array) => { const o = new Float64Array(n); for (let k = 0; k < n; k++) o[k] = a[idx[k]]; return o; };
  const u8 = (a: Uint8Array) => { const o = new Uint8Array(n); for (let k = 0; k < n; k++) o[k] = a[idx[k]]; return o; };
  const u32 = (a: Uint32Array) => { const o = new Uint32Array(n); for (let k = 0; k < n; k++) o[k] = a[idx[k]]; return o; };
  // The subset's clicked paths get delay rows of their own, in its order.
  const delayRow = new Int32Array(n), from: number[] = [];
  for (let k = 0; k < n; k++) {
    const d = p.delayRow[idx[k]];
    delayRow[k] = d < 0 ? -1 : from.push(d) - 1;
  }
  const delays = (a: Float32Array) => Float32Array.from(from, (d) => a[d]);
  return {
    ...p, n, user: i32(p.user), item: i32(p.item), start: f64(p.start), row: i32(p.row), flags: u8(p.flags), mask: u32(p.mask),
    delayRow, tBuy: delays(p.tBuy), tAction: p.tAction.map(delays),
  };
}
