/**
 * Path mining through DuckDB, for logs too big for memory: DuckDB reads the
 * file, canonicalises it in SQL (vocabulary, timestamps, blank ids, exact
 * duplicates), sorts it by path key and time out of core, and streams it in
 * group order through the same path rules as the in-memory miner (walk.ts).
 * Memory holds the paths, not the events.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDB, sqlString } from '../data/duckdb';
import { canonicalColumn, DEFAULT_EVENT_MAP, FUNNEL_EVENTS, KNOWN_ACTIONS, REQUIRED_COLUMNS } from '../data/schema';
import { detectTimestampFormat, TS_MAX, TS_MIN, type TimestampFormat } from '../data/timestamps';
import { formatFromName, isParquet, readLineBatches, sniffFormat } from '../data/text-reader';
import type { Preset } from '../data/presets';
import { resolvePreset } from '../data/preset-file';
import { LoadError, OptionError } from '../errors';
import { MINE_DEFAULTS, withDefaults } from '../defaults';
import { parseWindow, type MineOptions } from './mine-paths';
import { PathSetBuilder, type PathSet } from './path-set';
import { CODE, PathWalker, TIE_RANK_SQL } from './walk';

/** Options of `minePathsDuckDB`: how to read the file, and how to mine it. */
export interface DuckMineOptions extends MineOptions {
  preset?: string | Preset;
  columns?: string[];
  header?: boolean;
  rename?: Record<string, string>;
  eventMap?: Record<string, string>;
  actions?: string[];
  tsFormat?: TimestampFormat;
  /** DuckDB memory limit, e.g. '4GB' (DuckDB spills to disk beyond it). */
  memoryLimit?: string;
}

