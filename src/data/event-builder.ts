/**
 * Accumulates validated rows into columns, removes exact duplicates, infers
 * feature types and builds the arquero table. Used by every loader source.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { DEFAULT_EVENT_MAP, KNOWN_ACTIONS, FUNNEL_EVENTS } from './schema';
import { detectTimestampFormat, parseTimestamp, type TimestampFormat } from './timestamps';
import type { ProblemCollector } from './load-report';

/** Where each canonical column and feature sits in a row of fields. */
export interface RowLayout {
  user: number;
  item: number;
  event: number;
  ts: number;
  impression: number; // -1 when absent
  features: { name: string; index: number }[];
}

const TS_SAMPLE = 1000;
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

class F64 {
  data = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Returns the stored copy of a string, so repeated ids share memory and do not
 * pin read buffers. Columns that turn out nearly unique (e.g. impression ids)
 * stop interning after a sample, because a map of unique values only costs.
 */
function interner(): (s: string) => string {
  const m = new Map<string, string>();
  let seen = 0;
  let active = true;
  const copy = (s: string) => (s.length > 12 ? Buffer.from(s).toString() : s);
  return (s: string) => {
    if (!active) return copy(s);
    let v = m.get(s);
    if (v === undefined) {
      v = copy(s);
      m.set(v, v);
    }
    if (++seen === 50_000 && m.size > seen / 2) {
      active = false;
      m.clear();
    }
    return v;
  };
}

function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0x1f, 0x01000193);
}

/** Options the builder needs from the load options. */
export interface BuilderOptions {
  eventMap: Record<string, string>;
  actions: readonly string[];
  tsFormat?: TimestampFormat;
  categorical: readonly string[];
  numeric: readonly string[];
  dedupe: boolean;
}

/** Validates rows and accumulates them into columns. */
export class EventBuilder {
  private readonly vocab: Map<string, string>;
  private readonly canonicalNames: Set<string>;
  private pending: { line: number; fields: string[] | null; message?: string }[] = [];
  private tsFormat: TimestampFormat | undefined;
  readonly rowsRead = { n: 0 };
  private readonly ids = interner();
  private readonly itemIds = interner();
  private readonly impIds = interner();
  private readonly featIds: ((s: string) => string)[];
  private readonly users: string[] = [];
  private readonly items: string[] = [];
  private readonly events: string[] = [];
  private readonly imps: (string | null)[] = [];
  private readonly ts = new F64();
  private readonly hashes = new F64();
  private readonly lines: number[] = [];
  private readonly feats: (string | null)[][];
  readonly eventNames = new Map<string, { canonical: string; count: number }>();

  constructor(
    readonly layout: RowLayout,
    private readonly opts: BuilderOptions,
    private readonly problems: ProblemCollector,
  ) {
    this.canonicalNames = new Set<string>([...FUNNEL_EVENTS, ...KNOWN_ACTIONS, ...opts.actions]);
    this.vocab = new Map(Object.entries({ ...DEFAULT_EVENT_MAP, ...lower(opts.eventMap) }));
    for (const a of opts.actions) this.vocab.set(a.toLowerCase(), a);
    this.tsFormat = opts.tsFormat;
    this.feats = layout.features.map(() => []);
    this.featIds = layout.features.map(() => interner());
  }

  /** Add one row: its 1-based line number and fields, or null fields with a message for a malformed line. */
  add(line: number, fields: string[] | null, message?: string): void {
    this.rowsRead.n++;
    if (this.tsFormat === undefined) {
      this.pending.push({ line, fields, message });
      if (this.pending.length >= TS_SAMPLE) this.flushPending();
      return;
    }
    this.process(line, fields, message);
  }

  private flushPending(): void {
    const samples = this.pending
      .filter((p) => p.fields && p.fields.length > this.layout.ts)
      .map((p) => p.fields![this.layout.ts]);
    this.tsFormat = detectTimestampFormat(samples) ?? 'epoch_s';
    const rows = this.pending;
    this.pending = [];
    for (const p of rows) this.process(p.line, p.fields, p.message);
  }

