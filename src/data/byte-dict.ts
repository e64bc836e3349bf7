/**
 * Dictionary encoding of DuckDB VARCHAR vectors without making JavaScript
 * strings: values are hashed and compared as bytes straight from the vector
 * (duck-strings.ts), trimmed as JavaScript's trim() would, and each distinct
 * value gets a dense code in order of first appearance. Strings are decoded
 * only when asked for, once per distinct value. Meant for columns with far
 * fewer distinct values than rows (users, items, events, categories); see
 * key-groups.ts for impression ids.
 */
import type { Dictionary } from './event-log';
import * as ds from './duck-strings';
import type { RawVector } from './duck-strings';
// Local bindings: hot loops call these millions of times (no module-namespace lookups).
const { bytesNeedTrim, decodeBytes, hashBytes, hashInline, inlineNeedsTrim, isValid, MASK_A, MASK_B, MASK_C, valueBytes } = ds;

/** A growing dictionary of byte strings with dense codes. */
export class ByteDict implements Dictionary {
  /** Per code: length and three inline words (long values: byte offset into `long` in word 1). */
  private keys = new Int32Array(4 * 1024);
  private long = new Uint8Array(1 << 12);
  private longUsed = 0;
  /** Open addressing, two words per slot: the value's hash and its code + 1 (0: empty). */
  private slots = new Int32Array(2 * 1024);
  private capacity = 1024;
  private decoded: (string | undefined)[] = [];
  /** Distinct values seen. */
  size = 0;

  /**
   * The code of value `r` of a VARCHAR vector, trimmed; -1 when it is null or blank.
   */
  code(v: RawVector, r: number): number {
    if (!isValid(v, r)) return -1;
    const w = r * 4, len = v.words[w];
    if (len === 0) return -1;
    if (len <= 12) {
      if (inlineNeedsTrim(v.data, r, len)) return this.codeOf(decodeBytes(valueBytes(v.data, v.words, r)).trim());
      return this.inline(len, v.words[w + 1] & MASK_A[len], v.words[w + 2] & MASK_B[len], v.words[w + 3] & MASK_C[len]);
    }
    const bytes = valueBytes(v.data, v.words, r);
    if (bytesNeedTrim(bytes)) return this.codeOf(decodeBytes(bytes).trim());
    return this.longValue(bytes);
  }

  /**
   * Codes of `rows` values of a VARCHAR vector into `out` (as `code`; -1 where `skip` is set).
   * A value equal to the one before it reuses its code without a lookup.
   */
  encode(v: RawVector, rows: number, skip: Uint8Array, out: Int32Array): void {
    const words = v.words, data = v.data, valid = v.valid;
    let pl = -1, pa = 0, pb = 0, pc = 0, prev = -1;
    for (let r = 0; r < rows; r++) {
      if (skip[r] !== 0 || (valid !== null && (valid[r >> 3] & (1 << (r & 7))) === 0)) {
        out[r] = -1;
        continue;
      }
      const w = r * 4, len = words[w];
      if (len > 12 || len === 0) {
        out[r] = this.code(v, r);
        pl = -1;
        continue;
      }
      const a = words[w + 1] & MASK_A[len], b = words[w + 2] & MASK_B[len], c = words[w + 3] & MASK_C[len];
      if (len === pl && a === pa && b === pb && c === pc) {
        out[r] = prev;
        continue;
      }
      if (inlineNeedsTrim(data, r, len)) {
        out[r] = this.codeOf(decodeBytes(valueBytes(data, words, r)).trim());
        pl = -1;
        continue;
      }
      prev = out[r] = this.inline(len, a, b, c);
      pl = len;
      pa = a;
      pb = b;
      pc = c;
    }
  }

