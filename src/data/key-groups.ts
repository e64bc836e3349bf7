/**
 * Dense codes for a column with nearly one distinct value per row (impression
 * ids), exactly and without a hash table the size of the log: keys are
 * appended to one of many buckets by hash as they stream in (sequential
 * writes), then each bucket, small enough for the CPU cache, is encoded on its
 * own. A plain dictionary (byte-dict.ts) would miss the cache on every row.
 */
import type { Dictionary } from './event-log';
import * as ds from './duck-strings';
import type { RawVector } from './duck-strings';
import { inSharedMemory, typedArray } from '../shared-memory';

// Local bindings: hot loops call these millions of times (no module-namespace lookups).
const { bytesNeedTrim, decodeBytes, hashBytes, hashInline, inlineNeedsTrim, MASK_A, MASK_B, MASK_C, valueBytes } = ds;

/** The bytes of a long (over 12 bytes) VARCHAR value `r`, trimmed; null when it is blank. */
function trimmedBytes(v: RawVector, r: number): Uint8Array | null {
  const bytes = valueBytes(v.data, v.words, r);
  if (!bytesNeedTrim(bytes)) return bytes;
  const s = decodeBytes(bytes).trim();
  return s ? Buffer.from(s, 'utf8') : null;
}

const BUCKET_BITS = 7;
const WORDS = 5; // row, length, three inline words (long values: length, offset into `long`)

/** The keys of a `KeyGroups` as another thread reads them: buckets of rows and keys (their first `used` words), bytes of long keys. */
export interface KeyParts {
  buckets: Int32Array[];
  used: Int32Array;
  long: Uint8Array;
  /** The buffer the buckets were first made in (shared keys): no longer needed once `finish` has returned. */
  arena?: SharedArrayBuffer | null;
}

function sameLong(l: Uint8Array, x: number, y: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (l[x + i] !== l[y + i]) return false;
  return true;
}

/**
 * The first pass of `KeyGroups.finish` over buckets `b0` … `b1 - 1`: every row of them gets, in
 * `codes`, the row of its group's first occurrence. Buckets hold disjoint keys and rows, so two
 * threads can take a range each. Returns the groups found.
 */
export function firstRows(k: KeyParts, codes: Int32Array, b0: number, b1: number): number {
  let groups = 0;
  let table = new Int32Array(0);
  const long = k.long;
  for (let bk = b0; bk < b1; bk++) {
    const arr = k.buckets[bk], m = k.used[bk] / WORDS;
    if (!m) continue;
    let cap = 16;
    while (cap < m * 2) cap *= 2;
    if (table.length < cap) table = new Int32Array(cap);
    else table.fill(0, 0, cap);
    const mask = cap - 1;
    for (let e = 0; e < m; e++) {
      const o = e * WORDS, len = arr[o + 1];
      const isLong = len > 12;
      const h = isLong ? hashBytes(long.subarray(arr[o + 2], arr[o + 2] + len)) : hashInline(len, arr[o + 2], arr[o + 3], arr[o + 4]);
      let s = h & mask;
      let first = -1;
      for (;;) {
        const t = table[s] - 1;
        if (t < 0) break;
        const p = t * WORDS;
        if (arr[p + 1] === len && (isLong ? sameLong(long, arr[p + 2], arr[o + 2], len) : arr[p + 2] === arr[o + 2] && arr[p + 3] === arr[o + 3] && arr[p + 4] === arr[o + 4])) {
          first = arr[p];
          break;
        }
        s = (s + 1) & mask;
      }
      if (first < 0) {
        table[s] = e + 1;
        first = arr[o];
        groups++;
      }
      codes[arr[o]] = first;
    }
  }
  return groups;
}

/** Collects one key per row, then assigns dense codes (`finish`). */
export class KeyGroups {
  private readonly buckets: Int32Array[] = [];
  private readonly used: Int32Array;
  private readonly arena: SharedArrayBuffer | null;
  private long: Uint8Array;
  private longUsed = 0;

