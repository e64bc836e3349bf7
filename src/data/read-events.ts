/**
 * The one way in: DuckDB reads the log (CSV/TSV with or without header,
 * JSONL, Parquet; gzip), splits and checks it in SQL, and hands it over in
 * columnar chunks; the chunks become typed columns (log-builder.ts); rows are
 * grouped, exact duplicates dropped and feature types decided
 * (log-finish.ts). Bad rows are counted by class with their first line
 * numbers in the load report, never silently dropped.
 */
import { statSync } from 'node:fs';
import { LoadError } from '../errors';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from './duckdb';
import { type Source } from './duck-source';
import { openChunkStream, type ChunkStream } from './duck-chunks';
import { openAdapted } from './adapters';
import { compactCodes, type EventLog, type FeatureColumn, type RowGroups } from './event-log';
import type { KeyParts } from './key-groups';
import { resolveLoadOptions, type LoadOptions, type ResolvedLoadOptions } from './load-options';
import { LogBuilder } from './log-builder';
import { dropRows, findDuplicates, formGroups, isNumericFeature, recordDuplicates, sharedInt32, sortGroups } from './log-finish';
import { featureValues } from './duck-source';
import { assertRowsKept, ProblemCollector, type LoadReport } from './load-report';
import { checkLogFile } from './check-file';
import { eventRank } from './schema';
import { READ_DEFAULTS } from '../defaults';

/** Options of `readEvents`: the load options, and what to read. */
export interface ReadOptions extends LoadOptions {
  /** Read the feature columns (default true). Mining needs none: false reads ids, events and times only, and compares features through a 64-bit hash of their text when looking for duplicates. */
  features?: boolean;
  /** Keep impression id values (default: as `features`); without them the log keeps only which rows share an impression. */
  impressionValues?: boolean;
  /** DuckDB memory limit, e.g. '1GB' (DuckDB's default: 80% of RAM). */
  memoryLimit?: string;
}

/** What `readEvents` returns. */
export interface ReadResult {
  log: EventLog;
  report: LoadReport;
}

/**
 * Groups rows and finds exact duplicates on more threads than this one (paths/mine-thread.ts):
 * what `formGroups`, `sortGroups` over every group and `findDuplicates` give.
 */
export interface GroupFinisher {
  /** The rows grouped `by`, each group in time order (in shared memory); when `dedupe`, the exact duplicate pairs [row, first occurrence], in line order. */
  group(log: EventLog, by: RowGroups['by'], dedupe: boolean): Promise<{ groups: RowGroups; pairs: [number, number][] }>;
  /** The first pass of `KeyGroups.finish` (key-groups.ts `allFirstRows` over `keys`: every bucket, or the numbers): the groups found. */
  firstRows(keys: KeyParts, codes: Int32Array): Promise<number>;
}

/** What `streamLog` leaves: the resolved options, the source, the builder (its rows, or the last batch's) and the problems. */
export interface Streamed {
  o: ResolvedLoadOptions;
  src: Source;
  b: LogBuilder;
  problems: ProblemCollector;
}

/**
 * Stream a log through DuckDB into a LogBuilder. With `flush`, the builder hands over its
 * rows whenever it holds `flush.rows` or more (reading in partitions; the read waits for `write`,
 * after which the builder is drained); the last batch stays.
 */
