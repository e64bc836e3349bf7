/**
 * How DuckDB reads a log file: the format, header and columns (decided from
 * the first lines, as a person would), the timestamp format (from the first
 * 1,000 rows), and the one streaming SQL query that parses every line.
 *
 * Text files are read line by line (one VARCHAR per physical line, blank
 * lines as NULL), so that line numbers are stream positions and a quote never
 * spans lines; DuckDB splits the fields (RFC 4180 quoting within the line),
 * checks their count and number-likeness of `ts`, and hands over raw fields.
 */
import { statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LoadError } from '../errors';
import { openDuckDB, sqlString } from './duckdb';
import { openChunkStream } from './duck-chunks';
import { decodeBytes, isValid, valueBytes } from './duck-strings';
import { layoutFor, looksLikeHeader, type ResolvedLoadOptions, type RowLayout } from './load-options';
import { REQUIRED_COLUMNS } from './schema';
import { formatFromName, isGzip, isParquet, readLineBatches, sniffFormat, splitDelimited, type FileFormat } from './text-reader';
import { detectTimestampFormat, isTextTimestamp, type TimestampFormat } from './timestamps';

const TS_SAMPLE = 1000;
/** Whitespace as JavaScript's trim() sees it, as an RE2 class body. */
const WS = '\\s\\x0b\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
/** A value `parseTimestamp` reads as a number (timestamps.ts NUMERIC, around trim). */
const NUMBER_RE = String.raw`\s*[+-]?[0-9]+(\.[0-9]+)?\s*`;
/** A delimiter no text line holds: each physical line arrives whole. */
const LINE_DELIM = "E'\\x1e\\x1f\\x1e\\x1f'";

/** A log file as DuckDB will read it. */
export interface Source {
  format: FileFormat;
  gzip: boolean;
  header: boolean;
  /** Source column names in file order. */
  columns: string[];
  layout: RowLayout;
  mapping: Record<string, string>;
  tsFormat: TimestampFormat;
  /** How the timestamp format was decided: given (an option or preset), detected from the first values, or none detected (read as epoch seconds). */
  tsSource: 'given' | 'detected' | 'none';
  /** Physical line of the header (0: none); earlier lines are blank. */
  headerLine: number;
  /** The streaming query; its columns: k, u, i, e, t, tr, then p (impression), x0… (features, when read), raw (JSONL); see streamSql. */
  sql: string;
  /**
   * Whether `t` holds numeric timestamps over 12 bytes, cast by DuckDB: when the sampled values have one.
   * Otherwise it is null and the reader parses the few long values from their bytes (not casting on every row is cheaper).
   */
  tsLong: boolean;
  /** Whether stream position + 1 is the line number (text) or the row number (Parquet: no blank lines, no header). */
  text: boolean;
  /** File bytes per row, estimated from the first lines (sizes the columns once). */
  bytesPerLine: number;
  /** Field delimiter (CSV/TSV). */
  delim: string;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, (c) => (c === '\t' ? '\\t' : `\\${c}`));

/** First non-blank line and the first `TS_SAMPLE` non-blank lines after it, with the line number of the first. */
async function firstLines(path: string): Promise<{ first: string; firstLine: number; rest: string[] }> {
  let lineNo = 0, first = '', firstLine = 0;
  const rest: string[] = [];
  outer: for await (const batch of readLineBatches(path)) {
    for (const line of batch) {
      lineNo++;
      if (!line.trim()) continue;
      if (!first) {
        first = line;
        firstLine = lineNo;
      } else if (rest.push(line) > TS_SAMPLE) break outer;
    }
  }
  return { first, firstLine, rest };
}

/**
 * Rows a file holds, estimated from its size and its first lines (gzip: assumed 5:1;
 * Parquet: from its metadata).
 */
