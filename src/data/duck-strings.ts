/**
 * Reading DuckDB VARCHAR vectors as bytes. Each value is a 16-byte `string_t`:
 * its length (32 bits), then up to 12 bytes inline, or, for longer values, a
 * 4-byte prefix and a pointer to the bytes. Values are compared as the length
 * and three masked inline words; only long values are fetched.
 */
import duckdb from '@duckdb/node-bindings';

function keep(n: number): number {
  return n >= 4 ? -1 : n <= 0 ? 0 : (1 << (n * 8)) - 1;
}
/** Per length 0–12: masks of the three inline words (bytes past the length are not guaranteed to be zero). */
export const MASK_A = Int32Array.from({ length: 13 }, (_, n) => keep(n));
export const MASK_B = Int32Array.from({ length: 13 }, (_, n) => keep(n - 4));
export const MASK_C = Int32Array.from({ length: 13 }, (_, n) => keep(n - 8));

/** One round of a multiplicative hash. */
export function mix(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x5bd1e995);
  return h ^ (h >>> 15);
}

/**
 * Hash of an inline value (length and masked words): the words multiplied independently (no chain
 * of rounds: this runs for every id of every row), then mixed so that high and low bits both vary.
 */
export function hashInline(len: number, a: number, b: number, c: number): number {
  let h = (Math.imul(a, 0x9e3779b1) + Math.imul(b, 0x85ebca77) + Math.imul(c ^ len, 0xc2b2ae3d)) | 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

/** Hash of a value's bytes (long values). */
export function hashBytes(bytes: Uint8Array): number {
  let h = mix(0x2f1a3b9d, bytes.length);
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return mix(h, bytes.length);
}

/** The bytes of value `r` (any length) of a VARCHAR vector's data. */
export function valueBytes(data: Uint8Array, words: Int32Array, r: number): Uint8Array {
  const len = words[r * 4];
  if (len <= 12) return data.subarray(r * 16 + 4, r * 16 + 4 + len);
  return duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + r * 16 + 8, len);
}

// Bytes that may start or end a value JavaScript's trim() would shorten: ASCII whitespace, and the
// lead (first) or final (last) bytes of the UTF-8 encodings of Unicode spaces. Values with such a
// byte at an edge take the slow path (decode, trim); others are used as they are.
const FIRST = new Uint8Array(256);
const LAST = new Uint8Array(256);
for (const b of [9, 10, 11, 12, 13, 32]) FIRST[b] = LAST[b] = 1;
for (const b of [0xc2, 0xe1, 0xe2, 0xe3, 0xef]) FIRST[b] = 1;
for (const b of [0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x9f, 0xa0, 0xa8, 0xa9, 0xaf, 0xbf]) LAST[b] = 1;

/** Whether value `r` (inline, `len` ≤ 12) may have whitespace at an edge. */
export function inlineNeedsTrim(data: Uint8Array, r: number, len: number): boolean {
  const o = r * 16 + 4;
  return FIRST[data[o]] === 1 || LAST[data[o + len - 1]] === 1;
}

/** Whether bytes may have whitespace at an edge. */
export function bytesNeedTrim(bytes: Uint8Array): boolean {
  return FIRST[bytes[0]] === 1 || LAST[bytes[bytes.length - 1]] === 1;
}

/**
 * Inline value `r` (`len` ≤ 12) as a number, read the way `parseTimestamp` reads one: optional
 * whitespace, sign, digits, optionally a point and digits, optional whitespace; NaN otherwise.
 * Whole numbers are read here (exact: at most 12 digits); those with a fraction by Number(),
 * which rounds correctly, as DuckDB's cast does.
 */
export function inlineNumber(data: Uint8Array, r: number, len: number): number {
  return numberIn(data, r * 16 + 4, r * 16 + 4 + len);
}

/** Whether the bytes of word `w` under byte mask `m` (-1: all four) are ASCII digits (a byte below '0' or above '9' fails one of the two tests). */
export function digitBytes(w: number, m: number): boolean {
  const x = w & m, z = 0x30303030 & m;
  return (x & 0xf0f0f0f0) === z && ((x + (0x06060606 & m)) & 0xf0f0f0f0 & m) === z;
}

/** The number four ASCII digits in a little-endian word spell (first digit in the low byte): pairs, then the pair of pairs. */
function fourValue(w: number): number {
  const d = w - 0x30303030;
  const pairs = (Math.imul(d, 10) + (d >>> 8)) & 0x00ff00ff;
  return (Math.imul(pairs, 100) + (pairs >>> 16)) & 0x3fff;
}

/**
 * Inline value `r` of exactly ten bytes as a number when all ten are digits (epoch seconds from 2001 to 2286,
 * the common case), read from its three inline words at once; -1 otherwise (`inlineNumber` reads it then).
 */
export function tenDigits(words: Int32Array, r: number): number {
  const a = words[r * 4 + 1], b = words[r * 4 + 2], c = words[r * 4 + 3] & 0xffff;
  if (!digitBytes(a, -1) || !digitBytes(b, -1) || !digitBytes(c, 0xffff)) return -1;
  return fourValue(a) * 1e6 + fourValue(b) * 100 + (c & 0xf) * 10 + ((c >>> 8) & 0xf);
}

/** A value's bytes (any length) as a number, read as `inlineNumber` reads one. */
export function bytesNumber(bytes: Uint8Array): number {
  return numberIn(bytes, 0, bytes.length);
}

/**
 * Bytes `start` … `end - 1` of `data` as a number (see `inlineNumber`). Whole numbers of up to 15 digits
 * are read here (exact); others, checked here, by Number(), which rounds correctly, as DuckDB's cast does.
 */
function numberIn(data: Uint8Array, start: number, end: number): number {
  let i = start;
  let e = end;
  while (i < e && (data[i] === 32 || (data[i] >= 9 && data[i] <= 13))) i++;
  while (e > i && (data[e - 1] === 32 || (data[e - 1] >= 9 && data[e - 1] <= 13))) e--;
  const s0 = i;
  let sign = 1;
  if (i < e && (data[i] === 43 || data[i] === 45)) sign = data[i++] === 45 ? -1 : 1;
  const d0 = i;
  let v = 0;
  while (i < e && data[i] >= 48 && data[i] <= 57) v = v * 10 + (data[i++] - 48);
  if (i === d0) return NaN;
  if (i === e) return i - d0 <= 15 ? sign * v : Number(decodeBytes(data.subarray(s0, e)));
  if (data[i] !== 46) return NaN;
  const f0 = ++i;
  while (i < e && data[i] >= 48 && data[i] <= 57) i++;
  return i === e && i > f0 ? Number(decodeBytes(data.subarray(s0, e))) : NaN;
}

const decoder = new TextDecoder();

/** Decode bytes as UTF-8. */
export function decodeBytes(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** A VARCHAR or fixed-width vector of a chunk: its data, 32-bit words and validity (null: all valid). */
export interface RawVector {
  data: Uint8Array;
  words: Int32Array;
  valid: Uint8Array | null;
}

/** Whether value `r` of a vector is not null. */
export function isValid(v: RawVector, r: number): boolean {
  return v.valid === null || (v.valid[r >> 3] & (1 << (r & 7))) !== 0;
}
