/**
 * A log's kept rows split into partitions on disk, for logs larger than
 * memory: rows arrive in batches in file order and each goes to the partition
 * of its path key, one file per column (`writeBatch`, on whichever thread is
 * handed the batch); each partition is then read back on its own. Paths are
 * per user and item (user-item mode: partitions by user) or per impression id
 * (impression mode: by impression id, rows without one by user); exact
 * duplicates share both, so a partition can be deduplicated and mined alone.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync, existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogBuilder, RowBatch } from './log-builder';
import { hashBytes, hashInline } from './duck-strings';
import { typedArray } from '../shared-memory';

/** Which of `parts` (fewer than 2^15) a 32-bit value falls in: the top 16 bits of a hash of it, scaled (integer arithmetic, no division). */
function scaled(x: number, parts: number): number {
  return Math.imul(Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 16, parts) >>> 16;
}

/**
 * The partition of an impression key's hash (`hashInline`, `hashBytes`). The hash is hashed again: its
 * top bits pick the key's bucket and its low bits its slot when a partition is grouped (key-groups.ts), so
 * a partition picked by either would crowd its keys into a few buckets or slots.
 */
export function keyPartition(h: number, parts: number): number {
  return scaled(h, parts);
}

/** The partition of a user code. */
export function partitionOf(userCode: number, parts: number): number {
  return scaled(userCode, parts);
}

/** The column files of a partition. */
const COLUMNS = ['user', 'item', 'event', 'ts', 'line', 'keys', 'long'] as const;
type ColumnName = (typeof COLUMNS)[number];

/** Work arrays of `writeBatch` (see there). */
type Scratch = { part: Int32Array; to: Int32Array; i32: Int32Array; f64: Float64Array; u8: Uint8Array; words: Int32Array; out4: Int32Array };

function noScratch(): Scratch {
  return { part: new Int32Array(0), to: new Int32Array(0), i32: new Int32Array(0), f64: new Float64Array(0), u8: new Uint8Array(0), words: new Int32Array(0), out4: new Int32Array(0) };
}

/**
 * Work arrays of `writeBatch`, kept by the thread that writes, reused from batch to batch (fresh memory costs page
 * faults on every batch, and garbage collections): partition and place of each row, and one scattered column of
 * each element type.
 */
export class WriteScratch {
  private s = noScratch();
  /** Arrays for a batch of `n` rows (`keys`: with impression keys), grown by a quarter at least when they must. */
  room(n: number, keys: boolean): Scratch {
    const s = this.s;
    if (s.part.length >= n && (!keys || s.words.length >= 4 * n)) return s;
    const m = Math.max(n, Math.ceil(s.part.length * 1.25));
    return (this.s = { part: new Int32Array(m), to: new Int32Array(m), i32: new Int32Array(m), f64: new Float64Array(m), u8: new Uint8Array(m), words: new Int32Array(keys ? 4 * m : 0), out4: new Int32Array(keys ? 4 * m : 0) });
  }
  /** Let the arrays go (the writes are over). */
  release(): void {
    this.s = noScratch();
  }
}

/** Where a batch is written, as another thread needs it: the column files (descriptors are the process's), and the bytes of long keys each partition's file holds. */
export interface WriteTarget {
  parts: number;
  keys: boolean;
  by: 'user' | 'impression';
  fds: number[][];
  longSize: number[];
}

/** What writing a batch did: its rows per partition, and the bytes of long keys each partition's file holds after it. */
export interface Written {
  rows: number[];
  longSize: number[];
}

/**
 * Append a batch of kept rows to their partitions: each column scattered by partition in one sequential read
 * (a gather would sweep the whole batch once per partition), one loop per element type, then written per partition.
 */
