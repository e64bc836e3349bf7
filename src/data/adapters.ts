/**
 * Adapters for public logs whose shape is not one row per event: OTTO (one
 * JSON session per line, events nested in an array) and YOOCHOOSE (clicks and
 * buys in two files). DuckDB rewrites the input once into a temporary
 * canonical Parquet file (user_id, item_id, event, ts, all as the text the
 * source holds) that the ordinary reader then reads and checks, so every bad
 * row is still counted by the reader's problem classes: a line the adapter
 * cannot take apart arrives as one row with blank ids (`blank_id`).
 *
 * Rows keep the source's order (OTTO: each session's events in file order;
 * YOOCHOOSE: the clicks file, then the buys file), blank lines left out; the
 * load report's line numbers count these rows. The temporary files live in
 * one folder per process, removed when the process exits.
 */
import { mkdtempSync, realpathSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LoadError } from '../errors';
import { openDuckDB, sqlString } from './duckdb';
import { openSource, type Source } from './duck-source';
import type { ResolvedLoadOptions } from './load-options';
import { ADAPTERS, type AdapterName } from './presets';
import { isGzip } from './text-reader';


/** A delimiter no text line holds: each physical line arrives whole (as in duck-source.ts). */
const LINE_DELIM = "E'\\x1e\\x1f\\x1e\\x1f'";

/** Every non-blank physical line of a text file (gzip detected), as `l`, in file order. */
function lines(path: string): string {
  const reader = `read_csv(${sqlString(path)}, header=false, columns={'l': 'VARCHAR'}, delim=${LINE_DELIM}, quote='', escape='', auto_detect=false, strict_mode=false, compression=${isGzip(path) ? "'gzip'" : "'none'"})`;
  return `SELECT l FROM ${reader} WHERE l IS NOT NULL AND trim(l) <> ''`;
}

/**
 * OTTO (Kaggle "OTTO – Multi-Objective Recommender System"): one session per line,
 * `{"session": 1, "events": [{"aid": 5, "ts": 1661724000278, "type": "clicks"}, ...]}`.
 * One row per event; a line that is not such an object gives one blank row.
 */
function ottoSql(path: string): string {
  const events = `from_json(j -> '$.events', '[{"aid": "VARCHAR", "ts": "VARCHAR", "type": "VARCHAR"}]')`;
  return `SELECT user_id, e.aid AS item_id, e.type AS event, e.ts AS ts FROM (
      SELECT json_extract_string(j, '$.session') AS user_id, unnest(CASE WHEN j IS NULL THEN [NULL] ELSE ${events} END) AS e
      FROM (SELECT CASE WHEN json_valid(l) AND json_type(l) = 'OBJECT' AND json_type(l, '$.events') = 'ARRAY' THEN l::JSON END AS j FROM (${lines(path)})))`;
}

/**
 * YOOCHOOSE (RecSys Challenge 2015): yoochoose-clicks.dat (session, timestamp, item, category)
 * and yoochoose-buys.dat (session, timestamp, item, price, quantity), no header. Clicks, then
 * buys; a line with another number of fields gives one blank row.
 */
function yoochooseSql(clicks: string, buys: string): string {
  const part = (path: string, fields: number, event: string) =>
    `SELECT CASE WHEN len(f) = ${fields} THEN f[1] END AS user_id, CASE WHEN len(f) = ${fields} THEN f[3] END AS item_id,
      CASE WHEN len(f) = ${fields} THEN '${event}' END AS event, CASE WHEN len(f) = ${fields} THEN f[2] END AS ts
      FROM (SELECT string_split(l, ',') AS f FROM (${lines(path)}))`;
  return `${part(clicks, 4, 'click')} UNION ALL ${part(buys, 5, 'buy')}`;
}

