/**
 * A streaming DuckDB query's result, chunk by chunk, read as raw vectors.
 *
 * Two ways, one interface (`ChunkStream`):
 * - **C API** (the default where it loads): DuckDB's C API, from the
 *   `libduckdb` that @duckdb/node-bindings ships, called synchronously through
 *   koffi. DuckDB's own threads fill its streaming buffer meanwhile; taking a
 *   chunk from it is a call on this thread, and each vector read is copied
 *   into a buffer of its column's, reused chunk after chunk.
 * - **@duckdb/node-bindings**: every chunk is fetched on a libuv thread and
 *   handed back, and every vector read is copied into fresh memory. Used when
 *   the C API cannot be loaded (no koffi, a platform without the library) or
 *   with `BUYPATH_DUCKDB_FFI=0`.
 *
 * Both give the same chunks in the same order (tested). At 10M events the
 * first makes some 1,200 context switches where the second makes 18,000, and
 * allocates nothing per chunk where the second allocates 820 MB: on a busy
 * host every hand-over waits, and the first has few.
 */
import duckdb from '@duckdb/node-bindings';
import type { DuckDBConnection } from '@duckdb/node-api';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { koffiError, loadKoffi } from '../ffi';
import type { RawVector } from './duck-strings';

/** One chunk of a result: its rows, and its columns as raw vectors. Valid until the stream's next chunk is asked for or the stream is closed. */
export interface Chunk {
  rowCount: number;
  /**
   * Column `c` as raw bytes (`width`: bytes per value: 16 for VARCHAR, 8 for DOUBLE, 4 for INTEGER). `nulls`: false when
   * the caller reads only values that cannot be null (one call less).
   */
  vector(c: number, width: number, nulls?: boolean): RawVector;
}

/** A streaming query's chunks, in order. */
export interface ChunkStream {
  /** The next chunk, or null at the end (the previous chunk is no longer valid). Throws DuckDB's error. */
  next(): Chunk | null | Promise<Chunk | null>;
  /** Stop early or after the end; waits for a fetch in flight. */
  close(): Promise<void>;
  /** 'c-api' (DuckDB's C API through koffi, on this thread) or 'node-bindings' (fetched on a libuv thread). */
  readonly how: 'c-api' | 'node-bindings';
}

// ---------------------------------------------------------------------------------------------
// Through @duckdb/node-bindings

/** Column `c` of a node-bindings chunk, copied out of DuckDB into fresh memory. */
function rawVector(chunk: duckdb.DataChunk, c: number, rows: number, width: number, nulls = true): RawVector {
  const v = duckdb.data_chunk_get_vector(chunk, c);
  const data = duckdb.vector_get_data(v, rows * width);
  const words = new Int32Array(data.buffer, data.byteOffset, (rows * width) >> 2);
  return { data, words, valid: nulls ? (duckdb.vector_get_validity(v, Math.ceil(rows / 64) * 8) ?? null) : null };
}