/** Rows read and quarantined by DuckDB, per problem class. */
export interface DuckLoadSummary {
  rows_read: number;
  rows_kept: number;
  problems: { malformed_line: number; blank_id: number; unknown_event: number; bad_timestamp: number; duplicate: number };
  ts_format: TimestampFormat;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function all(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await con.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
}

async function sourceSql(path: string, o: DuckMineOptions, preset?: Preset): Promise<string> {
  if (isParquet(path) || formatFromName(path) === 'parquet') return `read_parquet(${sqlString(path)})`;
  let first = '';
  for await (const batch of readLineBatches(path)) { first = batch.find((l) => l.trim()) ?? ''; if (first) break; }
  if (!first) throw new LoadError(`${path}: expected at least one event row, got an empty file. Check the path.`);
  const format = formatFromName(path) ?? sniffFormat(first);
  if (format === 'jsonl') return `read_json(${sqlString(path)}, format='newline_delimited')`;
  const delim = format === 'tsv' ? '\t' : ',';
  const given = o.columns ?? preset?.columns;
  const header = o.header ?? preset?.header ?? (given ? false : true);
  const names = header ? first.split(delim).map((n) => n.trim().replace(/^"|"$/g, '')) : given;
  if (!names) throw new LoadError(`${path}: expected a header or the columns option, got neither. Pass columns or a preset.`);
  const cols = names.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ');
  // Explicit columns and store_rejects: malformed lines are set aside in reject_errors and counted.
  return `read_csv(${sqlString(path)}, header=${header}, delim=${sqlString(delim)}, columns={${cols}}, store_rejects=true)`;
}

function tsExpr(col: string, f: TimestampFormat): string {
  const c = `trim(CAST(${col} AS VARCHAR))`;
  const v = f === 'iso8601'
    ? `epoch(TRY_CAST(CASE WHEN regexp_matches(${c}, '(Z|[+-]\\d{2}:?\\d{2})$') THEN ${c} ELSE ${c} || 'Z' END AS TIMESTAMPTZ))`
    : `TRY_CAST(${c} AS DOUBLE) / ${f === 'epoch_s' ? 1 : f === 'epoch_ms' ? 1e3 : 1e6}`;
  return `CASE WHEN ${v} >= ${TS_MIN} AND ${v} < ${TS_MAX} THEN ${v} END`;
}

async function rejectedLines(con: DuckDBConnection): Promise<number> {
  try {
    return Number((await all(con, 'SELECT count(DISTINCT line)::DOUBLE AS n FROM reject_errors'))[0].n);
  } catch {
    return 0; // no CSV source, no reject table
  }
}

/** Mine the paths of a log file through DuckDB. */
export async function minePathsDuckDB(path: string, options: DuckMineOptions = {}): Promise<{ paths: PathSet; load: DuckLoadSummary }> {
  const o = withDefaults(MINE_DEFAULTS, options);
  const window = parseWindow(o.window);
  const preset = o.preset === undefined ? undefined : resolvePreset(o.preset);
  const con = await openDuckDB();
  try {
    await con.run(`SET TimeZone='UTC'; SET preserve_insertion_order=false;${o.memoryLimit ? ` SET memory_limit=${sqlString(o.memoryLimit)};` : ''}`);
    await con.run(`CREATE TEMP VIEW src AS SELECT * FROM ${await sourceSql(path, o, preset)}`);
    const names = (await all(con, 'DESCRIBE src')).map((r) => String(r.column_name));
    const rename = { ...preset?.rename, ...o.rename };
    const col: Record<string, string> = {};
    for (const n of names) {
      const c = rename[n] ?? canonicalColumn(n);
      if (c && !col[c]) col[c] = q(n);
    }
    const missing = REQUIRED_COLUMNS.filter((c) => !col[c]);
    if (missing.length) throw new LoadError(`${path}: expected columns ${REQUIRED_COLUMNS.join(', ')}, got [${names.join(', ')}] (missing ${missing.join(', ')}). Pass rename, columns or a preset.`);
    const samples = (await all(con, `SELECT CAST(${col.ts} AS VARCHAR) AS t FROM src LIMIT 1000`)).map((r) => String(r.t ?? ''));
    const tsFormat = o.tsFormat ?? preset?.tsFormat ?? detectTimestampFormat(samples) ?? 'epoch_s';
    const vocab: Record<string, string> = { ...DEFAULT_EVENT_MAP };
    for (const e of [...FUNNEL_EVENTS, ...KNOWN_ACTIONS, ...(o.actions ?? [])]) vocab[e.toLowerCase()] = e;
    for (const [k, v] of Object.entries({ ...preset?.eventMap, ...o.eventMap })) vocab[k.trim().toLowerCase()] = v.trim().toLowerCase();
    await con.run(`CREATE TEMP TABLE vocab AS SELECT * FROM (VALUES ${Object.entries(vocab).map(([k, v]) => `(${sqlString(k)}, ${sqlString(v)})`).join(', ')}) t(name, canonical)`);
    const imp = col.impression_id ? `NULLIF(trim(CAST(${col.impression_id} AS VARCHAR)), '')` : 'NULL';
    await con.run(`CREATE TEMP TABLE typed AS SELECT NULLIF(trim(CAST(${col.user_id} AS VARCHAR)), '') AS user_id, NULLIF(trim(CAST(${col.item_id} AS VARCHAR)), '') AS item_id,
      v.canonical AS event, ${tsExpr(col.ts, tsFormat)} AS ts, ${imp} AS impression_id, ${names.map((n) => `CAST(${q(n)} AS VARCHAR)`).join(' || chr(1) || ')} AS raw
      FROM src LEFT JOIN vocab v ON lower(trim(CAST(src.${col.event} AS VARCHAR))) = v.name`);
    const [c] = await all(con, `SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE user_id IS NULL OR item_id IS NULL)::DOUBLE AS blank,
      count(*) FILTER (WHERE user_id IS NOT NULL AND item_id IS NOT NULL AND event IS NULL)::DOUBLE AS unknown,
      count(*) FILTER (WHERE user_id IS NOT NULL AND item_id IS NOT NULL AND event IS NOT NULL AND ts IS NULL)::DOUBLE AS badts FROM typed`);
    await con.run(`CREATE TEMP TABLE clean AS SELECT DISTINCT ON (user_id, item_id, event, ts, impression_id, raw) user_id, item_id, event, ts, impression_id FROM typed
      WHERE user_id IS NOT NULL AND item_id IS NOT NULL AND event IS NOT NULL AND ts IS NOT NULL; DROP TABLE typed`);
    const kept = Number((await all(con, 'SELECT count(*)::DOUBLE AS n FROM clean'))[0].n);
    const malformed = await rejectedLines(con);
    const valid = Number(c.n) - Number(c.blank) - Number(c.unknown) - Number(c.badts);
    const load: DuckLoadSummary = { rows_read: Number(c.n) + malformed, rows_kept: kept, ts_format: tsFormat,
      problems: { malformed_line: malformed, blank_id: Number(c.blank), unknown_event: Number(c.unknown), bad_timestamp: Number(c.badts), duplicate: valid - kept } };
    const actions = (await all(con, `SELECT event, count(*) AS n FROM clean WHERE event NOT IN ('impression', 'click', 'buy') GROUP BY 1 ORDER BY 2 DESC, 1`)).map((r) => String(r.event));
    if (actions.length > 32) throw new OptionError(`minePathsDuckDB: expected at most 32 post-click action names, got ${actions.length}. Map rare actions together with eventMap.`);
    const hasImpCol = Boolean(col.impression_id);
    const mode = o.mode === 'auto' ? (hasImpCol ? 'impression' : 'user-item') : o.mode;
    if (mode === 'impression' && !hasImpCol) throw new OptionError('minePathsDuckDB mode "impression": expected an impression_id column, got none. Use mode "user-item".');
    const hasImpressions = Number((await all(con, `SELECT count(*)::DOUBLE AS n FROM clean WHERE event = 'impression'`))[0].n) > 0;
    await con.run(`CREATE TEMP TABLE users AS SELECT user_id, (row_number() OVER (ORDER BY user_id) - 1)::INTEGER AS u FROM (SELECT DISTINCT user_id FROM clean);
      CREATE TEMP TABLE items AS SELECT item_id, (row_number() OVER (ORDER BY item_id) - 1)::INTEGER AS i FROM (SELECT DISTINCT item_id FROM clean)`);
    const users = (await all(con, 'SELECT user_id FROM users ORDER BY u')).map((r) => String(r.user_id));
    const items = (await all(con, 'SELECT item_id FROM items ORDER BY i')).map((r) => String(r.item_id));
    const evCase = `CASE event WHEN 'impression' THEN 0 WHEN 'click' THEN 1 WHEN 'buy' THEN 2 ${actions.map((a, k) => `WHEN ${sqlString(a)} THEN ${CODE.ACTION0 + k}`).join(' ')} END`;
    const rank = TIE_RANK_SQL;
    const builder = new PathSetBuilder(actions);
    let groupSql: string;
    if (mode === 'impression') {
      const orphans = await all(con, `SELECT user_id, item_id FROM clean WHERE impression_id IS NULL`);
      for (const r of orphans) builder.anomaly('no_impression_id', () => `${r.user_id}/${r.item_id}`);
      await con.run(`CREATE TEMP TABLE imps AS SELECT impression_id, (row_number() OVER (ORDER BY impression_id) - 1)::INTEGER AS g FROM (SELECT DISTINCT impression_id FROM clean WHERE impression_id IS NOT NULL)`);
      groupSql = `SELECT imps.g, users.u, items.i, (${evCase})::UTINYINT AS ev, ts FROM clean JOIN imps USING (impression_id) JOIN users USING (user_id) JOIN items USING (item_id) ORDER BY imps.g, ts, ${rank}`;
    } else {
      groupSql = `SELECT 0 AS g, users.u, items.i, (${evCase})::UTINYINT AS ev, ts FROM clean JOIN users USING (user_id) JOIN items USING (item_id) ORDER BY users.u, items.i, ts, ${rank}`;
    }
    const walker = new PathWalker(builder, { window, preClick: o.preClick, hasImpressions });
    let ev: number[] = [], ts: number[] = [], order: number[] = [];
    let curG = -1, curU = -1, curI = -1, events = 0, end = -Infinity;
    const flush = () => {
      if (!ev.length) return;
      const u = curU, i = curI;
      const key = mode === 'impression' ? () => `user ${users[u]}, item ${items[i]}` : () => `user ${users[u]}, item ${items[i]}`;
      if (mode === 'impression') walker.walkImpression(u, i, key, ev, ts, order, 0, ev.length);
      else walker.walkUserItem(u, i, key, ev, ts, order, 0, ev.length);
      ev = []; ts = []; order = [];
    };
    const result = await con.stream(groupSql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const G = chunk.getColumnValues(0) as number[], U = chunk.getColumnValues(1) as number[], I = chunk.getColumnValues(2) as number[];
      const E = chunk.getColumnValues(3) as number[], T = chunk.getColumnValues(4) as number[];
      for (let r = 0; r < chunk.rowCount; r++) {
        const newGroup = mode === 'impression' ? G[r] !== curG : U[r] !== curU || I[r] !== curI;
        if (newGroup) {
          flush();
          curG = G[r]; curU = U[r]; curI = I[r];
        }
        order.push(ev.length);
        ev.push(E[r]);
        ts.push(T[r]);
        if (T[r] > end) end = T[r];
        events++;
      }
    }
    flush();
    return { paths: builder.finish({ mode, window, preClick: o.preClick, hasImpressions, events, end, users, items }), load };
  } finally {
    con.closeSync();
  }
}
