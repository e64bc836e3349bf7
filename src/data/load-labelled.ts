/**
 * Labelled impression tables: the second input kind, one row per impression
 * with 0/1 flags for the click, each post-click action and the purchase, plus
 * features (the shape of industrial sample tables and public CVR data sets).
 * Read through DuckDB (CSV/TSV, JSONL, Parquet; gzip detected by DuckDB), with
 * ids, an optional time and impression id, the flags and the features.
 * Rows with a blank id, a flag other than 0/1 or a bad time are counted per
 * class and reported, never silently dropped. paths/labelled-paths.ts turns
 * the flags into paths.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { LABELLED_DEFAULTS, LOAD_DEFAULTS } from '../defaults';
import { LoadError, OptionError } from '../errors';
import { openDuckDB, sqlString } from './duckdb';
import type { LoadOptions } from './load-options';
import { canonicalColumn } from './schema';
import { detectTimestampFormat, parseTimestamp, type TimestampFormat } from './timestamps';

/** Which columns hold the flags. Absent names are looked up among LABELLED_DEFAULTS.flags. */
export interface LabelledFlags {
  /** Column of the click flag (default: detected, e.g. `click`, `is_click`). */
  click?: string;
  /** Column of the purchase flag (default: detected, e.g. `buy`, `is_buy`, `conversion`). */
  buy?: string;
  /** Post-click action → its column (e.g. `{ cart: 'is_cart', wish: 'is_fav' }`); absent: detected (cart, wish, share, coupon). */
  actions?: Record<string, string>;
}

/** Load options that apply to labelled tables (the event-only ones, such as eventMap, do not). */
export type LabelledLoadOptions = Pick<LoadOptions, 'format' | 'rename' | 'categorical' | 'numeric' | 'drop' | 'tsFormat' | 'strict' | 'maxProblemLines'>;

const EVENT_ONLY = ['preset', 'columns', 'header', 'eventMap', 'actions', 'dedupe'] as const;

/** The load options that apply to a labelled table, or an OptionError naming those that do not (event-log options). */
export function labelledLoadOptions(load: LoadOptions = {}): LabelledLoadOptions {
  const bad = EVENT_ONLY.filter((k) => load[k] !== undefined);
  if (bad.length) {
    throw new OptionError(`labelled table: expected load options that apply to one (rename, categorical, numeric, drop, ts-format, strict, format), got ${bad.join(', ')}, which read event logs. Leave them out, or name the flags with --labelled (labelled in a notebook).`);
  }
  const { format, rename, categorical, numeric, drop, tsFormat, strict, maxProblemLines } = load;
  return { format, rename, categorical, numeric, drop, tsFormat, strict, maxProblemLines };
}

/** Problem classes of a labelled row; a row is counted in the first that applies. */
export const LABELLED_PROBLEMS = ['blank_id', 'bad_flag', 'bad_timestamp'] as const;
/** One problem class of a labelled row. */
export type LabelledProblem = (typeof LABELLED_PROBLEMS)[number];

/** What the labelled loader reports about a file. */
export interface LabelledLoadReport {
  path: string;
  format: string;
  /** Source column names in file order. */
  columns: string[];
  /** Source column → role (`user_id`, `item_id`, `ts`, `impression_id`, `flag:click`, `flag:<action>`, `flag:buy`). */
  mapping: Record<string, string>;
  features: Record<string, 'categorical' | 'numeric'>;
  /** Timestamp format detected or given; `none` when the table has no time column (rows are in time order). */
  ts_format: TimestampFormat | 'none';
  rows_read: number;
  rows_kept: number;
  /** Count, first data rows (1-based, header excluded) and an example per problem class. */
  problems: Record<LabelledProblem, { count: number; rows: number[]; example: string }>;
  /** Kept rows with each flag set. */
  flags: Record<string, number>;
  notes: string[];
}