  /** The code of a JavaScript string (-1 for ''). */
  codeOf(s: string): number {
    if (!s) return -1;
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length > 12) return this.longValue(bytes);
    const pad = Buffer.alloc(12);
    bytes.copy(pad);
    return this.inline(bytes.length, pad.readInt32LE(0), pad.readInt32LE(4), pad.readInt32LE(8));
  }

  private inline(len: number, a: number, b: number, c: number): number {
    const h = hashInline(len, a, b, c) | 1;
    const mask = this.capacity - 1, slots = this.slots, keys = this.keys;
    let s = h & mask;
    for (;;) {
      const code = slots[2 * s + 1] - 1;
      if (code < 0) break;
      if (slots[2 * s] === h) {
        const k = code * 4;
        if (keys[k] === len && keys[k + 1] === a && keys[k + 2] === b && keys[k + 3] === c) return code;
      }
      s = (s + 1) & mask;
    }
    const code = this.add(h, s);
    const k = code * 4;
    this.keys[k] = len;
    this.keys[k + 1] = a;
    this.keys[k + 2] = b;
    this.keys[k + 3] = c;
    return code;
  }

  private longValue(bytes: Uint8Array): number {
    const len = bytes.length;
    const h = hashBytes(bytes) | 1;
    const mask = this.capacity - 1;
    let s = h & mask;
    for (;;) {
      const code = this.slots[2 * s + 1] - 1;
      if (code < 0) break;
      if (this.slots[2 * s] === h && this.keys[code * 4] === len && this.sameLong(this.keys[code * 4 + 1], bytes)) return code;
      s = (s + 1) & mask;
    }
    const code = this.add(h, s);
    if (this.longUsed + len > this.long.length) {
      const grown = new Uint8Array(Math.max(this.long.length * 2, this.longUsed + len));
      grown.set(this.long.subarray(0, this.longUsed));
      this.long = grown;
    }
    this.long.set(bytes, this.longUsed);
    this.keys[code * 4] = len;
    this.keys[code * 4 + 1] = this.longUsed;
    this.longUsed += len;
    return code;
  }

  private sameLong(offset: number, bytes: Uint8Array): boolean {
    const l = this.long;
    for (let i = 0; i < bytes.length; i++) if (l[offset + i] !== bytes[i]) return false;
    return true;
  }

  /** Claim slot `s` for a new code (growing the table first when it is three quarters full). */
  private add(h: number, s: number): number {
    const code = this.size++;
    if (this.keys.length < this.size * 4) {
      const grown = new Int32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    if (this.size * 4 > this.capacity * 3) {
      this.rehash(this.capacity * 2);
      const mask = this.capacity - 1;
      s = h & mask;
      while (this.slots[2 * s + 1] !== 0) s = (s + 1) & mask;
    }
    this.slots[2 * s] = h;
    this.slots[2 * s + 1] = code + 1;
    return code;
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(2 * capacity), old = this.slots;
    const mask = capacity - 1;
    for (let s = 0; s < this.capacity; s++) {
      if (old[2 * s + 1] === 0) continue;
      let t = old[2 * s] & mask;
      while (slots[2 * t + 1] !== 0) t = (t + 1) & mask;
      slots[2 * t] = old[2 * s];
      slots[2 * t + 1] = old[2 * s + 1];
    }
    this.slots = slots;
    this.capacity = capacity;
  }

  /** The value of `code`, decoded once. */
  get(code: number): string {
    let s = this.decoded[code];
    if (s !== undefined) return s;
    const k = code * 4, len = this.keys[k];
    if (len > 12) s = decodeBytes(this.long.subarray(this.keys[k + 1], this.keys[k + 1] + len));
    else s = decodeBytes(new Uint8Array(this.keys.buffer, this.keys.byteOffset + (k + 1) * 4, len));
    this.decoded[code] = s;
    return s;
  }

  /** Every value, in code order. */
  values(): string[] {
    const out = new Array<string>(this.size);
    for (let c = 0; c < this.size; c++) out[c] = this.get(c);
    return out;
  }
}