  private process(line: number, f: string[] | null, message?: string): void {
    const L = this.layout;
    if (f === null) return this.problems.add('malformed_line', line, message ?? 'the line could not be parsed');
    const user = (f[L.user] ?? '').trim();
    const item = (f[L.item] ?? '').trim();
    if (!user || !item) {
      return this.problems.add('blank_id', line, `${!user ? 'user_id' : 'item_id'} is blank`);
    }
    const rawEvent = (f[L.event] ?? '').trim();
    const key = rawEvent.toLowerCase();
    const canonical = this.vocab.get(key) ?? (this.canonicalNames.has(key) ? key : undefined);
    if (!canonical) {
      return this.problems.add('unknown_event', line, rawEvent ? `event "${rawEvent}" is not in the vocabulary` : 'event is blank');
    }
    const rawTs = f[L.ts] ?? '';
    const t = parseTimestamp(rawTs, this.tsFormat!);
    if (Number.isNaN(t)) {
      return this.problems.add('bad_timestamp', line, `ts "${rawTs}" is not ${this.tsFormat} between 1990 and 2100`);
    }
    const en = this.eventNames.get(rawEvent);
    if (en) en.count++;
    else this.eventNames.set(rawEvent, { canonical, count: 1 });
    const u = this.ids(user), it = this.itemIds(item);
    const imp = L.impression >= 0 ? (f[L.impression] ?? '').trim() : '';
    let h1 = fnv(fnv(fnv(0x811c9dc5, u), it), canonical);
    let h2 = fnv(fnv(0x01000193, imp), String(t));
    this.users.push(u);
    this.items.push(it);
    this.events.push(canonical);
    this.imps.push(imp ? this.impIds(imp) : null);
    this.ts.push(t);
    this.lines.push(line);
    for (let j = 0; j < L.features.length; j++) {
      const v = (f[L.features[j].index] ?? '').trim();
      this.feats[j].push(v ? this.featIds[j](v) : null);
      h2 = fnv(h2, v);
    }
    this.hashes.push((h1 >>> 0) * 2097152 + ((h2 >>> 0) & 0x1fffff));
  }

  /** Finish: detect duplicates, infer feature types, build the table. */
  finish(): { table: ColumnTable; tsFormat: TimestampFormat; features: Record<string, 'categorical' | 'numeric'> } {
    if (this.pending.length) this.flushPending();
    const n = this.users.length;
    const drop = this.opts.dedupe ? this.findDuplicates() : new Uint8Array(n);
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (!drop[i]) keep.push(i);
    const pick = <T>(a: T[]): T[] => (keep.length === n ? a : keep.map((i) => a[i]));
    const ts = new Float64Array(keep.length);
    const tsAll = this.ts.view();
    keep.forEach((i, k) => (ts[k] = tsAll[i]));
    const cols: Record<string, unknown> = {
      user_id: pick(this.users),
      item_id: pick(this.items),
      event: pick(this.events),
      ts,
    };
    if (this.layout.impression >= 0) cols.impression_id = pick(this.imps);
    const types: Record<string, 'categorical' | 'numeric'> = {};
    this.layout.features.forEach(({ name }, j) => {
      const values = pick(this.feats[j]);
      const numeric = this.isNumeric(name, values);
      types[name] = numeric ? 'numeric' : 'categorical';
      cols[name] = numeric ? Float64Array.from(values, (v) => (v === null ? NaN : Number(v))) : values;
    });
    return { table: aq.table(cols as Record<string, any>), tsFormat: this.tsFormat ?? 'epoch_s', features: types };
  }

  private isNumeric(name: string, values: (string | null)[]): boolean {
    if (this.opts.categorical.includes(name)) return false;
    if (this.opts.numeric.includes(name)) return true;
    if (/(^|_)id$/i.test(name)) return false;
    let seen = false;
    for (const v of values) {
      if (v === null) continue;
      if (!NUMBER.test(v)) return false;
      seen = true;
    }
    return seen;
  }

  /** Marks exact duplicates (same canonical values and features) after their first occurrence. */
  private findDuplicates(): Uint8Array {
    const n = this.users.length;
    const drop = new Uint8Array(n);
    const h = this.hashes.view();
    const sorted = Float64Array.from(h).sort();
    const repeated = new Set<number>();
    for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]);
    if (!repeated.size) return drop;
    const firstSeen = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      if (!repeated.has(h[i])) continue;
      const earlier = firstSeen.get(h[i]);
      if (!earlier) {
        firstSeen.set(h[i], [i]);
        continue;
      }
      const twin = earlier.find((j) => this.sameRow(i, j));
      if (twin === undefined) earlier.push(i);
      else {
        drop[i] = 1;
        this.problems.add('duplicate', this.lines[i], `exact duplicate of line ${this.lines[twin]}`);
      }
    }
    return drop;
  }

  private sameRow(i: number, j: number): boolean {
    if (this.users[i] !== this.users[j] || this.items[i] !== this.items[j]) return false;
    if (this.events[i] !== this.events[j] || this.imps[i] !== this.imps[j]) return false;
    if (this.ts.data[i] !== this.ts.data[j]) return false;
    return this.feats.every((col) => col[i] === col[j]);
  }
}

function lower(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k.trim().toLowerCase(), v.trim().toLowerCase()]));
}