  /**
   * `expect`: keys expected (sizes the buckets once). `shared`: keys in shared memory (another thread can take half of
   * `finish`'s first pass: `parts`, `firstRows`). `reuse`: `finish` keeps the buckets, for `reset` and another set of keys.
   */
  constructor(expect = 0, private readonly shared = false, private readonly reuse = false) {
    const per = WORDS * Math.max(64, Math.ceil((expect / (1 << BUCKET_BITS)) * 1.1));
    this.used = this.int32(1 << BUCKET_BITS);
    this.long = new Uint8Array(1 << 16);
    // Shared buckets are slices of one buffer: once the keys are encoded, it can serve again whole (KeyParts.arena).
    this.arena = shared ? new SharedArrayBuffer((4 * per) << BUCKET_BITS) : null;
    for (let b = 0; b < 1 << BUCKET_BITS; b++) this.buckets.push(this.arena ? new Int32Array(this.arena, 4 * per * b, per) : this.int32(per));
  }

  private int32(n: number): Int32Array {
    return typedArray(Int32Array, n, this.shared);
  }

  /** Forget the keys (a `reuse` set: its buckets, already in memory, take the next keys). */
  reset(): this {
    this.used.fill(0);
    this.longUsed = 0;
    return this;
  }

  /** The keys, for `firstRows` on another thread (bytes of long keys copied to shared memory when there are any). */
  parts(): KeyParts {
    return { buckets: this.buckets, used: this.used, long: this.longUsed ? inSharedMemory(this.long.subarray(0, this.longUsed)) : this.long.subarray(0, 0), arena: this.arena };
  }

  /**
   * Add value `r` of a VARCHAR vector, trimmed, as the key of log row `row`; false (nothing
   * added) when it is null or blank.
   */
  add(v: RawVector, r: number, row: number): boolean {
    if (v.valid !== null && (v.valid[r >> 3] & (1 << (r & 7))) === 0) return false;
    const words = v.words, w = r * 4, len = words[w];
    if (len === 0) return false;
    if (len <= 12 && !inlineNeedsTrim(v.data, r, len)) {
      const a = words[w + 1] & MASK_A[len], b = words[w + 2] & MASK_B[len], c = words[w + 3] & MASK_C[len];
      this.push(hashInline(len, a, b, c), row, len, a, b, c);
      return true;
    }
    const bytes = trimmedBytes(v, r);
    if (!bytes) return false;
    this.addBytes(bytes, row);
    return true;
  }

  /**
   * Add values `rs[0 … m - 1]` of a VARCHAR vector as the keys of log rows `rows[0 … m - 1]`
   * (as `add` does each; one tight loop per chunk).
   */
  addRows(v: RawVector, rs: Int32Array, rows: Int32Array, m: number): void {
    const words = v.words, data = v.data, valid = v.valid, buckets = this.buckets, used = this.used;
    for (let j = 0; j < m; j++) {
      const r = rs[j], w = r * 4, len = words[w];
      if (len > 12 || len === 0 || (valid !== null && (valid[r >> 3] & (1 << (r & 7))) === 0) || inlineNeedsTrim(data, r, len)) {
        this.add(v, r, rows[j]);
        continue;
      }
      const a = words[w + 1] & MASK_A[len], b = words[w + 2] & MASK_B[len], c = words[w + 3] & MASK_C[len];
      const bk = hashInline(len, a, b, c) >>> (32 - BUCKET_BITS);
      const arr = buckets[bk], at = used[bk];
      if (at + WORDS > arr.length) {
        this.push(0, rows[j], len, a, b, c, bk); // grows the bucket
        continue;
      }
      arr[at] = rows[j];
      arr[at + 1] = len;
      arr[at + 2] = a;
      arr[at + 3] = b;
      arr[at + 4] = c;
      used[bk] = at + WORDS;
    }
  }

