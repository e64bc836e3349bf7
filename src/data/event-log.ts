/**
 * The event log in typed columns: ids, events and categorical features as
 * integer codes with their dictionaries, times and numeric features as
 * Float64Array. `readEvents` builds it; the path miner walks it; arquero
 * tables are built from it for display (`eventTable`), never the other way
 * round for large logs.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

/** Values behind dense integer codes (0 … size-1). */
export interface Dictionary {
  /** Number of distinct values. */
  readonly size: number;
  /** The value of a code. */
  get(code: number): string;
  /** Every value, in code order. */
  values(): string[];
}

/** A dictionary known only by its size, for work on codes alone (another thread's); asking it for a value is an error naming `what`. */
export function sizeOnlyDictionary(size: number, what: string): Dictionary {
  return { size, get: () => { throw new Error(`${what} has no dictionary values`); }, values: () => [] };
}

/** A dictionary over a JavaScript array. */
export class StringDict implements Dictionary {
  constructor(private readonly list: string[]) {}
  get size(): number {
    return this.list.length;
  }
  get(code: number): string {
    return this.list[code];
  }
  values(): string[] {
    return this.list;
  }
}

/** One feature column: codes and a dictionary (categorical; -1 for blank) or numbers (numeric; NaN for blank). */
export interface FeatureColumn {
  name: string;
  type: 'categorical' | 'numeric';
  codes?: Int32Array;
  dict?: Dictionary;
  values?: Float64Array;
}

/** Rows in groups (impression id, or user and item), each group's rows ordered by time. */
export interface RowGroups {
  by: 'impression' | 'user-item';
  /** Row indices, group after group. */
  order: Int32Array;
  /** Group g holds order[offsets[g] … offsets[g+1]). */
  offsets: Int32Array;
}

/** Canonical events in typed columns. */
export interface EventLog {
  /** Rows. */
  n: number;
  user: Int32Array;
  users: Dictionary;
  item: Int32Array;
  items: Dictionary;
  /** Canonical event per row, as a code into `events`. */
  event: Uint8Array;
  events: string[];
  /** Epoch seconds. */
  ts: Float64Array;
  /** Impression id codes (-1: blank), or null when the log has no impression_id column. */
  impression: Int32Array | null;
  /** Impression id values; null when the log has none, or when only the grouping was kept (large logs). */
  impressions: Dictionary | null;
  /** 1-based source line (row, for Parquet) of each row. */
  line: Int32Array;
  /** Feature columns (none when the log was read for mining only). */
  features: FeatureColumn[];
  /** Rows grouped as the reader found them (used by the miner when its mode matches). */
  groups?: RowGroups;
}

/** A dictionary seen through a list of codes: code k is `base` code `codes[k]`. */
export class MappedDict implements Dictionary {
  constructor(private readonly base: Dictionary, private readonly codes: Int32Array) {}
  get size(): number {
    return this.codes.length;
  }
  get(code: number): string {
    return this.base.get(this.codes[code]);
  }
  values(): string[] {
    return Array.from(this.codes, (c) => this.base.get(c));
  }
}

/**
 * Renumber codes (in place) in order of first appearance, keeping only values that appear;
 * returns the matching dictionary.
 */
export function compactCodes(codes: Int32Array, dict: Dictionary): Dictionary {
  const next = new Int32Array(dict.size).fill(-1);
  const kept: number[] = [];
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) continue;
    let k = next[c];
    if (k < 0) {
      k = next[c] = kept.length;
      kept.push(c);
    }
    codes[i] = k;
  }
  return new MappedDict(dict, Int32Array.from(kept));
}

/** Encode any column of values to codes (null, undefined and '' become -1 when `blank` is true). */
export function encodeValues(values: ArrayLike<unknown>, blank = false): { codes: Int32Array; dict: StringDict } {
  const map = new Map<unknown, number>();
  const list: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (blank && (v === null || v === undefined || v === '')) {
      codes[i] = -1;
      continue;
    }
    let c = map.get(v);
    if (c === undefined) {
      c = list.length;
      map.set(v, c);
      list.push(v === null || v === undefined ? '' : String(v));
    }
    codes[i] = c;
  }
  return { codes, dict: new StringDict(list) };
}

const BASE = new Set(['user_id', 'item_id', 'event', 'ts', 'impression_id']);

/** The typed log of a canonical arquero table (as `loadEvents` returns, or one built by hand). */
export function eventLogOf(table: ColumnTable): EventLog {
  const n = table.numRows();
  const names = table.columnNames();
  const ev = encodeValues(table.array('event') as ArrayLike<unknown>);
  const users = encodeValues(table.array('user_id') as ArrayLike<unknown>);
  const items = encodeValues(table.array('item_id') as ArrayLike<unknown>);
  const imp = names.includes('impression_id') ? encodeValues(table.array('impression_id') as ArrayLike<unknown>, true) : null;
  const features: FeatureColumn[] = names.filter((c) => !BASE.has(c)).map((name) => {
    const col = table.array(name) as ArrayLike<unknown>;
    if (col instanceof Float64Array) return { name, type: 'numeric', values: col };
    const e = encodeValues(col, true);
    return { name, type: 'categorical', codes: e.codes, dict: e.dict };
  });
  return {
    n, user: users.codes, users: users.dict, item: items.codes, items: items.dict,
    event: Uint8Array.from(ev.codes), events: ev.dict.values(),
    ts: Float64Array.from(table.array('ts') as ArrayLike<number>),
    impression: imp?.codes ?? null, impressions: imp?.dict ?? null,
    line: Int32Array.from({ length: n }, (_, i) => i + 1), features,
  };
}

function decode(codes: Int32Array, dict: Dictionary): (string | null)[] {
  const cache = new Array<string | undefined>(dict.size);
  const out = new Array<string | null>(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    out[i] = c < 0 ? null : (cache[c] ??= dict.get(c));
  }
  return out;
}

/**
 * The log as an arquero table in the canonical schema (user_id, item_id, event, ts,
 * impression_id when present, then the features). Meant for logs that fit in memory as
 * strings: display, notebooks, feature building.
 */
export function eventTable(log: EventLog): ColumnTable {
  const cols: Record<string, unknown> = {
    user_id: decode(log.user, log.users),
    item_id: decode(log.item, log.items),
    event: Array.from(log.event, (c) => log.events[c]),
    ts: log.ts,
  };
  if (log.impression) {
    if (!log.impressions) throw new Error('eventTable: the log kept impression groups but not their ids; read it with features (loadEvents) to get a table.');
    cols.impression_id = decode(log.impression, log.impressions);
  }
  for (const f of log.features) cols[f.name] = f.type === 'numeric' ? f.values : decode(f.codes!, f.dict!);
  return aq.table(cols as Record<string, any>);
}