/** A labelled table: canonical columns and features in `table`, flags apart (they are labels, never features). */
export interface LabelledTable {
  /** user_id, item_id, ts (epoch seconds, or the row number when the table has no time), impression_id?, features. */
  table: ColumnTable;
  click: Uint8Array;
  buy: Uint8Array;
  /** Post-click action names and their flags, in the same order. */
  actions: string[];
  action: Uint8Array[];
  /** Whether `ts` is the row number (no time column). */
  rowOrder: boolean;
  /** Data row (1-based, header excluded) of each kept row, for messages. */
  row: Int32Array;
  report: LabelledLoadReport;
}

function sourceSql(path: string, format: string): string {
  const p = sqlString(path);
  if (format === 'parquet') return `read_parquet(${p})`;
  if (format === 'jsonl') return `read_json(${p}, format = 'newline_delimited')`;
  return `read_csv(${p}, all_varchar = true, header = true${format === 'tsv' ? ", delim = '\\t'" : ''})`;
}

function formatOf(path: string, given?: string): string {
  if (given) return given;
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(jsonl|ndjson|json)(\.gz)?$/i.test(path)) return 'jsonl';
  if (/\.tsv(\.gz)?$/i.test(path)) return 'tsv';
  return 'csv';
}

/** 1, 0 or -1 (not a flag) for a field: 0/1, 0.0/1.0, true/false. */
export function flagValue(raw: string): number {
  const s = raw.trim().toLowerCase();
  if (s === '1' || s === 'true') return 1;
  if (s === '0' || s === 'false') return 0;
  if (s === '') return -1;
  const n = Number(s);
  return n === 0 || n === 1 ? n : -1;
}