  /**
   * Add the keys of rows `0` … `n - 1` as `KeyWords` stores them (four words per row, length -1 for none;
   * long values: length and an offset into `long`), in one tight loop.
   */
  addWordRows(keys: Int32Array, long: Uint8Array, n: number): void {
    const buckets = this.buckets, used = this.used;
    for (let row = 0, o = 0; row < n; row++, o += 4) {
      const len = keys[o];
      if (len < 0) continue;
      const a = keys[o + 1], b = keys[o + 2], c = keys[o + 3];
      if (len > 12) {
        this.addBytes(long.subarray(a, a + len), row);
        continue;
      }
      const bk = hashInline(len, a, b, c) >>> (32 - BUCKET_BITS);
      const arr = buckets[bk], at = used[bk];
      if (at + WORDS > arr.length) {
        this.push(0, row, len, a, b, c, bk); // grows the bucket
        continue;
      }
      arr[at] = row;
      arr[at + 1] = len;
      arr[at + 2] = a;
      arr[at + 3] = b;
      arr[at + 4] = c;
      used[bk] = at + WORDS;
    }
  }

  private addBytes(bytes: Uint8Array, row: number): void {
    const len = bytes.length;
    if (len <= 12) {
      const pad = Buffer.alloc(12);
      pad.set(bytes);
      const a = pad.readInt32LE(0), b = pad.readInt32LE(4), c = pad.readInt32LE(8);
      this.push(hashInline(len, a, b, c), row, len, a, b, c);
      return;
    }
    if (this.longUsed + len > this.long.length) {
      const grown = new Uint8Array(Math.max(this.long.length * 2, this.longUsed + len));
      grown.set(this.long.subarray(0, this.longUsed));
      this.long = grown;
    }
    this.long.set(bytes, this.longUsed);
    this.push(hashBytes(bytes), row, len, this.longUsed, 0, 0);
    this.longUsed += len;
  }

  /** Append a key with hash `h` (or to bucket `bucket`) to its bucket. */
  private push(h: number, row: number, len: number, a: number, b: number, c: number, bucket = h >>> (32 - BUCKET_BITS)): void {
    const bk = bucket;
    let arr = this.buckets[bk];
    const at = this.used[bk];
    if (at + WORDS > arr.length) {
      const grown = this.int32(arr.length * 2);
      grown.set(arr);
      this.buckets[bk] = arr = grown;
    }
    arr[at] = row;
    arr[at + 1] = len;
    arr[at + 2] = a;
    arr[at + 3] = b;
    arr[at + 4] = c;
    this.used[bk] = at + WORDS;
  }

  /**
   * Codes per row into `codes` (rows never added keep their value, e.g. -1 for blank),
   * and, when `values` is true, a dictionary of the values (decoded when asked for).
   * `groups`: the first pass (`firstRows` over every bucket) was done, finding that many groups.
   * The buckets are released as they are encoded.
   */
  finish(codes: Int32Array, values: boolean, groups = firstRows({ buckets: this.buckets, used: this.used, long: this.long }, codes, 0, this.buckets.length)): { size: number; dict: Dictionary | null } {
    if (!values && !this.reuse) this.buckets.fill(new Int32Array(0));
    // Pass 2, in row order: codes in order of first appearance (a group's first row is never far back).
    let k = 0;
    for (let row = 0; row < codes.length; row++) {
      const f = codes[row];
      if (f >= 0) codes[row] = f === row ? k++ : codes[f];
    }
    if (!values) return { size: groups, dict: null };
    const keys = new Int32Array(groups * 4);
    for (let bk = 0; bk < this.buckets.length; bk++) {
      const arr = this.buckets[bk], m = this.used[bk] / WORDS;
      for (let e = 0; e < m; e++) keys.set(arr.subarray(e * WORDS + 1, e * WORDS + 5), codes[arr[e * WORDS]] * 4);
      this.buckets[bk] = new Int32Array(0);
    }
    return { size: groups, dict: new KeyDict(groups, keys, this.long.slice(0, this.longUsed)) };
  }
}

