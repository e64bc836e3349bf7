/**
 * Load an event log (CSV/TSV with or without header, JSONL, Parquet; gzip
 * detected) into an arquero table in the canonical schema, with a load report.
 */
import { existsSync, statSync } from 'node:fs';
import type { ColumnTable } from 'arquero';
import { LoadError } from '../errors';
import { LOAD_DEFAULTS, withDefaults } from '../defaults';
import { canonicalColumn, eventRank, REQUIRED_COLUMNS, type CanonicalColumn } from './schema';
import { formatFromName, isGzip, isParquet, readLineBatches, sniffFormat, splitDelimited, type FileFormat } from './text-reader';
import { EventBuilder, type RowLayout } from './event-builder';
import { ProblemCollector, type LoadReport } from './load-report';
import type { Preset } from './presets';
import { resolvePreset } from './preset-file';
import type { TimestampFormat } from './timestamps';
import { readParquetRows } from './duckdb';

/** Options of `loadEvents`. Preset values apply first, these override them. */
export interface LoadOptions {
  /** A preset name (e.g. `taobao-userbehavior`), a preset file (`my-log.json`, see data/preset-file.ts) or object. */
  preset?: string | Preset;
  /** File format; detected from the name, then the content, when absent. */
  format?: FileFormat;
  /** Whether the first line is a header; detected when absent. */
  header?: boolean;
  /** Column names in file order for files without a header. */
  columns?: string[];
  /** Source column → canonical column (`user_id`, `item_id`, `event`, `ts`, `impression_id`). */
  rename?: Record<string, string>;
  /** Source event name → canonical event name, merged over the default vocabulary. */
  eventMap?: Record<string, string>;
  /** Extra post-click action names accepted as they are. */
  actions?: string[];
  /** Feature columns to read as categorical / numeric regardless of their values. */
  categorical?: string[];
  numeric?: string[];
  /** Columns to leave out. */
  drop?: string[];
  /** Timestamp format; detected from the first 1,000 rows when absent. */
  tsFormat?: TimestampFormat;
  /** Fail on the first bad row instead of quarantining it. Default false. */
  strict?: boolean;
  /** Drop exact duplicate rows (counted as `duplicate`). Default true. */
  dedupe?: boolean;
  /** How many line numbers to keep per problem class. Default 5. */
  maxProblemLines?: number;
}

/** What `loadEvents` returns. */
export interface LoadResult {
  /** Canonical events: user_id, item_id, event, ts (epoch seconds), impression_id?, features. */
  table: ColumnTable;
  /** Rows read and kept, problems per class, detected formats. */
  report: LoadReport;
}

function resolveOptions(options: LoadOptions) {
  const preset: Preset | undefined = options.preset === undefined ? undefined : resolvePreset(options.preset);
  const merged = withDefaults(withDefaults(LOAD_DEFAULTS, preset ?? {}), options);
  return {
    ...merged,
    eventMap: { ...preset?.eventMap, ...options.eventMap },
    rename: { ...preset?.rename, ...options.rename },
    categorical: [...(preset?.categorical ?? []), ...(options.categorical ?? [])],
    numeric: [...(preset?.numeric ?? []), ...(options.numeric ?? [])],
    actions: [...(preset?.actions ?? []), ...(options.actions ?? [])],
    drop: [...(preset?.drop ?? []), ...(options.drop ?? [])],
    notes: preset?.notes ?? [],
  };
}

/** Build the row layout from column names, or throw naming the missing columns. */
function layoutFor(path: string, names: string[], rename: Record<string, string>, drop: string[]): { layout: RowLayout; mapping: Record<string, string> } {
  const found: Partial<Record<CanonicalColumn, number>> = {};
  const mapping: Record<string, string> = {};
  const features: { name: string; index: number }[] = [];
  names.forEach((raw, index) => {
    const name = raw.trim();
    if (drop.includes(name)) return;
    const canon = (rename[name] as CanonicalColumn | undefined) ?? canonicalColumn(name);
    if (canon && found[canon] === undefined) {
      found[canon] = index;
      mapping[name] = canon;
    } else features.push({ name, index });
  });
  const missing = REQUIRED_COLUMNS.filter((c) => found[c] === undefined);
  if (missing.length) {
    throw new LoadError(
      `${path}: expected columns ${REQUIRED_COLUMNS.join(', ')}, got [${names.join(', ')}] (missing ${missing.join(', ')}). ` +
        `Pass rename (e.g. {"visitorid": "user_id"}), columns for a file without header, or a preset.`,
    );
  }
  return {
    layout: { user: found.user_id!, item: found.item_id!, event: found.event!, ts: found.ts!, impression: found.impression_id ?? -1, features },
    mapping,
  };
}

/** True when a first line looks like a header: it names every required column. */
function looksLikeHeader(names: string[], rename: Record<string, string>): boolean {
  const canon = new Set(names.map((n) => rename[n.trim()] ?? canonicalColumn(n)));
  return REQUIRED_COLUMNS.every((c) => canon.has(c));
}

/**
 * Load an event log into the canonical schema.
 *
 * @example
 * const { table, report } = await loadEvents('UserBehavior_head.csv', { preset: 'taobao-userbehavior' });
 */
