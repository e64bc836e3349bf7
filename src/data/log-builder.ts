/**
 * Turns DuckDB chunks of a log (duck-source.ts) into typed columns: classifies
 * every line into a problem class or a kept row, in file order (line numbers
 * are stream positions), dictionary-encodes ids, events and categorical
 * features, and keeps impression ids for grouping (key-groups.ts).
 */
import { ByteDict } from './byte-dict';
import type { Chunk } from './duck-chunks';
import type { Source } from './duck-source';
import * as ds from './duck-strings';
import type { RawVector } from './duck-strings';
// Local bindings: hot loops call these millions of times (no module-namespace lookups).
const { bytesNumber, decodeBytes, inlineNumber, isValid, tenDigits, valueBytes } = ds;
import { KeyGroups, KeyWords } from './key-groups';
import { typedArray, type TypedArrayType } from '../shared-memory';
import type { ProblemCollector } from './load-report';
import { DEFAULT_EVENT_MAP, FUNNEL_EVENTS, KNOWN_ACTIONS } from './schema';
import * as timestamps from './timestamps';

const { isTextTimestamp, parseTimestamp, TS_MAX, TS_MIN } = timestamps;

/** Rows of a DuckDB chunk, at most. */
const VECTOR = 2048;

/** A typed array that grows (in shared memory when `shared`: another thread may read it without a copy). */
export class Grow<T extends Int32Array | Float64Array | Uint8Array> {
  n = 0;
  data: T;
  constructor(private readonly type: TypedArrayType<T>, capacity: number, private readonly shared = false) {
    this.data = this.make(capacity);
  }
  private make(size: number): T {
    return typedArray(this.type, size, this.shared);
  }
  push(v: number): void {
    if (this.n === this.data.length) this.reserve(this.n + 1);
    this.data[this.n++] = v;
  }
  reserve(size: number): void {
    if (size <= this.data.length) return;
    const grown = this.make(Math.max(size, Math.ceil(this.data.length * 1.5)));
    grown.set(this.data);
    this.data = grown;
  }
  /** The array, handed over with its values; the builder goes on, from none, in `next` (an array handed over before) or a new one as large. */
  take(next?: T): T {
    const out = this.data;
    this.data = next ?? this.make(out.length);
    this.n = 0;
    return out;
  }
  /**
   * The values, without the spare capacity (copied only when most of it is spare: pages never
   * written take no memory; shared memory is never copied).
   */
  view(): T {
    if (this.shared || this.n > this.data.length * 0.5) return this.data.subarray(0, this.n) as T;
    return this.data.slice(0, this.n) as T;
  }
}

/** Options the builder needs from the load options. */
export interface BuilderOptions {
  eventMap: Record<string, string>;
  actions: readonly string[];
  /** Read feature columns. */
  features: boolean;
  /** Rows expected (sizes the columns once). */
  expectRows: number;
  /** Keep impression ids as words per row (for partition files) instead of grouping them. */
  keyWords?: boolean;
  /** Hold the columns in shared memory (worker threads read them where they are). */
  shared?: boolean;
  /** Time zone of text timestamps written without one. */
  tz?: string;
}

function lower(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k.trim().toLowerCase(), v.trim().toLowerCase()]));
}

/**
 * Kept rows in the arrays a builder filled (`LogBuilder.batch`, `takeBatch`): its first `n` rows; impression keys as
 * `KeyWords` stores them (four words per row) and the bytes of long ones, or null without impression ids.
 */
export interface RowBatch {
  n: number;
  user: Int32Array;
  item: Int32Array;
  event: Uint8Array;
  ts: Float64Array;
  line: Int32Array;
  words: Int32Array | null;
  long: Uint8Array;
}