/** Values of codes kept as inline words (and bytes of long values), decoded when asked for. */
class KeyDict implements Dictionary {
  constructor(readonly size: number, private readonly keys: Int32Array, private readonly long: Uint8Array) {}
  get(code: number): string {
    const k = code * 4, len = this.keys[k];
    if (len > 12) return decodeBytes(this.long.subarray(this.keys[k + 1], this.keys[k + 1] + len));
    return decodeBytes(new Uint8Array(this.keys.buffer, this.keys.byteOffset + (k + 1) * 4, len));
  }
  values(): string[] {
    return Array.from({ length: this.size }, (_, c) => this.get(c));
  }
}

/**
 * Keys kept as words, one row after another, for logs mined in partitions: they are written
 * to the partition files as they are and grouped per partition (`KeyGroups.addWordRows`).
 */
export class KeyWords {
  /** Four words per row: length, three inline words (long values: length, offset into `long`); length -1: blank. */
  words: Int32Array;
  long = new Uint8Array(1 << 12);
  longUsed = 0;
  constructor(expect: number) {
    this.words = new Int32Array(4 * Math.max(1024, expect));
  }

  /** Add value `r` of a VARCHAR vector, trimmed, as the key of row `row` (rows come in order). */
  add(v: RawVector, r: number, row: number): boolean {
    this.reserve(row + 1);
    const o = 4 * row;
    this.words[o] = -1;
    if (v.valid !== null && (v.valid[r >> 3] & (1 << (r & 7))) === 0) return false;
    const words = v.words, w = r * 4, len = words[w];
    if (len === 0) return false;
    if (len <= 12 && !inlineNeedsTrim(v.data, r, len)) {
      this.words[o] = len;
      this.words[o + 1] = words[w + 1] & MASK_A[len];
      this.words[o + 2] = words[w + 2] & MASK_B[len];
      this.words[o + 3] = words[w + 3] & MASK_C[len];
      return true;
    }
    const bytes = trimmedBytes(v, r);
    if (!bytes) return false;
    const pad = new Uint8Array(12);
    if (bytes.length <= 12) {
      pad.set(bytes);
      const dv = new DataView(pad.buffer);
      this.words.set([bytes.length, dv.getInt32(0, true), dv.getInt32(4, true), dv.getInt32(8, true)], o);
      return true;
    }
    if (this.longUsed + bytes.length > this.long.length) {
      const grown = new Uint8Array(Math.max(this.long.length * 2, this.longUsed + bytes.length));
      grown.set(this.long.subarray(0, this.longUsed));
      this.long = grown;
    }
    this.long.set(bytes, this.longUsed);
    this.words.set([bytes.length, this.longUsed, 0, 0], o);
    this.longUsed += bytes.length;
    return true;
  }

  /**
   * Add values `rs[0 … m - 1]` of a VARCHAR vector as the keys of rows `rows[0 … m - 1]` (in order, as
   * `add` does each; one tight loop per chunk).
   */
  addRows(v: RawVector, rs: Int32Array, rows: Int32Array, m: number): void {
    if (!m) return;
    this.reserve(rows[m - 1] + 1);
    const out = this.words, words = v.words, data = v.data, valid = v.valid;
    for (let j = 0; j < m; j++) {
      const r = rs[j], w = r * 4, len = words[w];
      if (len > 12 || len === 0 || (valid !== null && (valid[r >> 3] & (1 << (r & 7))) === 0) || inlineNeedsTrim(data, r, len)) {
        this.add(v, r, rows[j]);
        continue;
      }
      const o = 4 * rows[j];
      out[o] = len;
      out[o + 1] = words[w + 1] & MASK_A[len];
      out[o + 2] = words[w + 2] & MASK_B[len];
      out[o + 3] = words[w + 3] & MASK_C[len];
    }
  }

  /** Room for the words of rows `0` … `rows - 1` (grown by half at least). */
  private reserve(rows: number): void {
    if (this.words.length >= 4 * rows) return;
    const grown = new Int32Array(Math.max(4 * rows, Math.ceil(this.words.length * 1.5)));
    grown.set(this.words);
    this.words = grown;
  }

  /** Forget every row (the next one added is row 0 again). */
  reset(): void {
    this.longUsed = 0;
  }
}