export async function loadEvents(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const started = Date.now();
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new LoadError(`${path}: expected an event log file, got nothing at that path. Check the path (relative paths start from ${process.cwd()}).`);
  }
  const o = resolveOptions(options);
  const gzip = isGzip(path);
  const problems = new ProblemCollector(path, o.strict, o.maxProblemLines);
  let format: FileFormat | undefined = o.format ?? (isParquet(path) ? 'parquet' : formatFromName(path));
  let builder: EventBuilder | undefined;
  let header = false;
  let columns: string[] = [];
  let mapping: Record<string, string> = {};
  let blank = 0;
  const builderOpts = { eventMap: o.eventMap, actions: o.actions ?? [], tsFormat: o.tsFormat, categorical: o.categorical, numeric: o.numeric ?? [], dedupe: o.dedupe };
  const start = (names: string[]) => {
    columns = names.map((n) => n.trim());
    const l = layoutFor(path, columns, o.rename, o.drop);
    mapping = l.mapping;
    builder = new EventBuilder(l.layout, builderOpts, problems);
  };

  if (format === 'parquet') {
    for await (const { names, rows, offset } of readParquetRows(path)) {
      if (!builder) start(names);
      rows.forEach((r, i) => builder!.add(offset + i + 1, r));
    }
    header = true;
  } else {
    let lineNo = 0;
    let delim = ',';
    let jsonKeys: string[] | undefined;
    for await (const batch of readLineBatches(path)) {
      for (const line of batch) {
        lineNo++;
        if (!line.trim()) {
          blank++;
          continue;
        }
        if (!format) format = sniffFormat(line);
        if (format === 'jsonl') {
          let obj: Record<string, unknown>;
          try {
            obj = JSON.parse(line);
            if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('not an object');
          } catch (e) {
            if (!builder) throw new LoadError(`${path}, line ${lineNo}: expected a JSON object per line, got ${JSON.stringify(line.slice(0, 60))}. Fix the first line or pass format "csv".`);
            builder.add(lineNo, null, `not a JSON object (${(e as Error).message})`);
            continue;
          }
          if (!builder) {
            jsonKeys = Object.keys(obj);
            start(jsonKeys);
            header = true;
          }
          builder!.add(lineNo, jsonKeys!.map((k) => (obj[k] === null || obj[k] === undefined ? '' : String(obj[k]))));
          continue;
        }
        if (!builder) {
          delim = o.delimiter ?? (format === 'tsv' ? '\t' : ',');
          const first = splitDelimited(line, delim) ?? line.split(delim);
          header = o.header ?? (o.columns ? false : looksLikeHeader(first, o.rename));
          if (header) {
            start(first);
            continue;
          }
          if (!o.columns) {
            throw new LoadError(
              `${path}: expected a header naming ${REQUIRED_COLUMNS.join(', ')} or the columns option, got a first line of [${first.join(', ')}]. Pass columns (e.g. ["user_id","item_id","category_id","event","ts"]), rename, or a preset such as taobao-userbehavior.`,
            );
          }
          start(o.columns);
        }
        const fields = splitDelimited(line, delim);
        if (fields === null) builder!.add(lineNo, null, 'a quote is left open');
        else if (fields.length !== columns.length) builder!.add(lineNo, null, `${fields.length} fields where the header has ${columns.length}`);
        else builder!.add(lineNo, fields);
      }
    }
  }
  if (!builder || builder.rowsRead.n === 0) {
    throw new LoadError(
      `${path}: expected at least one event row, got ${builder ? 'a header only' : 'an empty file'}. Check that the file is the log you meant and that it was fully written.`,
    );
  }
  const { table, tsFormat, features } = builder.finish();
  const report = buildReport(path, format ?? 'csv', gzip, header, columns, mapping, features, tsFormat, builder, problems, table, blank, o.notes);
  report.seconds = (Date.now() - started) / 1000;
  return { table, report };
}

function buildReport(
  path: string, format: string, gzip: boolean, header: boolean, columns: string[], mapping: Record<string, string>,
  features: Record<string, 'categorical' | 'numeric'>, tsFormat: string, builder: EventBuilder,
  problems: ProblemCollector, table: ColumnTable, blank: number, notes: string[],
): LoadReport {
  const counts: Record<string, number> = {};
  for (const e of table.array('event') as string[]) counts[e] = (counts[e] ?? 0) + 1;
  const events = Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => eventRank(a) - eventRank(b) || y - x));
  const ts = table.array('ts') as Float64Array;
  let lo = Infinity, hi = -Infinity;
  for (const t of ts) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const dup = problems.problems.duplicate.count;
  const eventNames = Object.fromEntries(builder.eventNames);
  return {
    path, format, gzip, header, columns, mapping, features, ts_format: tsFormat,
    rows_read: builder.rowsRead.n,
    rows_kept: table.numRows(),
    blank_lines: blank,
    problems: problems.problems,
    events,
    event_names: eventNames,
    ts_min: ts.length ? new Date(lo * 1000).toISOString() : undefined,
    ts_max: ts.length ? new Date(hi * 1000).toISOString() : undefined,
    notes: dup ? [...notes, `${dup} exact duplicate rows removed (kept their first occurrence).`] : notes,
    seconds: 0,
  };
}