/** Accumulates the kept rows of a log, chunk by chunk. */
export class LogBuilder {
  readonly users = new ByteDict();
  readonly items = new ByteDict();
  readonly rawEvents = new ByteDict();
  readonly featureDicts: ByteDict[];
  readonly impressions: KeyGroups | null;
  readonly impressionWords: KeyWords | null;
  private readonly isoTs: ByteDict | null;
  private isoValue: number[] = [];
  readonly user: Grow<Int32Array>;
  readonly item: Grow<Int32Array>;
  readonly event: Grow<Uint8Array>;
  readonly ts: Grow<Float64Array>;
  readonly line: Grow<Int32Array>;
  readonly featureCodes: Grow<Int32Array>[];
  /** Canonical event names, in order of first appearance; event codes index them. */
  readonly events: string[] = [];
  /** Per raw event code: canonical code, -2 unknown, -1 not looked up yet. */
  private canon = new Int16Array(64).fill(-1);
  /** Kept rows per raw event code, and raw codes in order of their first kept row. */
  rawCounts = new Float64Array(64);
  readonly rawOrder: number[] = [];
  private readonly vocab: Map<string, string>;
  private readonly canonicalNames: Set<string>;
  rowsRead = 0;
  blank = 0;
  /** Earliest and latest time of the rows kept. */
  tsLo = Infinity;
  tsHi = -Infinity;
  private lineNo = 0;
  /** Per chunk: lines not to encode, and the codes of users, items and raw events. */
  private readonly skip = new Uint8Array(VECTOR);
  private readonly uc = new Int32Array(VECTOR);
  private readonly ic = new Int32Array(VECTOR);
  private readonly ec = new Int32Array(VECTOR);
  /** Per chunk: the rows of the chunk kept, and their rows in the log (impression keys are added after the row loop). */
  private readonly keptR = new Int32Array(VECTOR);
  private readonly keptRow = new Int32Array(VECTOR);

  constructor(private readonly src: Source, private readonly opts: BuilderOptions, private readonly problems: ProblemCollector) {
    this.canonicalNames = new Set<string>([...FUNNEL_EVENTS, ...KNOWN_ACTIONS, ...opts.actions]);
    this.vocab = new Map(Object.entries({ ...DEFAULT_EVENT_MAP, ...lower(opts.eventMap) }));
    for (const a of opts.actions) this.vocab.set(a.toLowerCase(), a);
    const cap = Math.max(1024, opts.expectRows);
    const sh = opts.shared ?? false;
    this.user = new Grow(Int32Array, cap, sh);
    this.item = new Grow(Int32Array, cap, sh);
    this.event = new Grow(Uint8Array, cap, sh);
    this.ts = new Grow(Float64Array, cap, sh);
    this.line = new Grow(Int32Array, cap, sh);
    this.featureDicts = opts.features ? src.layout.features.map(() => new ByteDict()) : [];
    this.featureCodes = opts.features ? src.layout.features.map(() => new Grow(Int32Array, cap, sh)) : [];
    this.impressions = src.layout.impression >= 0 && !opts.keyWords ? new KeyGroups(cap, sh) : null;
    this.impressionWords = src.layout.impression >= 0 && opts.keyWords ? new KeyWords(cap, sh) : null;
    this.isoTs = isTextTimestamp(src.tsFormat) ? new ByteDict() : null;
  }

  /** Rows kept so far. */
  get n(): number {
    return this.user.n;
  }

  /** Canonical event code of a raw event code (-2: not in the vocabulary). */
  canonicalCode(raw: number): number {
    return this.canonicalOf(raw);
  }

  private canonicalOf(raw: number): number {
    if (raw < 0) return -2;
    if (raw >= this.canon.length) {
      const grown = new Int16Array(Math.max(raw + 1, this.canon.length * 2)).fill(-1);
      grown.set(this.canon);
      this.canon = grown;
      const counts = new Float64Array(grown.length);
      counts.set(this.rawCounts);
      this.rawCounts = counts;
    }
    let c = this.canon[raw];
    if (c !== -1) return c;
    const key = this.rawEvents.get(raw).toLowerCase();
    const name = this.vocab.get(key) ?? (this.canonicalNames.has(key) ? key : undefined);
    if (name === undefined) c = -2;
    else {
      c = this.events.indexOf(name);
      if (c < 0) c = this.events.push(name) - 1;
    }
    this.canon[raw] = c;
    return c;
  }

  private isoSeconds(v: RawVector, r: number): number {
    const code = this.isoTs!.code(v, r);
    if (code < 0) return NaN;
    while (this.isoValue.length <= code) this.isoValue.push(parseTimestamp(this.isoTs!.get(this.isoValue.length), this.src.tsFormat, this.opts.tz));
    return this.isoValue[code];
  }

