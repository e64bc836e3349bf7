/**
 * Propose a preset for a log nobody has described yet (`buypath inspect FILE
 * --suggest`): the columns it recognises, the distinct event values with their
 * counts and a guessed event map, and the timestamp style it finds, from the
 * first lines of the file. The proposal is a preset file (data/preset-file.ts)
 * that loads as it is and says in its notes what was guessed, to be checked.
 */
import { existsSync, statSync } from 'node:fs';
import { SUGGEST_DEFAULTS } from '../defaults';
import { LoadError } from '../errors';
import { readParquetRows } from './duckdb';
import type { Preset } from './presets';
import { canonicalColumn, DEFAULT_EVENT_MAP, REQUIRED_COLUMNS, type CanonicalColumn } from './schema';
import { formatFromName, isParquet, readLineBatches, sniffFormat, splitDelimited, type FileFormat } from './text-reader';
import { detectTimestampFormat, parseTimestamp } from './timestamps';

/** What `suggestPreset` found, besides the preset itself. */
export interface Suggestion {
  preset: Preset;
  format: FileFormat;
  header: boolean;
  /** Lines (rows) sampled. */
  sampled: number;
  /** Distinct values of the event column in the sample, most frequent first. */
  events: { value: string; count: number; mapped: string; guessed: boolean }[];
}

/** The first `limit` rows of a file as string fields, with the header line if the file has one. */
async function sampleRows(path: string, limit: number): Promise<{ format: FileFormat; rows: string[][] }> {
  if (isParquet(path)) {
    const rows: string[][] = [];
    for await (const chunk of readParquetRows(path)) {
      if (!rows.length) rows.push(chunk.names);
      rows.push(...chunk.rows.slice(0, limit + 1 - rows.length));
      if (rows.length > limit) break;
    }
    return { format: 'parquet', rows };
  }
  const lines: string[] = [];
  for await (const batch of readLineBatches(path)) {
    for (const l of batch) if (l.trim()) lines.push(l);
    if (lines.length > limit) break;
  }
  if (!lines.length) throw new LoadError(`${path}: expected lines to sample, got an empty file. Pass the log itself (a file with its rows).`);
  const format = formatFromName(path) ?? sniffFormat(lines[0]);
  if (format === 'jsonl') {
    const objs = lines.slice(0, limit).map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return null; } }).filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object');
    const names = [...new Set(objs.flatMap((o) => Object.keys(o)))];
    return { format, rows: [names, ...objs.map((o) => names.map((n) => (o[n] === undefined || o[n] === null ? '' : String(o[n]))))] };
  }
  const delim = format === 'tsv' ? '\t' : ',';
  return { format, rows: lines.slice(0, limit + 1).map((l) => splitDelimited(l, delim) ?? []) };
}

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** A first line is a header when no field of it is a number and it differs in kind from the lines below. */
function looksLikeHeader(first: string[], second: string[] | undefined): boolean {
  if (first.some(isNumber)) return false;
  return !second || second.some(isNumber) || first.some((f) => canonicalColumn(f) !== undefined);
}

/**
 * Canonical roles for the columns of a headerless file, from their values: the timestamp column, the
 * event column (fewest distinct values), then user and item ids (left to right among the rest).
 */
function guessRoles(rows: string[][], width: number): (CanonicalColumn | undefined)[] {
  const roles: (CanonicalColumn | undefined)[] = new Array(width).fill(undefined);
  const column = (j: number) => rows.map((r) => r[j] ?? '');
  const distinct = (j: number) => new Set(column(j)).size;
  const free = () => [...Array(width).keys()].filter((j) => !roles[j]);
  // The timestamp column: every value parses in the style detected for it; the rightmost such column (logs put time last).
  const parses = (j: number) => {
    const values = column(j).filter((v) => v.trim() !== '');
    const style = detectTimestampFormat(values);
    return style !== undefined && values.length > 0 && values.every((v) => Number.isFinite(parseTimestamp(v, style)));
  };
  const ts = free().filter(parses).pop();
  if (ts !== undefined) roles[ts] = 'ts';
  // The event column: values the default vocabulary knows; else, among columns of 2 to maxEventValues values, the most
  // skewed one (views far outnumber every other event, where a category or brand column spreads out).
  const knownShare = (j: number) => column(j).filter((v) => DEFAULT_EVENT_MAP[v.trim().toLowerCase()]).length / rows.length;
  const topShare = (j: number) => {
    const counts = new Map<string, number>();
    for (const v of column(j)) counts.set(v, (counts.get(v) ?? 0) + 1);
    return Math.max(...counts.values()) / rows.length;
  };
  const few = free().filter((j) => distinct(j) >= 2 && distinct(j) <= SUGGEST_DEFAULTS.maxEventValues);
  const ev = few.sort((a, b) => knownShare(b) - knownShare(a) || topShare(b) - topShare(a))[0];
  if (ev !== undefined) roles[ev] = 'event';
  const [u, i] = free();
  if (u !== undefined) roles[u] = 'user_id';
  if (i !== undefined) roles[i] = 'item_id';
  return roles;
}