export async function streamLog(
  path: string, options: ReadOptions, how: { features: boolean; keyWords?: boolean; shared?: boolean; flush?: { rows: number; write: (b: LogBuilder) => void | Promise<void> } },
): Promise<Streamed> {
  checkLogFile(path);
  const o = resolveLoadOptions(options);
  const problems = new ProblemCollector(path, o.strict, o.maxProblemLines);
  // An instance of its own, closed at the end: DuckDB's buffers go back before the rows are mined.
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  let src: Source, b: LogBuilder;
  let stream: ChunkStream | null = null;
  // An error writing a batch (disk full, …) is the writer's, not the reader's: it is thrown as it is.
  let flushError: unknown = null;
  try {
    // Let DuckDB's threads read ahead while JavaScript encodes the chunks it has.
    const settings = [`SET streaming_buffer_size=${sqlString(READ_DEFAULTS.streamingBuffer)}`];
    if (options.memoryLimit) {
      const set = `SET memory_limit=${sqlString(options.memoryLimit)}`;
      try {
        await con.run(set); // checked here, where the error can name the option
      } catch (e) {
        throw new LoadError(`memoryLimit: expected a memory size such as '4GB' or '512MB', got ${JSON.stringify(options.memoryLimit)} (DuckDB: ${(e as Error).message.split('\n')[0]}). Pass memoryLimit as a number and a unit.`);
      }
      settings.unshift(set);
    }
    src = await openAdapted(con, path, o, how.features); // OTTO, YOOCHOOSE: through data/adapters.ts
    const expectRows = how.flush ? how.flush.rows + 4096 : src.gzip ? 0 : Math.ceil((statSync(path).size / src.bytesPerLine) * 1.05);
    b = new LogBuilder(src, { eventMap: o.eventMap, actions: o.actions, features: how.features, expectRows, keyWords: how.keyWords, shared: how.shared, tz: o.tz }, problems);
    try {
      stream = await openChunkStream(con, src.sql, settings);
      for (;;) {
        const chunk = await stream.next();
        if (!chunk) break;
        b.add(chunk);
        if (how.flush && b.n >= how.flush.rows) {
          try {
            await how.flush.write(b);
          } catch (e) {
            flushError = e;
            break;
          }
          b.drain();
        }
      }
    } catch (e) {
      if (e instanceof LoadError) throw e;
      throw new LoadError(`${path}: expected a readable ${src.format} file, got an error from DuckDB's reader: ${(e as Error).message.split('\n')[0]}. Check the file's encoding (UTF-8) and line lengths, or convert it to CSV or Parquet.`);
    }
  } finally {
    // A read that stops early (a strict-mode error) waits for the chunk in flight before DuckDB closes.
    if (stream) await stream.close();
    con.closeSync();
    db.closeSync();
  }
  if (flushError) throw flushError;
  if (b.rowsRead === 0) {
    throw new LoadError(`${path}: expected at least one event row, got a header only. Check that the file is the log you meant and that it was fully written.`);
  }
  return { o, src, b, problems };
}

/**
 * Read an event log into typed columns, with its load report. `finisher`: groups are put in time
 * order and duplicates found on more threads (the columns are then held in shared memory).
 *
 * @example
 * const { log, report } = await readEvents('events.csv', { preset: 'buypath', features: false });
 */
export async function readEvents(path: string, options: ReadOptions = {}, finisher?: GroupFinisher): Promise<ReadResult> {
  const started = Date.now();
  const features = options.features ?? true;
  const shared = finisher !== undefined;
  const { o, src, b, problems } = await streamLog(path, options, { features, shared });
  let log = await assemble(b, src, options.impressionValues ?? features, finisher);
  const by = log.impression ? 'impression' : 'user-item';
  let groups: RowGroups, pairs: [number, number][] = [];
  let dropped: number[] = [];
  if (finisher) ({ groups, pairs } = await finisher.group(log, by, o.dedupe));
  else {
    groups = formGroups(log, by);
    sortGroups(log, groups, 0, groups.offsets.length - 1);
    if (o.dedupe) pairs = findDuplicates(log, groups);
  }
  if (o.dedupe) {
    if (pairs.length && !features && src.layout.features.length) {
      // Features were not read: compare them, as text, on the rows that agree on everything else.
      const rows = [...new Set(pairs.flat())];
      const values = await featureValues(path, src, rows.map((r) => log.line[r]));
      const text = new Map(rows.map((r) => [r, JSON.stringify(values.get(log.line[r]))]));
      pairs = findDuplicates(log, groups, (a, b) => text.get(a) === text.get(b));
    }
    const drop = recordDuplicates(log, pairs, problems);
    dropped = pairs.map(([i]) => log.event[i]);
    if (drop) ({ log, groups } = dropRows(log, groups, drop));
  }
  log.groups = groups;
  // Dictionaries of the kept rows only, in order of first appearance (as the table's columns have them):
  // already so when every row read was kept (codes are given in order of first appearance).
  if (log.n < b.rowsRead) {
    log.users = compactCodes(log.user, log.users);
    log.items = compactCodes(log.item, log.items);
    for (const f of log.features) f.dict = compactCodes(f.codes!, f.dict!);
  }
  const types: Record<string, 'categorical' | 'numeric'> = {};
  log.features = log.features.map((f) => {
    const values = f.dict!.values();
    if (!isNumericFeature(f.name, values, o)) return (types[f.name] = 'categorical'), f;
    types[f.name] = 'numeric';
    const num = values.map(Number);
    return { name: f.name, type: 'numeric', values: Float64Array.from(f.codes!, (c) => (c < 0 ? NaN : num[c])) } satisfies FeatureColumn;
  });
  const report = buildReport(path, src, b, builderStats(b, dropped), types, problems, o.notes);
  report.seconds = (Date.now() - started) / 1000;
  assertRowsKept(report);
  return { log, report };
}

