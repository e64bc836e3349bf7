/**
 * Dense codes for a column with nearly one distinct value per row (impression
 * ids), exactly and without a hash table the size of the log: keys are
 * appended to one of many buckets by hash as they stream in (sequential
 * writes), then each bucket, small enough for the CPU cache, is encoded on its
 * own. A plain dictionary (byte-dict.ts) would miss the cache on every row.
 *
 * Keys that are one fixed prefix and a whole number (`i17`, `30012`, `imp-5`:
 * no leading zero, at most 9 digits), as log writers number impressions, are
 * kept as their numbers: over a range not much wider than their count, they
 * are grouped through an array indexed by number (DuckDB does the same for
 * integer groups of a small range); over a wider one (a partition's share of
 * them), as long as each new number is greater than every one before it (ids
 * handed out in time order), a number's code is its rank among the numbers
 * seen, found as it arrives. The first key that is neither turns the keys read
 * so far into bucketed keys, exactly as if they had been bucketed from the start.
 */
import type { Dictionary } from './event-log';
import * as ds from './duck-strings';
import type { RawVector } from './duck-strings';
import { inSharedMemory, typedArray } from '../shared-memory';

// Local bindings: hot loops call these millions of times (no module-namespace lookups).
const { bytesNeedTrim, decodeBytes, digitBytes, hashBytes, hashInline, inlineNeedsTrim, MASK_A, MASK_B, MASK_C, valueBytes } = ds;

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
  /** The buffer the buckets (or the numbers) were first made in (shared keys): no longer needed once `finish` has returned. */
  arena?: SharedArrayBuffer | null;
  /** Keys kept as numbers (the buckets are then empty): per row, the number + 1 (or the code + 1, `coded`; 0: no key), over rows 0 … `rows` - 1, from `min` to `max`. */
  numeric?: NumericKeys | null;
}

/** Keys kept as their numbers (see the file comment). */
export interface NumericKeys {
  nums: Int32Array;
  rows: number;
  min: number;
  max: number;
  /** `nums` holds codes + 1, not numbers + 1 (a wide range: codes found as the keys arrived), over this many groups; -1: numbers. */
  coded: number;
}

/** The most digits a numeric key has (its number fits in 32 bits). */
const MAX_DIGITS = 9;
const POW10 = Int32Array.from({ length: MAX_DIGITS + 1 }, (_, k) => 10 ** k);

/** Byte `i` (0–11) of an inline value's three words. */
function byteOf(a: number, b: number, c: number, i: number): number {
  return ((i < 4 ? a : i < 8 ? b : c) >>> ((i & 3) << 3)) & 255;
}

/** Whether numbers from `min` to `max` over `count` keys are few enough to index an array by (4 bytes per number). */
function narrowRange(min: number, max: number, count: number): boolean {
  return max - min < 4 * count + (1 << 20);
}

/**
 * The first pass of `KeyGroups.finish` over numeric keys, which is also its last: every row with a key gets,
 * in `codes`, its code, in order of first appearance (no second pass, unlike `firstRows`). Returns the groups found.
 */
export function numericFirstRows(k: NumericKeys, codes: Int32Array): number {
  if (k.coded >= 0) {
    for (let row = 0; row < k.rows; row++) if (k.nums[row] !== 0) codes[row] = k.nums[row] - 1;
    return k.coded;
  }
  if (k.max < k.min) return 0;
  const first = new Int32Array(k.max - k.min + 1); // per number: its code + 1
  const nums = k.nums, base = k.min + 1;
  let groups = 0;
  for (let row = 0; row < k.rows; row++) {
    const v = nums[row];
    if (v === 0) continue;
    let c = first[v - base];
    if (c === 0) c = first[v - base] = ++groups;
    codes[row] = c - 1;
  }
  return groups;
}

/**
 * The index of `v` in `sorted[0 … n - 1]` (increasing), or -1. Searched from the end: an id seen again is
 * mostly one seen lately (a click soon after its impression), so the search steps back from the greatest
 * by 1, 2, 4, … (in memory lately written, still in cache) before it halves what is left.
 */
