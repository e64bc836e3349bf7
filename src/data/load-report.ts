/**
 * The load report: rows read, rows kept, and for each problem class a count,
 * the first line numbers and one example message. Bad rows are quarantined
 * and counted here, never silently dropped.
 */
import { LoadError } from '../errors';

/** Problem classes a row can fall into; a row is counted in the first that applies. */
export const PROBLEM_CLASSES = [
  'malformed_line',
  'blank_id',
  'unknown_event',
  'bad_timestamp',
  'duplicate',
] as const;
/** One problem class. */
export type ProblemClass = (typeof PROBLEM_CLASSES)[number];

/** What the loader records of one problem class. */
export interface ProblemRecord {
  /** Rows in this class. */
  count: number;
  /** The first line numbers (1-based, header included) of rows in this class. */
  lines: number[];
  /** The message of the first row in this class. */
  example: string;
}

/** What `loadEvents` reports about a file. */
export interface LoadReport {
  /** The file read. */
  path: string;
  /** Format read: csv, tsv, jsonl or parquet. */
  format: string;
  /** Whether the file was gzip-compressed. */
  gzip: boolean;
  /** Whether the first line was read as a header. */
  header: boolean;
  /** Source column names in file order. */
  columns: string[];
  /** Source column → canonical column, for the columns that map to one. */
  mapping: Record<string, string>;
  /** Feature columns and their inferred types. */
  features: Record<string, 'categorical' | 'numeric'>;
  /** Timestamp format detected (or given). */
  ts_format: string;
  /** How the timestamp format was decided: `given`, `detected` from the first values, or `none` detected (read as epoch seconds). */
  ts_source?: 'given' | 'detected' | 'none';
  /** Data rows read (blank lines and the header excluded). */
  rows_read: number;
  /** Rows kept in the table. */
  rows_kept: number;
  /** Blank lines skipped. */
  blank_lines: number;
  /** Count, first lines and an example for every problem class (zero counts included). */
  problems: Record<ProblemClass, ProblemRecord>;
  /** Kept rows per canonical event. */
  events: Record<string, number>;
  /** Source event names and the canonical name each was mapped to, with counts. */
  event_names: Record<string, { canonical: string; count: number }>;
  /** Time span of kept rows, ISO-8601 UTC. */
  ts_min?: string;
  ts_max?: string;
  /** Notes from the preset and soft problems that are not row errors. */
  notes: string[];
  /** Seconds spent loading. */
  seconds: number;
}

/** Suggested fix per problem class, used in strict-mode errors and reports. */
export const PROBLEM_FIXES: Record<ProblemClass, string> = {
  malformed_line: 'Fix the quoting or the number of fields on that line, or load leniently (without strict) to quarantine it.',
  blank_id: 'Fill in user_id and item_id, or load leniently to quarantine rows without them.',
  unknown_event: 'Map the name to a canonical event (--event-map addtocart=cart on the command line; eventMap {"addtocart": "cart"} in a notebook\'s load or a preset file), declare it as an action (--actions / actions), or load leniently to quarantine it.',
  bad_timestamp: 'Write ts as epoch seconds, milliseconds or microseconds or as ISO-8601 (2017-11-25T10:00:00Z), name the format (--ts-format / tsFormat), or load leniently to quarantine the row.',
  duplicate: 'Remove the repeated row, keep exact duplicates (--keep-duplicates / keepDuplicates: true), or load leniently to drop them with a count.',
};

/** Collects problems while a file loads; throws on the first one in strict mode. */
export class ProblemCollector {
  readonly problems: Record<ProblemClass, ProblemRecord>;
  constructor(
    private readonly path: string,
    private readonly strict: boolean,
    private readonly maxLines = 5,
  ) {
    this.problems = Object.fromEntries(
      PROBLEM_CLASSES.map((c) => [c, { count: 0, lines: [], example: '' }]),
    ) as unknown as Record<ProblemClass, ProblemRecord>;
  }

  /** Record one bad row; in strict mode throw a LoadError naming the line, the problem and the fix. */
  add(problem: ProblemClass, line: number, message: string): void {
    if (this.strict) {
      throw new LoadError(
        `${this.path}, line ${line}: ${problem.replace('_', ' ')}: ${message}. ${PROBLEM_FIXES[problem]}`,
        { line, problem },
      );
    }
    const rec = this.problems[problem];
    rec.count++;
    if (rec.lines.length < this.maxLines) rec.lines.push(line);
    if (!rec.example) rec.example = `line ${line}: ${message}`;
  }

  /** Total bad rows. */
  total(): number {
    return PROBLEM_CLASSES.reduce((s, c) => s + this.problems[c].count, 0);
  }
}

/** One-line-per-fact text summary of a load report, for terminals and notebooks. */
export function formatLoadReport(r: LoadReport): string {
  const lines = [
    `${r.path}: ${r.format}${r.gzip ? ' (gzip)' : ''}, ${r.header ? 'with header' : 'no header'}, timestamps ${r.ts_source === 'none' ? `not recognised in the first values (read as ${r.ts_format}; pass --ts-format / tsFormat)` : `${r.ts_format}${r.ts_source === 'given' ? ' (given)' : r.ts_source === 'detected' ? ' (detected)' : ''}`}`,
    `rows read ${r.rows_read}, kept ${r.rows_kept}, quarantined ${r.rows_read - r.rows_kept}${r.blank_lines ? `, blank lines ${r.blank_lines}` : ''}`,
    `events: ${Object.entries(r.events).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  for (const c of PROBLEM_CLASSES) {
    const p = r.problems[c];
    if (p.count) lines.push(`${c}: ${p.count} (lines ${p.lines.join(', ')}${p.count > p.lines.length ? ', …' : ''}); e.g. ${p.example}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/**
 * A load that keeps no row is an error, not an empty result: it names every problem class found (none hides
 * another) with its count, the dominant one first, and the fix for each.
 */
export function assertRowsKept(r: LoadReport): void {
  if (r.rows_kept > 0) return;
  const found = PROBLEM_CLASSES.map((c) => [c, r.problems[c]] as const).filter(([, p]) => p.count > 0).sort((a, b) => b[1].count - a[1].count);
  const detail = found.map(([c, p]) => `${c}: ${p.count} rows (e.g. ${p.example}). ${PROBLEM_FIXES[c]}`).join(' ');
  const ts = r.ts_source === 'none' ? ` No timestamp style was recognised in the first values (read as ${r.ts_format}): name it with --ts-format / tsFormat, e.g. '%d.%m.%Y %H:%M'.` : '';
  throw new LoadError(`${r.path}: expected rows to keep, got none of ${r.rows_read} rows read. ${detail || 'No problem class explains it.'}${ts}`);
}

