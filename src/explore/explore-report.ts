/**
 * The exploration views of `buypath mine` in one call: a breakdown by a
 * column, the correlation scan, the transition graph and step matrix, and the
 * time to purchase (per group when broken down).
 */
import type { ColumnTable } from 'arquero';
import { ANALYSE_DEFAULTS, EXPLORE_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import { PATH_FLAGS, type PathSet } from '../paths/path-set';
import { breakdown, type Breakdown } from './breakdown';
import { groupPaths } from './groups';
import { correlationScan, type Scan, type ScanRow } from './scan';
import { eventColumns, pathSequences } from './sequences';
import { stepMatrix, transitionGraph, type StepMatrix, type TransitionGraph } from './transitions';
import { timeToBuy, type TimeToBuyReport } from './time-to-buy';

/** Options of `exploreReport`. */
export interface ExploreOptions extends Partial<Pick<typeof ANALYSE_DEFAULTS, 'minLift' | 'minCoverage' | 'minPaths'>> {
  /** Break down by this column. */
  by?: string;
  /** Run the correlation scan. */
  scan?: boolean;
  /** Build the transition graph and step matrix. */
  graph?: boolean;
  maxGroups?: number;
  bands?: number;
  minSupport?: number;
  fdr?: number;
  replicates?: number;
  seed?: number;
}

/** The exploration views (the keys `buypath mine --json` adds). */
export interface ExploreReport {
  breakdown?: Breakdown;
  /** Scan findings, ranked; the summary and rule are in `scan_summary`. */
  scan?: ScanRow[];
  scan_summary?: Omit<Scan, 'rows'>;
  /** Directly-follows graph of clicked paths, with the step matrix. */
  graph?: TransitionGraph & { step_matrix: StepMatrix };
  /** Absent for paths read from a labelled table's flags, which carry no delays. */
  time_to_buy?: TimeToBuyReport;
}

/** Run the exploration views asked for; `table` (the mined table) is needed for all but the time to purchase. */
export function exploreReport(paths: PathSet, table: ColumnTable | undefined, options: ExploreOptions = {}): ExploreReport {
  const o = withDefaults(EXPLORE_DEFAULTS, options);
  if ((o.by || o.scan || o.graph) && !table) {
    throw new OptionError('exploreReport: expected the event table the paths were mined from (for --by, --scan and --graph), got none. Mine in memory (--engine memory).');
  }
  const groups = o.by ? groupPaths(table!, paths, o.by, { maxGroups: o.maxGroups, bands: o.bands }) : undefined;
  const out: ExploreReport = paths.labelled ? {} : { time_to_buy: timeToBuy(paths, groups, { replicates: o.replicates, seed: o.seed }) };
  if (groups) out.breakdown = breakdown(paths, groups, { minLift: o.minLift, minCoverage: o.minCoverage, minPaths: o.minPaths });
  if (o.scan) {
    const { rows, ...summary } = correlationScan(paths, table, { minSupport: o.minSupport, fdr: o.fdr, bands: o.bands });
    out.scan = rows;
    out.scan_summary = summary;
  }
  if (o.graph) {
    const e = eventColumns(table!, paths);
    const seqs = pathSequences(table!, paths, e);
    const keep = (s: number) => Boolean(paths.flags[s] & PATH_FLAGS.CLICK);
    out.graph = { ...transitionGraph(e, seqs, { keep }), step_matrix: stepMatrix(e, seqs, { keep }) };
  }
  return out;
}