async function bindingsStream(con: DuckDBConnection, sql: string): Promise<ChunkStream> {
  const result = await con.stream(sql);
  // The next chunk is asked for before this one is read: DuckDB's fetch runs while JavaScript works.
  let pending: Promise<Awaited<ReturnType<typeof result.fetchChunk>>> | null = result.fetchChunk();
  return {
    how: 'node-bindings',
    async next() {
      if (!pending) return null;
      const c = await pending;
      if (!c || c.rowCount === 0) {
        pending = null;
        return null;
      }
      pending = result.fetchChunk();
      const raw = c.chunk, rows = c.rowCount;
      return { rowCount: rows, vector: (col, width, nulls = true) => rawVector(raw, col, rows, width, nulls) };
    },
    async close() {
      const p = pending;
      pending = null;
      if (p) await p.catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// DuckDB's C API through koffi

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...args: any[]) => any;
interface CApi {
  open: Fn; close: Fn; connect: Fn; disconnect: Fn; query: Fn; destroyResult: Fn; resultError: Fn;
  prepare: Fn; prepareError: Fn; destroyPrepare: Fn; pendingStreaming: Fn; pendingError: Fn; destroyPending: Fn; executePending: Fn;
  columnCount: Fn; columnType: Fn; fetchChunk: Fn; chunkSize: Fn; chunkVector: Fn; vectorData: Fn; vectorValidity: Fn; destroyChunk: Fn; memcpy: Fn;
}

/** Rows in a DuckDB vector (STANDARD_VECTOR_SIZE): a chunk holds at most this many. */
const VECTOR_ROWS = 2048;

/** Bytes per value of the DuckDB types (duckdb_type ids) a column may be read as. */
const TYPE_WIDTH: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 2, 8: 4, 9: 8, 10: 4, 11: 8, 17: 16 };

/** The shared library @duckdb/node-bindings ships for this platform, or null. */
export function libduckdbPath(): string | null {
  const names: Record<string, string> = { linux: 'libduckdb.so', darwin: 'libduckdb.dylib', win32: 'duckdb.dll' };
  const name = names[process.platform];
  if (!name) return null;
  try {
    const dir = dirname(require.resolve(`@duckdb/node-bindings-${process.platform}-${process.arch}/package.json`));
    return existsSync(join(dir, name)) ? join(dir, name) : null;
  } catch {
    return null;
  }
}

let capi: CApi | null | undefined;
/** Why the C API is not used ('' when it is). */
let capiWhy = '';

/** DuckDB's C API, loaded once; null (and why: `cApiReason`) when it cannot be. */
function loadCApi(): CApi | null {
  if (capi !== undefined) return capi;
  capi = null;
  const path = libduckdbPath();
  if (!path) {
    capiWhy = `no libduckdb in @duckdb/node-bindings-${process.platform}-${process.arch}`;
    return capi;
  }
  const koffi = loadKoffi();
  if (!koffi) {
    capiWhy = `koffi did not load: ${koffiError}`;
    return capi;
  }
  try {
    const lib = koffi.load(path);
    koffi.struct('buypath_duckdb_result', { cc: 'uint64_t', rc: 'uint64_t', rch: 'uint64_t', cols: 'void *', err: 'void *', internal: 'void *' });
    capi = {
      open: lib.func('int duckdb_open(const char *path, _Out_ void **db)'),
      close: lib.func('void duckdb_close(_Inout_ void **db)'),
      connect: lib.func('int duckdb_connect(void *db, _Out_ void **con)'),
      disconnect: lib.func('void duckdb_disconnect(_Inout_ void **con)'),
      query: lib.func('int duckdb_query(void *con, const char *sql, _Out_ buypath_duckdb_result *res)'),
      destroyResult: lib.func('void duckdb_destroy_result(_Inout_ buypath_duckdb_result *res)'),
      resultError: lib.func('const char *duckdb_result_error(buypath_duckdb_result *res)'),
      prepare: lib.func('int duckdb_prepare(void *con, const char *sql, _Out_ void **stmt)'),
      prepareError: lib.func('const char *duckdb_prepare_error(void *stmt)'),
      destroyPrepare: lib.func('void duckdb_destroy_prepare(_Inout_ void **stmt)'),
      pendingStreaming: lib.func('int duckdb_pending_prepared_streaming(void *stmt, _Out_ void **pending)'),
      pendingError: lib.func('const char *duckdb_pending_error(void *pending)'),
      destroyPending: lib.func('void duckdb_destroy_pending(_Inout_ void **pending)'),
      executePending: lib.func('int duckdb_execute_pending(void *pending, _Out_ buypath_duckdb_result *res)'),
      columnCount: lib.func('uint64_t duckdb_column_count(buypath_duckdb_result *res)'),
      columnType: lib.func('int duckdb_column_type(buypath_duckdb_result *res, uint64_t col)'),
      // Chunks and vectors as addresses (numbers): no pointer objects made per chunk.
      fetchChunk: lib.func('uintptr_t duckdb_fetch_chunk(buypath_duckdb_result res)'),
      chunkSize: lib.func('uint64_t duckdb_data_chunk_get_size(uintptr_t chunk)'),
      chunkVector: lib.func('uintptr_t duckdb_data_chunk_get_vector(uintptr_t chunk, uint64_t col)'),
      vectorData: lib.func('uintptr_t duckdb_vector_get_data(uintptr_t vector)'),
      vectorValidity: lib.func('uintptr_t duckdb_vector_get_validity(uintptr_t vector)'),
      destroyChunk: lib.func('void duckdb_destroy_data_chunk(_Inout_ uintptr_t *chunk)'),
      // The C library's, as libduckdb links it.
      memcpy: lib.func('void *memcpy(void *dst, uintptr_t src, size_t n)'),
    };
  } catch (e) {
    capi = null;
    capiWhy = `DuckDB's C API did not load from ${path}: ${(e as Error).message.split('\n')[0]}`;
  }
  return capi;
}

/** The C API for a stream: not with BUYPATH_DUCKDB_FFI=0 (read at every stream), nor where it does not load. */
function cApi(): CApi | null {
  return process.env.BUYPATH_DUCKDB_FFI === '0' ? null : loadCApi();
}

/** Why the last stream could not set its database up through the C API ('' when it could). */
let setUpWhy = '';

/** Why chunks are not read through the C API, or '' when they are. */
export function cApiReason(): string {
  if (process.env.BUYPATH_DUCKDB_FFI === '0') return 'BUYPATH_DUCKDB_FFI=0';
  return loadCApi() ? setUpWhy : capiWhy;
}

/** A DuckDB error from the C API (its message names its kind, as the node-api's do). */
function duckError(message: string | null): Error {
  return new Error(message ?? 'DuckDB failed without a message');
}

/**
 * The stream through the C API; null when its database cannot be opened or set up (the reason kept for
 * `cApiReason`): the caller goes through node-bindings then. An error of the query itself is thrown.
 */
function cApiStream(api: CApi, sql: string, settings: string[]): ChunkStream | null {
  const db: unknown[] = [null], con: unknown[] = [null], stmt: unknown[] = [null], pending: unknown[] = [null];
  let result: Record<string, unknown> | null = null;
  let chunk = 0;
  // Chunks handed out: a chunk read after the next one was fetched would read freed memory, so it is refused.
  let handed = 0;
  let done = false;
  const release = () => {
    if (chunk) api.destroyChunk([chunk]);
    chunk = 0;
    if (result) api.destroyResult(result);
    result = null;
    if (pending[0]) api.destroyPending(pending);
    if (stmt[0]) api.destroyPrepare(stmt);
    if (con[0]) api.disconnect(con);
    if (db[0]) api.close(db);
    pending[0] = stmt[0] = con[0] = db[0] = null;
  };
  const setUp = (): string => {
    if (api.open(null, db) !== 0) return 'DuckDB did not open an in-memory database through its C API';
    if (api.connect(db[0], con) !== 0) return 'DuckDB did not connect through its C API';
    for (const s of settings) {
      const r: Record<string, unknown> = {};
      const failed = api.query(con[0], s, r) !== 0;
      const message = failed ? api.resultError(r) : null;
      api.destroyResult(r);
      if (failed) return `${s} failed through the C API: ${message ?? 'no message'}`;
    }
    return '';
  };
  try {
    const why = setUp();
    if (why) {
      release();
      setUpWhy = why;
      return null;
    }
    setUpWhy = '';
    if (api.prepare(con[0], sql, stmt) !== 0) throw duckError(api.prepareError(stmt[0]));
    if (api.pendingStreaming(stmt[0], pending) !== 0) throw duckError(api.pendingError(pending[0]));
    const r: Record<string, unknown> = {};
    if (api.executePending(pending[0], r) !== 0) {
      const message = api.resultError(r);
      api.destroyResult(r);
      throw duckError(message);
    }
    result = r;
  } catch (e) {
    release();
    throw e;
  }
  const res = result!;
  const widths = Array.from({ length: Number(api.columnCount(res)) }, (_, c) => TYPE_WIDTH[api.columnType(res, c)] ?? 0);
  // Per column, the buffers its values and validity are copied into, chunk after chunk (made at first use).
  const buffers: (RawVector & { mask: Uint8Array })[] = [];
  const bufferFor = (col: number): RawVector & { mask: Uint8Array } => {
    if (!buffers[col]) {
      const data = new Uint8Array(VECTOR_ROWS * widths[col]);
      buffers[col] = { data, words: new Int32Array(data.buffer), valid: null, mask: new Uint8Array(VECTOR_ROWS / 8) };
    }
    return buffers[col];
  };
  return {
    how: 'c-api',
    next() {
      handed++;
      if (chunk) api.destroyChunk([chunk]);
      chunk = 0;
      if (done) return null;
      chunk = api.fetchChunk(res);
      const rows = chunk ? Number(api.chunkSize(chunk)) : 0;
      if (rows === 0) {
        done = true;
        const message = api.resultError(res);
        if (message) throw duckError(message);
        return null;
      }
      if (rows > VECTOR_ROWS) throw new Error(`DuckDB handed over ${rows} rows in a chunk, more than ${VECTOR_ROWS}`);
      const c = chunk, mine = handed;
      return {
        rowCount: rows,
        vector(col: number, width: number, nulls = true): RawVector {
          if (mine !== handed || done) throw new Error('a DuckDB chunk read after the next one was asked for, or after the stream closed');
          if (widths[col] !== width) throw new Error(`column ${col} holds ${widths[col]}-byte values, read as ${width}`);
          const v = api.chunkVector(c, col), b = bufferFor(col);
          api.memcpy(b.data, api.vectorData(v), rows * width);
          const m = nulls ? api.vectorValidity(v) : 0;
          if (m) api.memcpy(b.mask, m, Math.ceil(rows / 64) * 8);
          b.valid = m ? b.mask : null;
          return b;
        },
      };
    },
    async close() {
      handed++;
      done = true;
      release();
    },
  };
}

/**
 * Stream `sql`'s result: through DuckDB's C API when it loads (its own in-memory database, with `settings`
 * run first: the query must not depend on anything `con` made), else through `con` (which has the settings).
 */
export async function openChunkStream(con: DuckDBConnection, sql: string, settings: string[]): Promise<ChunkStream> {
  const api = cApi();
  const direct = api && cApiStream(api, sql, settings);
  if (direct) return direct;
  for (const s of settings) await con.run(s);
  return bindingsStream(con, sql);
}
