/**
 * Path mining straight from a file, for logs of any size: DuckDB is the
 * reader (data/read-events.ts: ids, events and times only, in typed columns)
 * and the typed-array walk the miner (mine-paths.ts), the same one as for
 * tables. Logs larger than memory are mined in user partitions
 * (mine-partitions.ts): no path crosses users, so memory holds one partition's
 * events at a time, and the paths.
 */
import { OptionError } from '../errors';
import { PARTITION_DEFAULTS } from '../defaults';
import { readEvents } from '../data/read-events';
import type { LoadOptions } from '../data/load-options';
import type { LoadReport } from '../data/load-report';
import type { TimestampFormat } from '../data/timestamps';
import { minePaths, type MineOptions } from './mine-paths';
import { eventRowsFor, minePartitions, partitionsForRows } from './mine-partitions';
import { MineThread, minePathsOn } from './mine-thread';
import type { PathSet } from './path-set';

/** Options of `minePathsDuckDB`: how to read the file, and how to mine it. */
export interface DuckMineOptions extends MineOptions, LoadOptions {
  /** DuckDB memory limit, e.g. '4GB' (DuckDB spills to disk beyond it). */
  memoryLimit?: string;
  /** User partitions (default: one up to `PARTITION_DEFAULTS.wholeRows` events, else about `PARTITION_DEFAULTS.rows` events each). */
  partitions?: number;
}

/** Rows read and quarantined, per problem class. */
export interface DuckLoadSummary {
  rows_read: number;
  rows_kept: number;
  problems: { malformed_line: number; blank_id: number; unknown_event: number; bad_timestamp: number; duplicate: number };
  ts_format: TimestampFormat;
  /** Partitions the log was mined in. */
  partitions: number;
  /** Seconds reading (DuckDB and the typed columns; partition files written) and walking (partitions read back, grouped, deduplicated, mined). */
  timings: { read: number; walk: number };
  /** The full load report. */
  report: LoadReport;
}

function summary(report: LoadReport, partitions: number, timings: DuckLoadSummary['timings']): DuckLoadSummary {
  const problems = Object.fromEntries(Object.entries(report.problems).map(([k, v]) => [k, v.count])) as DuckLoadSummary['problems'];
  return { rows_read: report.rows_read, rows_kept: report.rows_kept, problems, ts_format: report.ts_format as TimestampFormat, partitions, timings, report };
}

/** Mine the paths of a log file (paths point at no table row: `row` is -1). */
export async function minePathsDuckDB(path: string, options: DuckMineOptions = {}): Promise<{ paths: PathSet; load: DuckLoadSummary }> {
  const rows = await eventRowsFor(path, options);
  const partitions = options.partitions ?? partitionsForRows(rows);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > PARTITION_DEFAULTS.maxParts) {
    throw new OptionError(`partitions: expected a whole number of user partitions from 1 to ${PARTITION_DEFAULTS.maxParts}, got ${partitions}. Leave it out to let the file's size decide.`);
  }
  if (partitions > 1) {
    const { paths, report, timings } = await minePartitions(path, partitions, options);
    return { paths, load: summary(report, partitions, timings) };
  }
  // In one piece, a worker thread takes half of the work after the read (mine-thread.ts).
  const thread = MineThread.start(rows);
  try {
    const { log, report } = await readEvents(path, { ...options, features: false, impressionValues: false }, thread ?? undefined);
    const t0 = Date.now();
    const paths = thread ? await minePathsOn(thread, log, { ...options, rows: false }) : minePaths(log, { ...options, rows: false });
    return { paths, load: summary(report, 1, { read: report.seconds, walk: (Date.now() - t0) / 1000 }) };
  } finally {
    thread?.close();
  }
}