export async function estimateRows(path: string): Promise<number> {
  const size = statSync(path).size;
  if (isParquet(path)) {
    const con = await openDuckDB();
    try {
      return Number((await con.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${sqlString(path)})`)).getRowObjects()[0].n);
    } finally {
      con.closeSync();
    }
  }
  const { first, rest } = await firstLines(path);
  const bytes = [first, ...rest].reduce((s, l) => s + Buffer.byteLength(l) + 1, 0) / (rest.length + 1);
  return Math.ceil(((isGzip(path) ? 5 : 1) * size) / Math.max(8, bytes));
}

function csvFields(delim: string): string {
  const d = sqlString(delim), D = reEscape(delim);
  const field = `(?:"(?:[^"]|"")*"|[^"${D}][^${D}]*|)`;
  return `CASE WHEN NOT contains(l, '"') THEN string_split(l, ${d})
    WHEN regexp_full_match(${d} || l, '(?:${D}${field})*') THEN list_transform(regexp_extract_all(${d} || l, '${D}(${field.slice(3, -1)})', 1), x -> CASE WHEN starts_with(x, '"') THEN replace(x[2:-2], '""', '"') ELSE x END) END`;
}

/** Whether any sampled timestamp is over 12 bytes (as DuckDB hands values over: longer ones are not inline). */
function hasLong(samples: string[]): boolean {
  return samples.some((s) => Buffer.byteLength(s) > 12);
}

/** The timestamp format: the one given, else the one detected from the sampled values, else epoch seconds (said as such). */
function decideTsFormat(given: TimestampFormat | undefined, samples: string[]): { tsFormat: TimestampFormat; tsSource: Source['tsSource'] } {
  if (given) return { tsFormat: given, tsSource: 'given' };
  const detected = detectTimestampFormat(samples);
  return detected ? { tsFormat: detected, tsSource: 'detected' } : { tsFormat: 'epoch_s', tsSource: 'none' };
}

/**
 * The streamed columns over field expressions `at(index)` (0-based source columns), around an
 * inner query `from` that has `k` (0: a row to read; 1: blank; 3: not parsed; 4 + n: n fields, not as many as
 * the columns): u, i, e, t (ts as a number when over 12 bytes and `tsLong`, before the unit and range checks,
 * which are the caller's, as is reading shorter values from tr; the text of ISO-8601 ones), tr (the raw
 * ts), p, x0…. No costly expression appears twice: DuckDB would evaluate a repeated one once per use.
 */
function streamSql(layout: RowLayout, f: TimestampFormat, tsLong: boolean, features: boolean, at: (i: number) => string, from: string, extra = ''): string {
  const ts = at(layout.ts);
  const cols = [`k`, `${at(layout.user)} AS u`, `${at(layout.item)} AS i`, `${at(layout.event)} AS e`];
  // Values of up to 12 bytes (epoch seconds) are read by the caller from the bytes DuckDB hands over
  // inline (duck-strings.ts inlineNumber); longer ones here (NULL for the others).
  const long = `CASE WHEN regexp_full_match(${ts}, '${NUMBER_RE}') THEN TRY_CAST(${ts} AS DOUBLE) END`;
  cols.push(isTextTimestamp(f) ? `${ts} AS t` : tsLong ? `CASE WHEN strlen(${ts}) > 12 THEN ${long} END AS t` : 'NULL::DOUBLE AS t', `${ts} AS tr`);
  if (layout.impression >= 0) cols.push(`${at(layout.impression)} AS p`);
  if (features) layout.features.forEach((x, j) => cols.push(`${at(x.index)} AS x${j}`));
  if (extra) cols.push(extra);
  return `SELECT ${cols.join(', ')} FROM (${from})`;
}

function lineReader(path: string, gzip: boolean): string {
  return `read_csv(${sqlString(path)}, header=false, columns={'l': 'VARCHAR'}, delim=${LINE_DELIM}, quote='', escape='', auto_detect=false, strict_mode=false, compression=${gzip ? "'gzip'" : "'none'"})`;
}

/**
 * Decide how to read `path`: format, header, columns, timestamp format, and the query.
 * `features`: read feature columns (false: only a hash of them, for duplicates).
 */
export async function openSource(con: DuckDBConnection, path: string, o: ResolvedLoadOptions, features: boolean): Promise<Source> {
  const gzip = isGzip(path);
  let format: FileFormat | undefined = o.format ?? (isParquet(path) ? 'parquet' : formatFromName(path));
  if (format === 'parquet') return parquetSource(con, path, o, features);
  const { first, firstLine, rest } = await firstLines(path);
  const bytesPerLine = Math.max(8, [first, ...rest].reduce((s, l) => s + Buffer.byteLength(l) + 1, 0) / (rest.length + 1));
  if (!first) throw new LoadError(`${path}: expected at least one event row, got an empty file. Check that the file is the log you meant and that it was fully written.`);
  format ??= sniffFormat(first);
  let columns: string[], header: boolean, samples: string[];
  if (format === 'jsonl') {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(first);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('not an object');
    } catch {
      throw new LoadError(`${path}, line ${firstLine}: expected a JSON object per line, got ${JSON.stringify(first.slice(0, 60))}. Fix the first line or pass format "csv".`);
    }
    columns = Object.keys(obj);
    header = true;
    const tsKey = columns[layoutFor(path, columns, o.rename, o.drop).layout.ts];
    samples = [first, ...rest].slice(0, TS_SAMPLE).flatMap((line) => {
      try {
        const o = JSON.parse(line);
        if (o === null || typeof o !== 'object' || Array.isArray(o)) return [];
        return [o[tsKey] === null || o[tsKey] === undefined ? '' : String(o[tsKey])];
      } catch {
        return [];
      }
    });
  } else {
    const delim = o.delimiter ?? (format === 'tsv' ? '\t' : ',');
    const names = splitDelimited(first, delim) ?? first.split(delim);
    header = o.header ?? (o.columns ? false : looksLikeHeader(names, o.rename));
    if (!header && !o.columns) {
      throw new LoadError(
        `${path}: expected a header naming ${REQUIRED_COLUMNS.join(', ')} or the columns option, got a first line of [${names.join(', ')}]. Pass columns (e.g. ["user_id","item_id","category_id","event","ts"]), rename, or a preset such as taobao-userbehavior.`,
      );
    }
    columns = (header ? names : o.columns!).map((n) => n.trim());
    const tsIndex = layoutFor(path, columns, o.rename, o.drop).layout.ts;
    samples = (header ? rest : [first, ...rest]).slice(0, TS_SAMPLE).flatMap((line) => {
      const f = splitDelimited(line, delim);
      return f && f.length === columns.length ? [f[tsIndex]] : [];
    });
    const { layout, mapping } = layoutFor(path, columns, o.rename, o.drop);
    const { tsFormat, tsSource } = decideTsFormat(o.tsFormat, samples);
    const blank = `regexp_full_match(l, '[${WS}]*')`;
    const from = `SELECT (CASE WHEN l IS NULL THEN 1 WHEN f IS NULL THEN (CASE WHEN ${blank} THEN 1 ELSE 3 END)
        WHEN len(f) <> ${columns.length} THEN (CASE WHEN ${blank} THEN 1 ELSE 4 + len(f) END) ELSE 0 END)::INTEGER AS k, f
      FROM (SELECT l, ${csvFields(delim)} AS f FROM ${lineReader(path, gzip)})`;
    const tsLong = hasLong(samples);
    const sql = streamSql(layout, tsFormat, tsLong, features, (i) => `f[${i + 1}]`, from);
    return { format, gzip, header, columns, layout, mapping, tsFormat, tsSource, headerLine: header ? firstLine : 0, sql, tsLong, text: true, bytesPerLine, delim };
  }
  const { layout, mapping } = layoutFor(path, columns, o.rename, o.drop);
  const { tsFormat, tsSource } = decideTsFormat(o.tsFormat, samples);
  const paths = columns.map((k) => sqlString(`$."${k.replace(/["\\]/g, (c) => `\\${c}`)}"`));
  const from = `SELECT (CASE WHEN l IS NULL THEN 1 WHEN f IS NOT NULL THEN 0 WHEN regexp_full_match(l, '[${WS}]*') THEN 1 ELSE 3 END)::INTEGER AS k, f, l
    FROM (SELECT l, CASE WHEN json_valid(l) THEN (CASE WHEN json_type(l) = 'OBJECT' THEN json_extract_string(l, [${paths.join(', ')}]) END) END AS f FROM ${lineReader(path, gzip)})`;
  const tsLong = hasLong(samples);
  const sql = streamSql(layout, tsFormat, tsLong, features, (i) => `f[${i + 1}]`, from, 'CASE WHEN f IS NULL THEN l END AS raw');
  return { format, gzip, header, columns, layout, mapping, tsFormat, tsSource, headerLine: 0, sql, tsLong, text: true, bytesPerLine, delim: ',' };
}