/** The buys file beside a YOOCHOOSE clicks file: the same name with `clicks` read as `buys`. */
export function yoochooseBuys(clicks: string): string {
  const name = basename(clicks);
  const at = name.lastIndexOf('clicks');
  if (at < 0) {
    throw new LoadError(
      `${clicks}: expected the YOOCHOOSE clicks file (a name with "clicks", e.g. yoochoose-clicks.dat, its buys file yoochoose-buys.dat beside it), got "${name}". Pass the clicks file; the preset yoochoose finds the buys file next to it.`,
    );
  }
  const buys = join(dirname(clicks), name.slice(0, at) + 'buys' + name.slice(at + 'clicks'.length));
  if (!existsSync(buys) || !statSync(buys).isFile()) {
    throw new LoadError(`${clicks}: expected the YOOCHOOSE buys file beside it at ${buys}, got nothing there. Put yoochoose-buys.dat in the same folder as the clicks file (under the clicks file's name with "clicks" replaced by "buys").`);
  }
  return buys;
}

/** One adapted file: the canonical Parquet file, its rows and the source bytes it came from. */
interface Adapted {
  path: string;
  rows: number;
  bytes: number;
}

let folder: string | undefined;
let written = 0;
const done = new Map<string, Promise<Adapted>>();

function tempFolder(): string {
  if (!folder) {
    folder = mkdtempSync(join(tmpdir(), 'buypath-adapted-'));
    const dir = folder;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return folder;
}

/**
 * Rewrite `path` through `adapter` into a canonical Parquet file (once per file version and
 * process): user_id, item_id, event, ts as text, in the source's order.
 */
export function adaptLog(path: string, adapter: AdapterName): Promise<Adapted> {
  if (!ADAPTERS.includes(adapter)) throw new LoadError(`${path}: expected an adapter among ${ADAPTERS.join(', ')}, got "${adapter}". Use a built-in preset (buypath presets lists them).`);
  const sources = adapter === 'yoochoose' ? [path, yoochooseBuys(path)] : [path];
  const key = [adapter, ...sources.map((p) => `${realpathSync(p)}:${statSync(p).size}:${statSync(p).mtimeMs}`)].join('|');
  let job = done.get(key);
  if (!job) {
    job = (async () => {
      const out = join(tempFolder(), `${written++}-${adapter}.parquet`);
      const sql = adapter === 'otto' ? ottoSql(path) : yoochooseSql(sources[0], sources[1]);
      const con = await openDuckDB();
      try {
        await con.run('SET preserve_insertion_order=true');
        await con.run(`COPY (${sql}) TO ${sqlString(out)} (FORMAT parquet)`);
        const rows = Number((await con.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${sqlString(out)})`)).getRowObjects()[0].n);
        return { path: out, rows, bytes: sources.reduce((s, p) => s + statSync(p).size, 0) };
      } catch (e) {
        if (e instanceof LoadError) throw e;
        throw new LoadError(`${sources.join(' and ')}: expected ${adapter === 'otto' ? 'OTTO JSONL sessions' : 'YOOCHOOSE clicks and buys files'} that DuckDB can read, got an error: ${(e as Error).message.split('\n')[0]}. Check the file's encoding (UTF-8) and that it was fully written.`);
      } finally {
        con.closeSync();
      }
    })();
    done.set(key, job);
    job.catch(() => done.delete(key));
  }
  return job;
}

/**
 * `openSource` for a log its preset reads through an adapter (OTTO, YOOCHOOSE): the adapted
 * Parquet file's source, sized by `path`'s bytes; any other log: `openSource` itself.
 */
export async function openAdapted(con: DuckDBConnection, path: string, o: ResolvedLoadOptions & { adapter?: AdapterName }, features: boolean): Promise<Source> {
  if (!o.adapter) return openSource(con, path, o, features);
  const a = await adaptLog(path, o.adapter);
  const src = await openSource(con, a.path, { ...o, format: 'parquet' }, features);
  // The reader sizes its columns by `path`'s bytes over bytes per row.
  return { ...src, bytesPerLine: statSync(path).size / Math.max(1, a.rows) };
}