export function writeBatch(t: WriteTarget, b: RowBatch, scratch: WriteScratch): Written {
  const n = b.n, P = t.parts, longSize = t.longSize.slice();
  const start = new Int32Array(P + 1);
  if (!n) return { rows: new Array<number>(P).fill(0), longSize };
  const { part, to, i32, f64, u8, words, out4 } = scratch.room(n, t.keys);
  const kw = t.by === 'impression' ? b.words : null;
  const user = b.user;
  if (kw) {
    const w = kw, long = b.long;
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const len = w[o];
      const p = len < 0 ? partitionOf(user[i], P)
        : keyPartition(len <= 12 ? hashInline(len, w[o + 1], w[o + 2], w[o + 3]) : hashBytes(long.subarray(w[o + 1], w[o + 1] + len)), P);
      part[i] = p;
      start[p + 1]++;
    }
  } else {
    for (let i = 0; i < n; i++) start[(part[i] = partitionOf(user[i], P)) + 1]++;
  }
  for (let p = 0; p < P; p++) start[p + 1] += start[p];
  // Each row's place among its partition's.
  const fill = start.slice(0, P);
  for (let i = 0; i < n; i++) to[i] = fill[part[i]]++;
  const emit = (c: ColumnName, out: Int32Array | Float64Array | Uint8Array, width: number) => {
    for (let p = 0; p < P; p++) {
      const s = start[p] * width, e = start[p + 1] * width;
      if (e > s) writeSync(t.fds[p][COLUMNS.indexOf(c)], new Uint8Array(out.buffer, s * out.BYTES_PER_ELEMENT, (e - s) * out.BYTES_PER_ELEMENT));
    }
  };
  emit('user', scatterInt32(user, to, n, i32), 1);
  emit('item', scatterInt32(b.item, to, n, i32), 1);
  emit('event', scatterUint8(b.event, to, n, u8), 1);
  emit('ts', scatterFloat64(b.ts, to, n, f64), 1);
  emit('line', scatterInt32(b.line, to, n, i32), 1);
  if (t.keys) {
    // Long keys move to their partition's byte file; their offsets become offsets there.
    words.set(b.words!.subarray(0, 4 * n));
    for (let i = 0; i < n; i++) {
      const len = words[4 * i];
      if (len <= 12) continue;
      const p = part[i];
      writeSync(t.fds[p][COLUMNS.indexOf('long')], b.long.subarray(words[4 * i + 1], words[4 * i + 1] + len));
      words[4 * i + 1] = longSize[p];
      longSize[p] += len;
    }
    emit('keys', scatterWords4(words, to, n, out4), 4);
  }
  return { rows: Array.from({ length: P }, (_, p) => start[p + 1] - start[p]), longSize };
}

/** One partition's rows, read back: a batch of them, as written. */
export type PartitionRows = RowBatch;

/** Column files of user partitions in a temporary folder. */
export class PartitionFiles {
  readonly dir: string;
  private readonly fds: number[][] = [];
  private longSize: number[];
  readonly rows: number[];

  /** `by`: the path key rows are partitioned on. */
  constructor(readonly parts: number, readonly keys: boolean, private readonly by: 'user' | 'impression' = 'user', parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'buypath-partitions-'));
    this.longSize = new Array<number>(parts).fill(0);
    this.rows = new Array<number>(parts).fill(0);
    for (let p = 0; p < parts; p++) this.fds.push(COLUMNS.map((c) => openSync(this.file(p, c), 'a')));
  }

  private file(p: number, c: ColumnName): string {
    return partitionFile(this.dir, p, c);
  }

  /** Work arrays of `write` on this thread. */
  private readonly scratch = new WriteScratch();

  /** Where batches are written, for `writeBatch` on another thread (then `written` with what it did). */
  target(): WriteTarget {
    return { parts: this.parts, keys: this.keys, by: this.by, fds: this.fds, longSize: this.longSize };
  }

  /** Count what `writeBatch` wrote. */
  written(w: Written): void {
    for (let p = 0; p < this.parts; p++) this.rows[p] += w.rows[p];
    this.longSize = w.longSize;
  }

  /** Append the builder's kept rows to their partitions, on this thread (the builder is drained by the caller). */
  write(b: LogBuilder): void {
    this.written(writeBatch(this.target(), b.batch(), this.scratch));
  }

  /** Stop writing (files stay until `remove`). */
  close(): void {
    this.scratch.release();
    for (const fds of this.fds) for (const fd of fds) closeSync(fd);
    this.fds.length = 0;
  }

  /** Files being deleted (`release`). */
  private releasing: Promise<unknown>[] = [];

  /**
   * Delete partition `p`'s files, read back for good, off this thread (deleting takes a while on some file
   * systems, and this thread has partitions to walk meanwhile); `remove` waits for them.
   */
  release(p: number): void {
    this.releasing.push(Promise.all(COLUMNS.map((c) => unlink(this.file(p, c)).catch(() => undefined))));
  }

  /** Delete the folder, once the files being released are gone. */
  async remove(): Promise<void> {
    if (this.fds.length) this.close();
    await Promise.all(this.releasing);
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}