async function parquetSource(con: DuckDBConnection, path: string, o: ResolvedLoadOptions, features: boolean): Promise<Source> {
  const from = `read_parquet(${sqlString(path)})`;
  const columns = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjects().map((r) => String(r.column_name));
  const { layout, mapping } = layoutFor(path, columns, o.rename, o.drop);
  const at = (i: number) => `CAST(${q(columns[i])} AS VARCHAR)`;
  const samples = (await con.runAndReadAll(`SELECT ${at(layout.ts)} AS t FROM ${from} LIMIT ${TS_SAMPLE}`)).getRowObjects().map((r) => (r.t === null ? '' : String(r.t)));
  const { tsFormat, tsSource } = decideTsFormat(o.tsFormat, samples);
  const tsLong = hasLong(samples);
  const sql = streamSql(layout, tsFormat, tsLong, features, at, `SELECT 0 AS k, * FROM ${from}`);
  const rows = Number((await con.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${from}`)).getRowObjects()[0].n);
  const bytesPerLine = statSync(path).size / Math.max(1, rows);
  return { format: 'parquet', gzip: false, header: true, columns, layout, mapping, tsFormat, tsSource, headerLine: 0, sql, tsLong, text: false, bytesPerLine, delim: ',' };
}

/**
 * Feature values (trimmed text, '' for blank) of the given lines (row numbers for Parquet):
 * a second pass over the file, for the few rows whose other fields match another row's
 * when the features were not read.
 */
export async function featureValues(path: string, src: Source, lines: number[]): Promise<Map<number, string[]>> {
  const want = new Set(lines);
  const out = new Map<number, string[]>();
  const names = src.layout.features.map((f) => src.columns[f.index]);
  const con = await openDuckDB();
  try {
    const sql = src.format === 'parquet'
      ? `SELECT ${names.map((n) => `CAST(${q(n)} AS VARCHAR)`).join(', ')} FROM read_parquet(${sqlString(path)})`
      : `SELECT l FROM ${lineReader(path, src.gzip)}`;
    const stream = await openChunkStream(con, sql, []);
    try {
      const width = src.format === 'parquet' ? names.length : 1;
      let pos = 0;
      for (let chunk = await stream.next(); chunk; chunk = await stream.next()) {
        const c = chunk, cols = Array.from({ length: width }, (_, j) => c.vector(j, 16));
        for (let r = 0; r < c.rowCount; r++) {
          if (!want.has(++pos)) continue;
          const text = (j: number) => (isValid(cols[j], r) ? decodeBytes(valueBytes(cols[j].data, cols[j].words, r)) : '');
          if (src.format === 'parquet') out.set(pos, names.map((_, j) => text(j).trim()));
          else if (src.format === 'jsonl') {
            const obj = JSON.parse(text(0));
            out.set(pos, names.map((n) => (obj[n] === null || obj[n] === undefined ? '' : String(obj[n])).trim()));
          } else {
            const f = splitDelimited(text(0), src.delim)!;
            out.set(pos, src.layout.features.map((x) => (f[x.index] ?? '').trim()));
          }
        }
      }
    } finally {
      await stream.close();
    }
  } finally {
    con.closeSync();
  }
  return out;
}
