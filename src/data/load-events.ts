/**
 * Load an event log (CSV/TSV with or without header, JSONL, Parquet; gzip
 * detected) into an arquero table in the canonical schema, with a load report.
 * The reading is `readEvents` (DuckDB, typed columns); the table is built from
 * those columns for notebooks, display and feature building, and remembers
 * them so that `minePaths(table)` walks the typed columns directly.
 */
import type { ColumnTable } from 'arquero';
import { eventTable, type EventLog } from './event-log';
import type { LoadReport } from './load-report';
import { readEvents } from './read-events';
import type { LoadOptions } from './load-options';

export type { LoadOptions } from './load-options';

/** What `loadEvents` returns. */
export interface LoadResult {
  /** Canonical events: user_id, item_id, event, ts (epoch seconds), impression_id?, features. */
  table: ColumnTable;
  /** Rows read and kept, problems per class, detected formats. */
  report: LoadReport;
  /** The same events in typed columns. */
  log: EventLog;
}

const logs = new WeakMap<ColumnTable, EventLog>();

/** The typed log a table was built from by `loadEvents`, if it was. */
export function logOfTable(table: ColumnTable): EventLog | undefined {
  return logs.get(table);
}

/**
 * Load an event log into the canonical schema.
 *
 * @example
 * const { table, report } = await loadEvents('UserBehavior_head.csv', { preset: 'taobao-userbehavior' });
 */
export async function loadEvents(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const started = Date.now();
  const { log, report } = await readEvents(path, options);
  const table = eventTable(log);
  logs.set(table, log);
  report.seconds = (Date.now() - started) / 1000;
  return { table, report, log };
}