async function assemble(b: LogBuilder, src: Source, impressionValues: boolean, finisher?: GroupFinisher): Promise<EventLog> {
  const n = b.n;
  let impression: Int32Array | null = null, impressions = null;
  if (b.impressions) {
    impression = (finisher ? sharedInt32(n) : new Int32Array(n)).fill(-1);
    const groups = finisher ? await finisher.firstRows(b.impressions.parts(), impression) : undefined;
    impressions = b.impressions.finish(impression, impressionValues, groups).dict;
  }
  return {
    n, user: b.user.view(), users: b.users, item: b.item.view(), items: b.items,
    event: b.event.view(), events: b.events, ts: b.ts.view(), impression, impressions, line: b.line.view(),
    features: b.featureCodes.map((g, j) => ({ name: src.layout.features[j].name, type: 'categorical', codes: g.view(), dict: b.featureDicts[j] })),
  };
}

/** Kept rows per event code and their time span. */
export interface KeptStats {
  n: number;
  perCode: Float64Array;
  lo: number;
  hi: number;
}

/**
 * Kept-row statistics from what the builder counted while reading (no pass over the rows), less the
 * `dropped` rows (their event codes): exact duplicates, each of which shares its time with a row kept.
 */
export function builderStats(b: LogBuilder, dropped: ArrayLike<number> = []): KeptStats {
  const perCode = new Float64Array(b.events.length);
  let n = 0;
  for (const raw of b.rawOrder) {
    perCode[b.canonicalCode(raw)] += b.rawCounts[raw];
    n += b.rawCounts[raw];
  }
  for (let k = 0; k < dropped.length; k++) perCode[dropped[k]]--;
  return { n: n - dropped.length, perCode, lo: b.tsLo, hi: b.tsHi };
}

/** The load report of a read log. */
export function buildReport(
  path: string, src: Source, b: LogBuilder, kept: KeptStats, features: Record<string, 'categorical' | 'numeric'>,
  problems: ProblemCollector, notes: string[],
): LoadReport {
  const events = Object.fromEntries(
    b.events.map((e, c) => [e, kept.perCode[c] ?? 0] as const).filter(([, c]) => c > 0).sort(([a, x], [bb, y]) => eventRank(a) - eventRank(bb) || y - x),
  );
  const eventNames = Object.fromEntries(b.rawOrder.map((c) => [b.rawEvents.get(c), { canonical: b.events[b.canonicalCode(c)], count: b.rawCounts[c] }]));
  const dup = problems.problems.duplicate.count;
  return {
    path, format: src.format, gzip: src.gzip, header: src.header, columns: src.columns, mapping: src.mapping, features, ts_format: src.tsFormat, ts_source: src.tsSource,
    rows_read: b.rowsRead,
    rows_kept: kept.n,
    blank_lines: b.blank,
    problems: problems.problems,
    events,
    event_names: eventNames,
    ts_min: kept.n ? new Date(kept.lo * 1000).toISOString() : undefined,
    ts_max: kept.n ? new Date(kept.hi * 1000).toISOString() : undefined,
    notes: dup ? [...notes, `${dup} exact duplicate rows removed (kept their first occurrence).`] : notes,
    seconds: 0,
  };
}