function scatterInt32(src: Int32Array, to: Int32Array, n: number, out: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) out[to[i]] = src[i];
  return out;
}

function scatterFloat64(src: Float64Array, to: Int32Array, n: number, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) out[to[i]] = src[i];
  return out;
}

function scatterUint8(src: Uint8Array, to: Int32Array, n: number, out: Uint8Array): Uint8Array {
  for (let i = 0; i < n; i++) out[to[i]] = src[i];
  return out;
}

/** Rows of four words each. */
function scatterWords4(src: Int32Array, to: Int32Array, n: number, out: Int32Array): Int32Array {
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const d = 4 * to[i];
    out[d] = src[o];
    out[d + 1] = src[o + 1];
    out[d + 2] = src[o + 2];
    out[d + 3] = src[o + 3];
  }
  return out;
}

function partitionFile(dir: string, p: number, c: ColumnName): string {
  return join(dir, `p${p}.${c}`);
}

/**
 * Memory partitions are read back into, reused from partition to partition: the columns, impression
 * codes and row groups of one partition of up to `rows` rows, in shared memory (one thread reads a
 * partition into it, another walks it).
 */
export interface PartitionSlot {
  user: Int32Array;
  item: Int32Array;
  event: Uint8Array;
  ts: Float64Array;
  line: Int32Array;
  impression: Int32Array;
  /** Room for the row groups' two arrays (order: a value per row; offsets: at most one per row, and two). */
  groups: SharedArrayBuffer;
}

/** A slot for partitions of up to `rows` rows (`keys`: with impression codes). */
export function partitionSlot(rows: number, keys: boolean): PartitionSlot {
  const i32 = (n: number) => typedArray(Int32Array, n, true);
  return {
    user: i32(rows), item: i32(rows), event: typedArray(Uint8Array, rows, true), ts: typedArray(Float64Array, rows, true), line: i32(rows),
    impression: i32(keys ? rows : 0), groups: new SharedArrayBuffer(4 * (2 * rows + 2) + 8),
  };
}

/** Buffers of one thread for the impression keys it reads back, reused from partition to partition. */
export interface KeyBuffers {
  keys?: Uint8Array;
  long?: Uint8Array;
}

/** The bytes of file `f`, read into `into` when it has room (else into new memory). */
function readInto(f: string, into?: Uint8Array): Uint8Array {
  const fd = openSync(f, 'r');
  try {
    const size = fstatSync(fd).size;
    const out = into && into.length >= size ? into.subarray(0, size) : new Uint8Array(size);
    for (let at = 0; at < size;) {
      const k = readSync(fd, out, at, size - at, at);
      if (k <= 0) throw new Error(`${f}: expected ${size} bytes, read ${at} (the partition file was cut short)`);
      at += k;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/**
 * Partition `p` of the column files in `dir` (`keys`: impression keys were written), read back: into
 * `slot` when given (views of it), else into memory of its own; keys into `buffers` when given.
 */
export function readPartition(dir: string, p: number, keys: boolean, slot?: PartitionSlot, buffers: KeyBuffers = {}): PartitionRows {
  const bytes = (a: Int32Array | Float64Array | Uint8Array | undefined) => (a ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : undefined);
  const load = (c: ColumnName, into?: Uint8Array): Uint8Array => readInto(partitionFile(dir, p, c), into);
  const i32 = (u: Uint8Array) => new Int32Array(u.buffer, u.byteOffset, u.length >> 2);
  const user = i32(load('user', bytes(slot?.user)));
  const ts = load('ts', bytes(slot?.ts));
  let keyWords: Int32Array | null = null, long = new Uint8Array(0);
  if (keys) {
    const k = load('keys', buffers.keys);
    if (k.buffer !== buffers.keys?.buffer) buffers.keys = k;
    keyWords = i32(k);
    long = load('long', buffers.long);
    if (long.buffer !== buffers.long?.buffer) buffers.long = long;
  }
  return {
    n: user.length, user, item: i32(load('item', bytes(slot?.item))), event: load('event', slot?.event), ts: new Float64Array(ts.buffer, ts.byteOffset, ts.length >> 3),
    line: i32(load('line', bytes(slot?.line))), words: keyWords, long,
  };
}