/** Which column holds each flag: the caller's names, else the first column named like it (LABELLED_DEFAULTS.flags). */
function flagColumns(path: string, names: string[], flags: LabelledFlags): { click: string; buy: string; actions: [string, string][] } {
  const lower = new Map(names.map((n) => [n.trim().toLowerCase(), n]));
  const find = (role: string) => LABELLED_DEFAULTS.flags[role]?.map((c) => lower.get(c)).find(Boolean);
  const named = (role: string, col: string | undefined) => {
    if (col === undefined) return undefined;
    if (!names.includes(col)) throw new LoadError(`${path}: expected a ${role} flag column "${col}", got columns [${names.join(', ')}]. Name the column that holds it: --labelled ${role}=COLUMN (labelled: { ${role === 'click' || role === 'buy' ? role : `actions: { ${role}` }: 'COLUMN' } in a notebook).`);
    return col;
  };
  const need = (role: 'click' | 'buy') => {
    const col = named(role, flags[role]) ?? find(role);
    if (!col) throw new LoadError(`${path}: expected a ${role} flag column (one of ${LABELLED_DEFAULTS.flags[role].join(', ')}), got columns [${names.join(', ')}]. Name it: --labelled ${role}=COLUMN on the command line (labelled: { ${role}: 'COLUMN' } in a notebook).`);
    return col;
  };
  const actions: [string, string][] = flags.actions
    ? Object.entries(flags.actions).map(([a, c]) => [a, named(a, c)!])
    : Object.keys(LABELLED_DEFAULTS.flags).filter((r) => r !== 'click' && r !== 'buy').map((r) => [r, find(r)] as [string, string | undefined]).filter((x): x is [string, string] => Boolean(x[1]));
  return { click: need('click'), buy: need('buy'), actions };
}

/**
 * Load a labelled impression table.
 *
 * @example
 * const t = await loadLabelled('samples.csv', { click: 'is_click', buy: 'is_buy', actions: { cart: 'is_cart' } });
 */
export async function loadLabelled(path: string, flags: LabelledFlags = {}, options: LabelledLoadOptions = {}): Promise<LabelledTable> {
  for (const a of Object.keys(flags.actions ?? {})) {
    if (['impression', 'click', 'buy'].includes(a)) throw new OptionError(`labelled actions: expected post-click action names, got "${a}". Name the ${a} flag with ${a}=COLUMN, not as an action.`);
  }
  const format = formatOf(path, options.format);
  const con = await openDuckDB();
  let names: string[], rows: string[][];
  try {
    const r = await con.run(`SELECT COLUMNS(*)::VARCHAR FROM ${sourceSql(path, format)}`);
    names = r.columnNames();
    rows = (await r.getRows()).map((row) => row.map((v) => (v === null ? '' : String(v))));
  } catch (e) {
    throw new LoadError(`${path}: expected a labelled impression table (${format} with a header: user_id, item_id, 0/1 flag columns, features), got an error reading it: ${(e as Error).message.split('\n')[0]}. Check that it is CSV/TSV with a header, JSONL or Parquet, named .csv, .tsv, .jsonl or .parquet (the format follows the name; the format option in the library).`);
  } finally {
    con.closeSync();
  }
  const rename = options.rename ?? {};
  const drop = new Set(options.drop ?? []);
  const fc = flagColumns(path, names, flags);
  const flagCols = new Map<string, string>([[fc.click, 'flag:click'], ...fc.actions.map(([a, c]) => [c, `flag:${a}`] as [string, string]), [fc.buy, 'flag:buy']]);
  const role: Record<string, string> = {};
  const mapping: Record<string, string> = {};
  for (const n of names) {
    if (drop.has(n)) continue;
    const r = flagCols.get(n) ?? rename[n] ?? canonicalColumn(n);
    if (r && r !== 'event' && !Object.values(role).includes(r)) { role[n] = r; mapping[n] = r; }
  }
  const colOf = (r: string) => names.indexOf(Object.keys(role).find((n) => role[n] === r) ?? '');
  const iu = colOf('user_id'), ii = colOf('item_id'), its = colOf('ts'), iimp = colOf('impression_id');
  if (iu < 0 || ii < 0) throw new LoadError(`${path}: expected columns user_id and item_id, got [${names.join(', ')}]. Pass --rename (e.g. uid=user_id,pid=item_id).`);
  const flagIdx = [fc.click, ...fc.actions.map(([, c]) => c), fc.buy].map((c) => names.indexOf(c));
  const flagNames = ['click', ...fc.actions.map(([a]) => a), 'buy'];
  const tsFormat: TimestampFormat | 'none' = its < 0 ? 'none' : options.tsFormat ?? detectTimestampFormat(rows.slice(0, 1000).map((r) => r[its])) ?? 'epoch_s';
  const maxRows = options.maxProblemLines ?? LOAD_DEFAULTS.maxProblemLines;
  const problems = Object.fromEntries(LABELLED_PROBLEMS.map((c) => [c, { count: 0, rows: [] as number[], example: '' }])) as LabelledLoadReport['problems'];
  const problem = (c: LabelledProblem, row: number, msg: string) => {
    if (options.strict) throw new LoadError(`${path}, data row ${row}: ${c.replace('_', ' ')}: ${msg}. Fix the row, or load without --strict to quarantine it.`, { line: row, problem: c });
    const p = problems[c];
    p.count++;
    if (p.rows.length < maxRows) p.rows.push(row);
    if (!p.example) p.example = `row ${row}: ${msg}`;
  };
  const kept: number[] = [], ts: number[] = [];
  const f = flagIdx.map(() => [] as number[]);
  const vals = new Int8Array(flagIdx.length);
  rows.forEach((r, i) => {
    const row = i + 1;
    if (!r[iu].trim() || !r[ii].trim()) return problem('blank_id', row, `user_id "${r[iu]}", item_id "${r[ii]}"`);
    for (let k = 0; k < flagIdx.length; k++) {
      vals[k] = flagValue(r[flagIdx[k]]);
      if (vals[k] < 0) return problem('bad_flag', row, `${flagNames[k]} flag (column ${names[flagIdx[k]]}) is "${r[flagIdx[k]]}", expected 0 or 1`);
    }
    const t = its < 0 ? i : parseTimestamp(r[its], tsFormat as TimestampFormat);
    if (Number.isNaN(t)) return problem('bad_timestamp', row, `${names[its]} "${r[its]}" is not ${tsFormat}`);
    kept.push(i);
    ts.push(t);
    for (let k = 0; k < flagIdx.length; k++) f[k].push(vals[k]);
  });
  if (!kept.length && rows.length) {
    const worst = LABELLED_PROBLEMS.reduce((a, b) => (problems[b].count > problems[a].count ? b : a));
    throw new LoadError(`${path}: expected labelled rows, got none of ${rows.length} kept (${worst}: ${problems[worst].count}, e.g. ${problems[worst].example}). ${worst === 'bad_flag' ? 'Name the flag columns with --labelled click=COL,buy=COL,cart=COL.' : worst === 'bad_timestamp' ? 'Pass --ts-format, or --drop the time column to keep the row order.' : 'Pass --rename to name the id columns.'}`);
  }
  const cols: Record<string, unknown> = {
    user_id: kept.map((i) => rows[i][iu]), item_id: kept.map((i) => rows[i][ii]), ts: Float64Array.from(ts),
  };
  if (iimp >= 0) cols.impression_id = kept.map((i) => rows[i][iimp] || null);
  const features: Record<string, 'categorical' | 'numeric'> = {};
  const flagLike = new Set(Object.values(LABELLED_DEFAULTS.flags).flat());
  const unused: string[] = [];
  names.forEach((n, c) => {
    if (role[n] || drop.has(n) || flagCols.has(n)) return;
    // A flag column that is not modelled is still an outcome: never a feature (it would leak the label).
    if (flagLike.has(n.trim().toLowerCase())) return void unused.push(n);
    const raw = kept.map((i) => rows[i][c]);
    const numeric = options.numeric?.includes(n) || (!options.categorical?.includes(n) && raw.every((v) => v.trim() === '' || Number.isFinite(Number(v))));
    features[n] = numeric ? 'numeric' : 'categorical';
    cols[n] = numeric ? Float64Array.from(raw, (v) => (v.trim() === '' ? NaN : Number(v))) : raw.map((v) => v || null);
  });
  const counts = Object.fromEntries(flagNames.map((n, k) => [n, f[k].reduce((s, v) => s + v, 0)]));
  const notes = [
    `Labelled impression table: one impression per row, flags ${flagNames.map((n, k) => `${n}=${names[flagIdx[k]]}`).join(', ')}; no path is built from events.`,
    its < 0 ? 'No time column: the rows are taken to be in time order, and the time split cuts by row order.' : '',
    unused.length ? `Columns named like flags but not modelled are left out of the features (they are outcomes): ${unused.join(', ')}. Name them with --labelled to model them as actions.` : '',
    counts.click === kept.length ? 'Every kept row is clicked: the click flag carries no information (CTR is 1).' : '',
  ].filter(Boolean);
  const u8 = (k: number) => Uint8Array.from(f[k]);
  return {
    table: aq.table(cols as Record<string, any>),
    click: u8(0), buy: u8(flagIdx.length - 1), actions: fc.actions.map(([a]) => a), action: fc.actions.map((_, k) => u8(k + 1)), rowOrder: its < 0, row: Int32Array.from(kept, (i) => i + 1),
    report: { path, format, columns: names, mapping, features, ts_format: tsFormat, rows_read: rows.length, rows_kept: kept.length, problems, flags: counts, notes },
  };
}

/** One-line-per-fact text summary of a labelled load report. */
export function formatLabelledReport(r: LabelledLoadReport): string {
  const lines = [
    `${r.path}: labelled ${r.format}, timestamps ${r.ts_format === 'none' ? 'none (row order)' : r.ts_format}`,
    `rows read ${r.rows_read}, kept ${r.rows_kept}, quarantined ${r.rows_read - r.rows_kept}`,
    `flags set: ${Object.entries(r.flags).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  for (const c of LABELLED_PROBLEMS) {
    const p = r.problems[c];
    if (p.count) lines.push(`${c}: ${p.count} (rows ${p.rows.join(', ')}${p.count > p.rows.length ? ', …' : ''}); e.g. ${p.example}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