/**
 * A guessed event map for values the default vocabulary does not know: in e-commerce logs views far
 * outnumber carts, favourites and purchases, so the most frequent unknown value reads as click, the
 * rarest as buy, and those between as cart then wish, by frequency; further ones become actions.
 */
function guessEvents(counts: Map<string, number>): Suggestion['events'] {
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const known = (v: string) => DEFAULT_EVENT_MAP[v.trim().toLowerCase()];
  const unknown = sorted.filter(([v]) => !known(v)).map(([v]) => v);
  const knownTargets = new Set(sorted.map(([v]) => known(v)).filter(Boolean));
  const targets = ['click', 'cart', 'wish'].filter((t) => !knownTargets.has(t));
  const guess = new Map<string, string>();
  if (unknown.length) {
    if (!knownTargets.has('buy') && unknown.length > 1) guess.set(unknown.pop()!, 'buy');
    for (const v of unknown) guess.set(v, targets.shift() ?? `event_${v.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_')}`);
  }
  return sorted.map(([value, count]) => ({ value, count, mapped: known(value) ?? guess.get(value)!, guessed: !known(value) }));
}

/** Propose a preset for `path` from its first lines. */
export async function suggestPreset(path: string, { sampleLines = SUGGEST_DEFAULTS.sampleLines } = {}): Promise<Suggestion> {
  if (!existsSync(path)) throw new LoadError(`${path}: expected an event log file, got nothing at that path. Check the path (relative to the folder you run buypath in).`);
  if (statSync(path).isDirectory()) throw new LoadError(`${path}: expected an event log file, got a directory. Pass one file of it.`);
  const { format, rows } = await sampleRows(path, sampleLines);
  const header = format === 'parquet' || format === 'jsonl' || looksLikeHeader(rows[0], rows[1]);
  const names = header ? rows[0].map((n) => n.trim()) : rows[0].map((_, j) => `col${j + 1}`);
  const body = (header ? rows.slice(1) : rows).slice(0, sampleLines);
  const roles = header ? names.map((n) => canonicalColumn(n)) : guessRoles(body, names.length);
  const notes: string[] = [];
  const preset: Preset = { name: path.replace(/^.*[\\/]/, '').replace(/\..*$/, ''), description: `Suggested by buypath inspect --suggest from the first ${body.length} rows of ${path}; check the guesses in the notes.` };
  if (!header) {
    preset.header = false;
    preset.columns = names.map((n, j) => roles[j] ?? n);
    notes.push(`No header: columns guessed from their values (${preset.columns.join(', ')}).`);
  } else {
    const rename = Object.fromEntries(names.flatMap((n, j) => (roles[j] && roles[j] !== n ? [[n, roles[j]!]] : [])));
    if (Object.keys(rename).length) preset.rename = rename;
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !roles.includes(c));
  if (missing.length) notes.push(`Not recognised: ${missing.join(', ')}. Name the source columns in "rename" (e.g. {"visitor": "user_id"}).`);
  const evIndex = roles.indexOf('event');
  let events: Suggestion['events'] = [];
  if (evIndex >= 0) {
    const counts = new Map<string, number>();
    for (const r of body) counts.set(r[evIndex] ?? '', (counts.get(r[evIndex] ?? '') ?? 0) + 1);
    counts.delete('');
    events = guessEvents(counts);
    const map = Object.fromEntries(events.filter((e) => e.mapped !== DEFAULT_EVENT_MAP[e.value.trim().toLowerCase()]).map((e) => [e.value, e.mapped]));
    if (Object.keys(map).length) preset.eventMap = map;
    const extra = events.map((e) => e.mapped).filter((m) => m.startsWith('event_'));
    if (extra.length) preset.actions = extra;
    notes.push(`Event values in the sample (count → canonical): ${events.map((e) => `${e.value} ${e.count} → ${e.mapped}${e.guessed ? ' (guessed)' : ''}`).join(', ')}.`);
    if (events.some((e) => e.guessed)) notes.push('Guessed by frequency (most frequent → click, rarest → buy, then cart and wish): check "eventMap" against the data\'s documentation.');
  }
  const tsIndex = roles.indexOf('ts');
  if (tsIndex >= 0) {
    const style = detectTimestampFormat(body.map((r) => r[tsIndex] ?? ''));
    if (style) {
      preset.tsFormat = style;
      notes.push(`Timestamps look like ${style} (e.g. "${body[0]?.[tsIndex]}").`);
    } else notes.push(`No timestamp style recognised in column ${names[tsIndex]} (e.g. "${body[0]?.[tsIndex]}"); set "tsFormat".`);
  }
  // Integer-valued feature columns are most often ids (category, brand, shop): read them as categorical.
  const integerIds = names.filter((_, j) => !roles[j] && body.some((r) => (r[j] ?? '') !== '') && body.every((r) => (r[j] ?? '') === '' || /^-?\d+$/.test((r[j] ?? '').trim())));
  if (integerIds.length) {
    const cols = integerIds.map((n) => (header ? n : preset.columns![names.indexOf(n)]));
    preset.categorical = cols;
    notes.push(`Integer columns read as categorical ids: ${cols.join(', ')} (move a quantity to "numeric").`);
  }
  preset.notes = notes;
  return { preset, format, header, sampled: body.length, events };
}
