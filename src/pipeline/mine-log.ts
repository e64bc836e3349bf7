/**
 * Pipeline: a log file to its mined paths and path report (load → mine →
 * analyse), on either engine. The CLI (`buypath mine`), the notebooks and the
 * benchmarks call this instead of chaining the stages themselves.
 */
import type { ColumnTable } from 'arquero';
import { loadEvents, type LoadOptions } from '../data/load-events';
import type { LoadReport } from '../data/load-report';
import { labelledLoadOptions, type LabelledFlags, type LabelledLoadReport } from '../data/load-labelled';
import { loadLabelledPaths } from '../paths/labelled-paths';
import { MINE_DEFAULTS } from '../defaults';
import { OptionError } from '../errors';
import { minePathsDuckDB } from '../paths/mine-duckdb';
import { minePaths, type MineOptions } from '../paths/mine-paths';
import type { PathSet } from '../paths/path-set';
import { analysePaths, type AnalyseOptions, type PathReport } from '../paths/path-report';

/** The mining engines: both read through DuckDB and mine with one walk; `memory` also builds the table (features). */
export const ENGINES = ['auto', 'memory', 'duckdb'] as const;
/** One of ENGINES. */
export type Engine = (typeof ENGINES)[number];

/** Options of `mineLog`. */
export interface MineLogOptions {
  /** How to read the file (preset, columns, event map, …). */
  load?: LoadOptions;
  /** Path rules (window, mode, pre-click rule). */
  mine?: MineOptions;
  /** Options of the analysis (DAction override, bootstrap, seed). */
  analyse?: AnalyseOptions;
  /** `auto` (default): the file engine (`duckdb`); `memory` when the caller needs the table. */
  engine?: Engine;
  /** Read the file as a labelled impression table (one row per impression, 0/1 flags; data/load-labelled.ts), not as events: which columns hold the flags (`{}`: detected). */
  labelled?: LabelledFlags;
}

/** What `mineLog` returns. */
export interface MinedLog {
  engine: 'memory' | 'duckdb';
  paths: PathSet;
  /** The canonical table (memory engine only). */
  table?: ColumnTable;
  /** Rows read and kept, and the full load report (a labelled table's report: `labelled`). */
  load: { rows_read: number; rows_kept: number; report?: LoadReport; labelled?: LabelledLoadReport };
  report: PathReport;
}

/**
 * The engine `auto` picks: `duckdb`, the file engine (DuckDB reads ids, events and times into
 * typed columns, the typed-array walk mines them, in partitions when the log is larger than
 * memory); `memory` also reads the features into a table, for the views that need one.
 */
export function chooseEngine(engine: Engine = 'auto'): 'memory' | 'duckdb' {
  if (engine === 'memory' || engine === 'duckdb') return engine;
  if (engine !== 'auto') throw new OptionError(`engine: expected ${ENGINES.join(', ')}, got "${engine}".`);
  return 'duckdb';
}

/** Load a log, mine its paths and analyse them. */
export async function mineLog(file: string, options: MineLogOptions = {}): Promise<MinedLog> {
  if (options.labelled) {
    const { labelled, paths } = await loadLabelledPaths(file, options.labelled, labelledLoadOptions(options.load));
    const r = labelled.report;
    return { engine: 'memory', paths, table: labelled.table, load: { rows_read: r.rows_read, rows_kept: r.rows_kept, labelled: r }, report: analysePaths(paths, options.analyse) };
  }
  const engine = chooseEngine(options.engine);
  const mine = { window: MINE_DEFAULTS.window, preClick: MINE_DEFAULTS.preClick, ...options.mine };
  let paths: PathSet, table: ColumnTable | undefined, load: MinedLog['load'];
  if (engine === 'duckdb') {
    ({ paths, load } = await minePathsDuckDB(file, { ...options.load, ...mine }));
  } else {
    const loaded = await loadEvents(file, options.load);
    table = loaded.table;
    load = { rows_read: loaded.report.rows_read, rows_kept: loaded.report.rows_kept, report: loaded.report };
    paths = minePaths(loaded.table, mine);
  }
  return { engine, paths, table, load, report: analysePaths(paths, options.analyse) };
}