  /** The kept rows, in the builder's arrays (no copy: valid until rows are added or the builder drained). */
  batch(): RowBatch {
    const kw = this.impressionWords;
    return {
      n: this.n, user: this.user.data, item: this.item.data, event: this.event.data, ts: this.ts.data, line: this.line.data,
      words: kw ? kw.words : null, long: kw ? kw.long : new Uint8Array(0),
    };
  }

  /**
   * The kept rows as a batch that is no longer the builder's, which goes on, drained, in the arrays of `next` (a batch
   * taken before, written and done with) or in new ones: another thread can write the batch meanwhile.
   */
  takeBatch(next?: RowBatch): RowBatch {
    const n = this.n, kw = this.impressionWords?.take(next?.words ? { words: next.words, long: next.long } : undefined);
    return {
      n, user: this.user.take(next?.user), item: this.item.take(next?.item), event: this.event.take(next?.event), ts: this.ts.take(next?.ts),
      line: this.line.take(next?.line), words: kw?.words ?? null, long: kw?.long ?? new Uint8Array(0),
    };
  }

  /** Forget the kept rows (after they were written elsewhere); dictionaries, counts and line numbers go on. */
  drain(): void {
    this.user.n = this.item.n = this.event.n = this.ts.n = this.line.n = 0;
    this.impressionWords?.reset();
  }

