/**
 * Path-level groups from a column of the log: the value of the column on the
 * path's own row (its impression, else its click). Categorical columns keep
 * their most frequent values and pool the rest; numeric columns (a price, a
 * rating) are cut into quantile bands.
 */
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { EXPLORE_DEFAULTS, withDefaults } from '../defaults';
import { REQUIRED_COLUMNS, IMPRESSION_ID } from '../data/schema';
import { PATH_FLAGS, type PathSet } from '../paths/path-set';
import { quantileSorted } from '../stats/intervals';
import { columnValues } from './sequences';

/** Label of the pooled rare values. */
export const OTHER = '(other)';
/** Label of paths whose row has no value in the column. */
export const MISSING = '(missing)';

/** Paths split into groups by a column. */
export interface PathGroups {
  column: string;
  kind: 'categorical' | 'numeric';
  /** Group labels: values (most clicked paths first) or bands (ascending), then `(other)` and `(missing)` when present. */
  labels: string[];
  /** Group of each path (index into labels). */
  code: Int32Array;
  /** Band edges of a numeric column (labels[b] covers [edges[b], edges[b+1])), else empty. */
  edges: number[];
  /** Distinct values pooled into `(other)`. */
  pooled: number;
}

/** Options of `groupPaths`. */
export interface GroupOptions {
  /** Categorical values kept as their own group (the rest are pooled into `(other)`). */
  maxGroups?: number;
  /** Quantile bands of a numeric column. */
  bands?: number;
  /** Read the column as categorical or numeric (default: numeric when every value is a number). */
  kind?: 'categorical' | 'numeric';
}

const CANONICAL = new Set<string>([...REQUIRED_COLUMNS, IMPRESSION_ID]);

/** Whether a column holds numbers only (nulls aside): numeric, else categorical. */
export function columnKind(table: ColumnTable, column: string): 'categorical' | 'numeric' {
  return kindOf(columnValues(table, column));
}

function kindOf(a: ArrayLike<unknown>): 'categorical' | 'numeric' {
  let seen = false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    if (typeof v !== 'number') return 'categorical';
    seen = true;
  }
  return seen ? 'numeric' : 'categorical';
}

/** The property columns of a log (every column but user_id, item_id, event, ts, impression_id), with their kind. */
export function propertyColumns(table: ColumnTable): { name: string; kind: 'categorical' | 'numeric' }[] {
  return table.columnNames().filter((c) => !CANONICAL.has(c)).map((name) => ({ name, kind: columnKind(table, name) }));
}

/** The column a breakdown uses by default: a categorical property named like "category", else the first categorical one. */
export function defaultBreakdownColumn(table: ColumnTable): string | undefined {
  const cols = propertyColumns(table).filter((c) => c.kind === 'categorical');
  return (cols.find((c) => /categor/i.test(c.name)) ?? cols[0])?.name;
}

/** The value of `column` on each path's row (the first `limit` paths; all by default). */
export function pathValues(table: ColumnTable, paths: PathSet, column: string, limit = paths.n): unknown[] {
  if (!table.columnNames().includes(column)) {
    throw new OptionError(`column: expected a column of the log (${table.columnNames().join(', ')}), got "${column}". Pass e.g. --by ${propertyColumns(table)[0]?.name ?? 'category'}.`);
  }
  if (paths.n && paths.row[0] < 0) throw new OptionError('groupPaths: expected paths mined in memory (minePaths), whose paths point at their table rows, got paths mined through DuckDB. Mine with minePaths, or pass --engine memory on the CLI.');
  if (!limit) return [];
  const a = columnValues(table, column);
  return Array.from({ length: Math.min(limit, paths.n) }, (_, p) => a[paths.row[p]]);
}

const isMissing = (v: unknown) => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** A number in a band label: four significant digits, no trailing zeros. */
export function fmtEdge(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** Quantile band edges of numbers: `bands` bands, merged where quantiles tie (so at least one band). */
export function quantileEdges(values: ArrayLike<number>, bands: number): number[] {
  const v = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let b = 0; b <= bands; b++) {
    const e = quantileSorted(v, b / bands);
    if (!edges.length || e > edges[edges.length - 1]) edges.push(e);
  }
  if (edges.length === 1) edges.push(edges[0]);
  return edges;
}