function rankOf(sorted: Int32Array, n: number, v: number): number {
  let hi = n - 1, step = 1, lo = hi - 1;
  // Every value past `hi` is greater than v.
  while (lo > 0 && sorted[lo] > v) {
    hi = lo - 1;
    step *= 2;
    lo = hi - step;
  }
  if (lo < 0) lo = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, x = sorted[mid];
    if (x === v) return mid;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** `firstRows` over every bucket, or `numericFirstRows` when the keys are numbers. */
export function allFirstRows(k: KeyParts, codes: Int32Array): number {
  return k.numeric ? numericFirstRows(k.numeric, codes) : firstRows(k, codes, 0, k.buckets.length);
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
  private arena: SharedArrayBuffer | null = null;
  private long: Uint8Array;
  private longUsed = 0;
  /** Words per bucket when the buckets are made. */
  private readonly per: number;
  /** Whether the keys so far are kept as numbers (`nums`), not in the buckets. */
  private numeric: boolean;
  /** Per row: the number of its key + 1 (its code + 1 once `wide`; 0: no key); kept (and zeroed) for the next keys of a `reuse` set. */
  private nums: Int32Array;
  /** Rows 0 … numRows - 1 may have a numeric key; keys kept as numbers, and their least and greatest. */
  private numRows = 0;
  private numCount = 0;
  private numMin = 0;
  private numMax = -1;
  /** Numbers over a wide range: `nums` holds codes + 1; the number of each code (increasing), and how many. */
  private wide = false;
  private firsts = new Int32Array(0);
  private nFirsts = 0;
  /** The numbers' prefix: its length (-1 before the first key) and its bytes as three masked words. */
  private plen = -1;
  private pa = 0;
  private pb = 0;
  private pc = 0;

  /**
   * `expect`: keys expected (sizes the buckets once). `shared`: keys in shared memory (another thread can take half of
   * `finish`'s first pass: `parts`, `firstRows`). `reuse`: `finish` keeps the buckets, for `reset` and another set of keys.
   * `numbers`: keep keys that are a prefix and a whole number as numbers (see the file comment); false buckets every key.
   */
  constructor(expect = 0, private readonly shared = false, private readonly reuse = false, private readonly numbers = true) {
    this.per = WORDS * Math.max(64, Math.ceil((expect / (1 << BUCKET_BITS)) * 1.1));
    this.used = this.int32(1 << BUCKET_BITS);
    this.long = new Uint8Array(1 << 16);
    this.numeric = numbers;
    this.nums = this.int32(numbers ? Math.max(1024, expect) : 0);
    if (!numbers) this.makeBuckets();
  }

  private int32(n: number): Int32Array {
    return typedArray(Int32Array, n, this.shared);
  }

  /** The buckets, made once (shared buckets are slices of one buffer: once the keys are encoded, it can serve again whole, KeyParts.arena). */
  private makeBuckets(): void {
    if (this.buckets.length) return;
    this.arena = this.shared ? new SharedArrayBuffer((4 * this.per) << BUCKET_BITS) : null;
    for (let b = 0; b < 1 << BUCKET_BITS; b++) this.buckets.push(this.arena ? new Int32Array(this.arena, 4 * this.per * b, this.per) : this.int32(this.per));
  }

  /** Forget the keys (a `reuse` set: its buckets, already in memory, take the next keys). */
  reset(): this {
    this.used.fill(0);
    this.longUsed = 0;
    this.nums.fill(0, 0, this.numRows);
    this.numRows = this.numCount = 0;
    this.numMin = 0;
    this.numMax = -1;
    this.plen = -1;
    this.wide = false;
    this.nFirsts = 0;
    this.numeric = this.numbers;
    return this;
  }

  /** Whether the keys are kept as numbers (until `parts` or `finish`, a key that is not may still turn them into buckets). */
  get numbered(): boolean {
    return this.numeric;
  }

  /** The keys, for `firstRows` (or `numericFirstRows`) on another thread (bytes of long keys copied to shared memory when there are any). */
  parts(): KeyParts {
    return this.keyParts(true);
  }

  private keyParts(shared: boolean): KeyParts {
    const numeric = this.numeric ? { nums: this.nums, rows: this.numRows, min: this.numMin, max: this.numMax, coded: this.wide ? this.nFirsts : -1 } : null;
    const long = this.longUsed && shared ? inSharedMemory(this.long.subarray(0, this.longUsed)) : this.long.subarray(0, this.longUsed);
    const arena = numeric ? (this.nums.buffer instanceof SharedArrayBuffer ? this.nums.buffer : null) : this.arena;
    return { buckets: this.buckets, used: this.used, long, arena, numeric };
  }

  /** The number of a key (`len` ≤ 12 bytes as three masked words) when it is the prefix and a whole number, else -1. */
  private numberOf(len: number, a: number, b: number, c: number): number {
    const p = this.plen, digits = len - p;
    if (digits < 1 || digits > MAX_DIGITS) return -1;
    if ((a & MASK_A[p]) !== this.pa || (b & MASK_B[p]) !== this.pb || (c & MASK_C[p]) !== this.pc) return -1;
    // Every byte from p to len a digit, four at a time (the bytes of each word between the two are digits).
    if (!digitBytes(a, MASK_A[len] & ~MASK_A[p]) || !digitBytes(b, MASK_B[len] & ~MASK_B[p]) || !digitBytes(c, MASK_C[len] & ~MASK_C[p])) return -1;
    let v = 0;
    for (let i = p; i < len; i++) v = v * 10 + (byteOf(a, b, c, i) & 15);
    // A leading zero: another text of the same number.
    return digits > 1 && v < POW10[digits - 1] ? -1 : v;
  }

  /** Take the prefix of the first key: its bytes before the first digit. False when it has no digit. */
  private setPrefix(len: number, a: number, b: number, c: number): boolean {
    let p = 0;
    while (p < len && (byteOf(a, b, c, p) - 48) >>> 0 > 9) p++; // not a digit ('0' is 48)
    if (p === len) return false;
    this.plen = p;
    this.pa = a & MASK_A[p];
    this.pb = b & MASK_B[p];
    this.pc = c & MASK_C[p];
    return true;
  }

  /** Keep the key of `row` (inline words) as its number; false, once the keys are turned into buckets, when it is not one. */
  private addNumber(row: number, len: number, a: number, b: number, c: number): boolean {
    if (this.plen < 0 && !this.setPrefix(len, a, b, c)) return this.toBuckets();
    const v = this.numberOf(len, a, b, c);
    if (v < 0) return this.toBuckets();
    let stored = v;
    const min = this.numCount === 0 || v < this.numMin ? v : this.numMin, max = v > this.numMax ? v : this.numMax;
    if (!this.wide && !narrowRange(min, max, this.numCount + 1) && !this.toWide()) return this.toBuckets();
    if (this.wide) {
      // A number greater than every one before it is new, with the next code; a smaller one must be one of them.
      stored = v > this.numMax ? this.newFirst(v) : rankOf(this.firsts, this.nFirsts, v);
      if (stored < 0) return this.toBuckets();
    }
    this.numMin = min;
    this.numMax = max;
    if (row >= this.nums.length) {
      const grown = this.int32(Math.max(row + 1, this.nums.length * 2));
      grown.set(this.nums);
      this.nums = grown;
    }
    this.nums[row] = stored + 1;
    this.numCount++;
    if (row >= this.numRows) this.numRows = row + 1;
    return true;
  }

  /** The code of a new number, greater than every one before it. */
  private newFirst(v: number): number {
    if (this.nFirsts === this.firsts.length) {
      const grown = new Int32Array(Math.max(1024, this.firsts.length * 2));
      grown.set(this.firsts);
      this.firsts = grown;
    }
    this.firsts[this.nFirsts] = v;
    return this.nFirsts++;
  }

  /**
   * The range got too wide for an array: the numbers kept so far become codes (`wide`), when each new one
   * among them is greater than every one before it. False (nothing changed) when not.
   */
  private toWide(): boolean {
    const nums = this.nums;
    // First check, then write: the numbers stay as they are if they are not in that order.
    this.nFirsts = 0;
    for (let row = 0, last = -1; row < this.numRows; row++) {
      const v = nums[row] - 1;
      if (v < 0) continue;
      if (v > last) {
        this.newFirst(v);
        last = v;
      } else if (rankOf(this.firsts, this.nFirsts, v) < 0) {
        this.nFirsts = 0;
        return false;
      }
    }
    // A row's number is new when it is the next of `firsts`, else one of those before (found by halving).
    for (let row = 0, k = 0; row < this.numRows; row++) {
      const v = nums[row] - 1;
      if (v < 0) continue;
      nums[row] = (v === this.firsts[k] && k < this.nFirsts ? k++ : rankOf(this.firsts, k, v)) + 1;
    }
    this.wide = true;
    return true;
  }

  /** Twelve bytes starting with the numbers' prefix (zero after it). */
  private prefixPad(): Uint8Array {
    return new Uint8Array(Int32Array.of(this.pa, this.pb, this.pc).buffer);
  }

  /** Turn the numbers kept so far into bucketed keys (their text is the prefix and the number's digits), as if bucketed from the start. False. */
  private toBuckets(): false {
    this.numeric = false;
    this.makeBuckets();
    const pad = this.prefixPad(), words = new Int32Array(pad.buffer), p = this.plen, nums = this.nums;
    for (let row = 0; row < this.numRows; row++) {
      if (nums[row] === 0) continue;
      let v = this.wide ? this.firsts[nums[row] - 1] : nums[row] - 1, len = p + 1;
      for (let x = v; x >= 10; x = (x / 10) | 0) len++;
      for (let i = len - 1; i >= p; i--, v = (v / 10) | 0) pad[i] = 48 + (v % 10);
      const a = words[0] & MASK_A[len], b = words[1] & MASK_B[len], c = words[2] & MASK_C[len];
      this.push(hashInline(len, a, b, c), row, len, a, b, c);
    }
    return false;
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
      if (!this.numeric || !this.addNumber(row, len, a, b, c)) this.push(hashInline(len, a, b, c), row, len, a, b, c);
      return true;
    }
    const bytes = trimmedBytes(v, r);
    if (!bytes) return false;
    if (this.numeric) this.toBuckets();
    this.addBytes(bytes, row);
    return true;
  }

  /**
   * Add values `rs[0 … m - 1]` of a VARCHAR vector as the keys of log rows `rows[0 … m - 1]`
   * (as `add` does each; one tight loop per chunk).
   */
  addRows(v: RawVector, rs: Int32Array, rows: Int32Array, m: number): void {
    let j0 = 0;
    if (this.numeric) {
      j0 = this.addNumberRows(v, rs, rows, m);
      if (j0 === m) return;
    }
    const words = v.words, data = v.data, valid = v.valid, buckets = this.buckets, used = this.used;
    for (let j = j0; j < m; j++) {
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

  /** `addRows` while the keys are numbers: the index of the first value left to bucket (`m` when none is). */
  private addNumberRows(v: RawVector, rs: Int32Array, rows: Int32Array, m: number): number {
    const words = v.words, data = v.data, valid = v.valid;
    // The common case on locals (a number, a row within the array, the range still narrow), written back before calls out.
    let nums = this.nums, min = this.numMin, max = this.numMax, count = this.numCount, numRows = this.numRows, narrow = !this.wide;
    const save = () => {
      this.numMin = min;
      this.numMax = max;
      this.numCount = count;
      this.numRows = numRows;
    };
    for (let j = 0; j < m; j++) {
      const r = rs[j], w = r * 4, len = words[w], row = rows[j];
      if (narrow && len <= 12 && len !== 0 && count > 0 && (valid === null || (valid[r >> 3] & (1 << (r & 7))) !== 0) && !inlineNeedsTrim(data, r, len)) {
        const x = this.numberOf(len, words[w + 1] & MASK_A[len], words[w + 2] & MASK_B[len], words[w + 3] & MASK_C[len]);
        if (x >= 0 && row < nums.length) {
          const lo = x < min ? x : min, hi = x > max ? x : max;
          if (narrowRange(lo, hi, count + 1)) {
            nums[row] = x + 1;
            min = lo;
            max = hi;
            count++;
            numRows = row + 1;
            continue;
          }
        }
      }
      save();
      this.add(v, r, row); // the first key, null, blank, to trim, long, not a number, out of range or past the array
      if (!this.numeric) return j + 1;
      nums = this.nums;
      min = this.numMin;
      max = this.numMax;
      count = this.numCount;
      numRows = this.numRows;
      narrow = !this.wide;
    }
    save();
    return m;
  }

  /** `addWordRows` while the keys are numbers: the first row left to bucket (`n` when none is). */
  private addNumberWords(keys: Int32Array, n: number): number {
    let row = 0;
    while (row < n) {
      if (this.numCount > 0) {
        // The common case on locals: a number within the arrays, within a narrow range or (wide) new and greatest, or seen.
        const nums = this.nums, firsts = this.firsts, wide = this.wide;
        let nf = this.nFirsts, min = this.numMin, max = this.numMax, count = this.numCount, numRows = this.numRows;
        for (; row < n; row++) {
          const o = 4 * row, len = keys[o];
          if (len < 0) continue;
          if (len > 12 || row >= nums.length) break;
          const x = this.numberOf(len, keys[o + 1], keys[o + 2], keys[o + 3]);
          if (x < 0) break;
          if (wide) {
            let code: number;
            if (x > max) {
              if (nf === firsts.length) break;
              firsts[nf] = x;
              code = nf++;
              max = x;
            } else if ((code = rankOf(firsts, nf, x)) < 0) break;
            nums[row] = code + 1;
          } else {
            const lo = x < min ? x : min, hi = x > max ? x : max;
            if (!narrowRange(lo, hi, count + 1)) break;
            min = lo;
            max = hi;
            nums[row] = x + 1;
          }
          count++;
          numRows = row + 1;
        }
        this.nFirsts = nf;
        this.numMin = min;
        this.numMax = max;
        this.numCount = count;
        this.numRows = numRows;
        if (row === n) return n;
      }
      // The first key, long, not a number, past the arrays, out of range or out of order: one at a time.
      const o = 4 * row, len = keys[o];
      if (len > 12) {
        this.toBuckets();
        return row;
      }
      if (len >= 0 && !this.addNumber(row, len, keys[o + 1], keys[o + 2], keys[o + 3])) return row;
      row++;
    }
    return n;
  }

  /**
   * Add the keys of rows `0` … `n - 1` as `KeyWords` stores them (four words per row, length -1 for none;
   * long values: length and an offset into `long`), in one tight loop.
   */
  addWordRows(keys: Int32Array, long: Uint8Array, n: number): void {
    let row = this.numeric ? this.addNumberWords(keys, n) : 0;
    const buckets = this.buckets, used = this.used;
    for (let o = 4 * row; row < n; row++, o += 4) {
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
   * `groups`: the first pass (`allFirstRows` over `parts`: `firstRows` over every bucket, or `numericFirstRows`) was done, finding that many groups.
   * The buckets are released as they are encoded.
   */
  finish(codes: Int32Array, values: boolean, groups = allFirstRows(this.keyParts(false), codes)): { size: number; dict: Dictionary | null } {
    if (!values && !this.reuse) this.buckets.fill(new Int32Array(0));
    // Pass 2, in row order: codes in order of first appearance (a group's first row is never far back). Numbers have theirs.
    for (let row = 0, k = 0; row < codes.length && !this.numeric; row++) {
      const f = codes[row];
      if (f >= 0) codes[row] = f === row ? k++ : codes[f];
    }
    if (!values) return { size: groups, dict: null };
    if (this.numeric) {
      // Each code's number, from its first row (codes appear in order).
      const numbers = this.wide ? this.firsts.slice(0, this.nFirsts) : new Int32Array(groups), nums = this.nums;
      for (let row = 0, c = 0; !this.wide && row < this.numRows && c < groups; row++) if (nums[row] !== 0 && codes[row] === c) numbers[c++] = nums[row] - 1;
      return { size: groups, dict: new NumberDict(decodeBytes(this.prefixPad().subarray(0, Math.max(0, this.plen))), numbers) };
    }
    const keys = new Int32Array(groups * 4);
    for (let bk = 0; bk < this.buckets.length; bk++) {
      const arr = this.buckets[bk], m = this.used[bk] / WORDS;
      for (let e = 0; e < m; e++) keys.set(arr.subarray(e * WORDS + 1, e * WORDS + 5), codes[arr[e * WORDS]] * 4);
      this.buckets[bk] = new Int32Array(0);
    }
    return { size: groups, dict: new KeyDict(groups, keys, this.long.slice(0, this.longUsed)) };
  }
}

/** Values of codes kept as numbers: the prefix and the number's digits. */
class NumberDict implements Dictionary {
  readonly size: number;
  constructor(private readonly prefix: string, private readonly numbers: Int32Array) {
    this.size = numbers.length;
  }
  get(code: number): string {
    return this.prefix + this.numbers[code];
  }
  values(): string[] {
    return Array.from(this.numbers, (v) => this.prefix + v);
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
  long: Uint8Array;
  longUsed = 0;
  /** `shared`: the words and bytes in shared memory (another thread can write them out where they are). */
  constructor(expect: number, private readonly shared = false) {
    this.words = typedArray(Int32Array, 4 * Math.max(1024, expect), shared);
    this.long = typedArray(Uint8Array, 1 << 12, shared);
  }

  /** The arrays, handed over with their keys; the set goes on, from row 0, in `next` (arrays handed over before) or new ones as large. */
  take(next?: { words: Int32Array; long: Uint8Array }): { words: Int32Array; long: Uint8Array } {
    const out = { words: this.words, long: this.long };
    this.words = next?.words ?? typedArray(Int32Array, out.words.length, this.shared);
    this.long = next?.long ?? typedArray(Uint8Array, out.long.length, this.shared);
    this.longUsed = 0;
    return out;
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
      const grown = typedArray(Uint8Array, Math.max(this.long.length * 2, this.longUsed + bytes.length), this.shared);
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
    const grown = typedArray(Int32Array, Math.max(4 * rows, Math.ceil(this.words.length * 1.5)), this.shared);
    grown.set(this.words);
    this.words = grown;
  }

  /** Forget every row (the next one added is row 0 again). */
  reset(): void {
    this.longUsed = 0;
  }
}