  /** Classify and keep the rows of one chunk. */
  add(chunk: Chunk): void {
    const rows = chunk.rowCount, L = this.src.layout, P = this.problems;
    // Per line: 0 a row to read, 1 blank, 3 not parsed, 4 + n: n fields where the header has another number.
    const K = chunk.vector(0, 4, false).words;
    // Fields of kept CSV/TSV rows are never null (a row has all its fields): no validity masks to read.
    const nulls = this.src.format !== 'csv' && this.src.format !== 'tsv';
    const U = chunk.vector(1, 16, nulls), I = chunk.vector(2, 16, nulls), E = chunk.vector(3, 16, nulls);
    const iso = this.isoTs !== null;
    // Epoch values arrive as numbers only when over 12 bytes (most are read from tr): that vector is read when a row needs it.
    let T: RawVector | null = iso ? chunk.vector(4, 16) : null;
    let tsv: Float64Array | null = null;
    const TR = iso ? null : chunk.vector(5, 16, nulls); // the text of ts: short values are read from its bytes
    const div = this.src.tsFormat === 'epoch_ms' ? 1e3 : this.src.tsFormat === 'epoch_us' ? 1e6 : 1;
    const tsLong = this.src.tsLong;
    let col = 6;
    const Pimp = L.impression >= 0 ? chunk.vector(col++, 16, nulls) : null;
    const X = this.opts.features ? L.features.map(() => chunk.vector(col++, 16, nulls)) : [];
    const RAW = this.src.format === 'jsonl' ? chunk.vector(col++, 16) : null;
    this.user.reserve(this.n + rows);
    this.item.reserve(this.n + rows);
    this.event.reserve(this.n + rows);
    this.ts.reserve(this.n + rows);
    this.line.reserve(this.n + rows);
    for (const g of this.featureCodes) g.reserve(this.n + rows);
    const header = this.src.headerLine;
    // Ids and events are encoded column by column (tight loops), skipping blank, malformed and header lines.
    const skip = this.skip, uc = this.uc, ic = this.ic, ec = this.ec;
    for (let r = 0; r < rows; r++) skip[r] = K[r] !== 0 || this.lineNo + r + 1 <= header ? 1 : 0;
    this.users.encode(U, rows, skip, uc);
    this.items.encode(I, rows, skip, ic);
    this.rawEvents.encode(E, rows, skip, ec);
    // The row loop works on locals (typed arrays, counters), written back once per chunk.
    const userData = this.user.data, itemData = this.item.data, eventData = this.event.data, tsData = this.ts.data, lineData = this.line.data;
    const kg = Pimp ? this.impressions : null, kw = Pimp ? this.impressionWords : null;
    let canon = this.canon, rawCounts = this.rawCounts;
    let lineNo = this.lineNo, row = this.user.n, lo = this.tsLo, hi = this.tsHi, kept = 0;
    const keptR = this.keptR, keptRow = this.keptRow;
    try {
      for (let r = 0; r < rows; r++) {
        const line = ++lineNo;
        const k = K[r];
        if (line <= header) {
          if (line < header) this.blank++;
          continue;
        }
        if (k === 1) {
          this.blank++;
          continue;
        }
        this.rowsRead++;
        if (k >= 4) {
          P.add('malformed_line', line, `${k - 4} fields where the header has ${this.src.columns.length}`);
          continue;
        }
        if (k === 3) {
          P.add('malformed_line', line, RAW ? `not a JSON object (${jsonError(RAW, r)})` : 'a quote is left open');
          continue;
        }
        const u = uc[r], it = ic[r];
        if (u < 0 || it < 0) {
          P.add('blank_id', line, `${u < 0 ? 'user_id' : 'item_id'} is blank`);
          continue;
        }
        const re = ec[r];
        let ev: number;
        if (re >= 0 && re < canon.length && canon[re] !== -1) ev = canon[re];
        else {
          ev = this.canonicalOf(re); // may grow the tables
          canon = this.canon;
          rawCounts = this.rawCounts;
        }
        // The event and the timestamp are both checked, so one problem class never hides another.
        if (ev < 0) P.add('unknown_event', line, re >= 0 ? `event "${this.rawEvents.get(re)}" is not in the vocabulary` : 'event is blank');
        let t: number;
        if (iso) t = this.isoSeconds(T!, r);
        else {
          // Up to 12 bytes (epoch seconds): read here from the inline bytes; longer: DuckDB's cast (when the
          // sampled values had long ones, src.tsLong), else read here from their bytes.
          const len = isValid(TR!, r) ? TR!.words[r * 4] : -1;
          if (len > 12 && tsLong && !tsv) {
            T = chunk.vector(4, 8);
            tsv = new Float64Array(T.data.buffer, T.data.byteOffset, rows);
          }
          const ten = len === 10 ? tenDigits(TR!.words, r) : -1; // ten digits: epoch seconds, the common case
          t = (ten >= 0 ? ten : len < 0 ? NaN : len <= 12 ? inlineNumber(TR!.data, r, len) : tsLong ? (isValid(T!, r) ? tsv![r] : NaN) : bytesNumber(valueBytes(TR!.data, TR!.words, r))) / div;
          if (!(t >= TS_MIN && t < TS_MAX)) t = NaN;
        }
        if (Number.isNaN(t)) {
          const rawTs = stringAt(iso ? T! : TR!, r);
          P.add('bad_timestamp', line, `ts "${rawTs}" is not ${this.src.tsFormat} between 1990 and 2100`);
          continue;
        }
        if (ev < 0) continue;
        if (rawCounts[re]++ === 0) this.rawOrder.push(re);
        userData[row] = u;
        itemData[row] = it;
        eventData[row] = ev;
        tsData[row] = t;
        if (t < lo) lo = t;
        if (t > hi) hi = t;
        lineData[row] = line;
        if (kg !== null || kw !== null) {
          keptR[kept] = r;
          keptRow[kept++] = row;
        }
        for (let j = 0; j < X.length; j++) this.featureCodes[j].data[row] = this.featureDicts[j].code(X[j], r);
        row++;
      }
    } finally {
      // The keys of the rows kept.
      if (kg !== null) kg.addRows(Pimp!, keptR, keptRow, kept);
      else if (kw !== null) kw.addRows(Pimp!, keptR, keptRow, kept);
      this.lineNo = lineNo;
      this.tsLo = lo;
      this.tsHi = hi;
      this.user.n = this.item.n = this.event.n = this.ts.n = this.line.n = row;
      for (const g of this.featureCodes) g.n = row;
    }
  }
}

/** Value `r` of a VARCHAR vector, trimmed ('' for null). */
function stringAt(v: RawVector, r: number): string {
  const d = new ByteDict();
  const c = d.code(v, r);
  return c < 0 ? '' : d.get(c);
}

/** Why a line is not a JSON object, in JSON.parse's words. */
function jsonError(v: RawVector, r: number): string {
  try {
    JSON.parse(isValid(v, r) ? decodeBytes(valueBytes(v.data, v.words, r)) : '');
    return 'not an object';
  } catch (e) {
    return (e as Error).message;
  }
}