/** Band of v: [edges[b], edges[b+1]) with the last band closed (values outside are clamped). */
export function bandOf(edges: number[], v: number): number {
  let b = 0;
  while (b < edges.length - 2 && v >= edges[b + 1]) b++;
  return b;
}


/** Split paths into groups by `column` (see the file comment). */
export function groupPaths(table: ColumnTable, paths: PathSet, column: string, options: GroupOptions = {}): PathGroups {
  const o = withDefaults({ maxGroups: EXPLORE_DEFAULTS.maxGroups, bands: EXPLORE_DEFAULTS.bands }, options);
  if (!(Number.isInteger(o.maxGroups) && o.maxGroups >= 1)) throw new OptionError(`maxGroups: expected a positive integer, got ${o.maxGroups}. Pass e.g. maxGroups: 10.`);
  if (!(Number.isInteger(o.bands) && o.bands >= 1)) throw new OptionError(`bands: expected a positive integer, got ${o.bands}. Pass e.g. bands: 4.`);
  pathValues(table, paths, column, 0); // checks the column and the engine
  const a = columnValues(table, column), row = paths.row;
  const kind = o.kind ?? kindOf(a);
  const code = new Int32Array(paths.n);
  if (kind === 'numeric') {
    const x = new Float64Array(paths.n);
    let missing = 0;
    for (let p = 0; p < paths.n; p++) {
      const v = a[row[p]];
      if (isMissing(v)) { x[p] = NaN; missing++; continue; }
      x[p] = Number(v);
      if (!Number.isFinite(x[p])) throw new OptionError(`${column}: expected numbers to cut into bands, got "${String(v)}". Pass kind: 'categorical'.`);
    }
    const finite = x.filter((v) => !Number.isNaN(v));
    const edges = finite.length ? quantileEdges(finite, o.bands) : [];
    const labels = edges.slice(0, -1).map((e, b) => `[${fmtEdge(e)}, ${fmtEdge(edges[b + 1])}${b === edges.length - 2 ? ']' : ')'}`);
    if (missing) labels.push(MISSING);
    for (let p = 0; p < paths.n; p++) code[p] = Number.isNaN(x[p]) ? labels.length - 1 : bandOf(edges, x[p]);
    return { column, kind, labels, code, edges, pooled: 0 };
  }
  // Categorical: distinct values first (raw, then as text), ranked by clicked paths, then by name (ties do not depend on row order).
  const ids = new Map<string, number>();
  const keys: string[] = [], clicks: number[] = [];
  const id = new Int32Array(paths.n);
  let missing = false;
  for (let p = 0; p < paths.n; p++) {
    const v = a[row[p]];
    if (isMissing(v)) { id[p] = -1; missing = true; continue; }
    const k = typeof v === 'string' ? v : String(v);
    let i = ids.get(k);
    if (i === undefined) { ids.set(k, (i = keys.length)); keys.push(k); clicks.push(0); }
    id[p] = i;
    if (paths.flags[p] & PATH_FLAGS.CLICK) clicks[i]++;
  }
  const ranked = keys.map((_, i) => i).sort((x, y) => clicks[y] - clicks[x] || (keys[x] < keys[y] ? -1 : keys[x] > keys[y] ? 1 : 0));
  const kept = ranked.slice(0, o.maxGroups);
  const labels = kept.map((i) => keys[i]);
  const pooled = ranked.length - kept.length;
  if (pooled) labels.push(OTHER);
  if (missing) labels.push(MISSING);
  const groupOf = new Int32Array(keys.length).fill(pooled ? labels.indexOf(OTHER) : -1);
  kept.forEach((i, g) => (groupOf[i] = g));
  for (let p = 0; p < paths.n; p++) code[p] = id[p] < 0 ? labels.length - 1 : groupOf[id[p]];
  return { column, kind, labels, code, edges: [], pooled };
}

/** The path indices of each group. */
export function groupIndices(g: PathGroups): number[][] {
  const out = g.labels.map(() => [] as number[]);
  g.code.forEach((c, p) => out[c].push(p));
  return out;
}
