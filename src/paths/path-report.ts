/**
 * The path analysis an analyst reads before deciding what to model: funnel,
 * action table, overlaps, path variants, DAction candidates, the
 * recommendation, and every anomaly and rule that shaped the numbers.
 */
import { ANALYSE_DEFAULTS, withDefaults } from '../defaults';
import { Rng } from '../random';
import { ANOMALY_CLASSES, ANOMALY_MEANING, PATH_FLAGS, type AnomalyClass, type PathSet } from './path-set';
import { clickedCells, countSet, maskOf } from './cells';
import { funnel, type Funnel } from './funnel';
import { actionOverlap, actionTable, pathVariants, type ActionRow, type PathVariant } from './action-table';
import { candidateSets, checkOverride, evaluateCandidate, recommend, recommendationRule, type DActionCandidate } from './choose-dactions';

/** Options of `analysePaths`. */
export interface AnalyseOptions extends Partial<typeof ANALYSE_DEFAULTS> {
  /** The analyst's DAction set, overriding the recommendation. */
  daction?: string[];
}

/** The full path analysis (the JSON of `buypath mine`). */
export interface PathReport {
  mode: PathSet['mode'];
  window_s: number;
  pre_click_rule: PathSet['preClick'];
  has_impressions: boolean;
  /** Whether the paths come from a labelled impression table's flags (one per row), not from events. */
  labelled: boolean;
  seed: number;
  events: number;
  paths: number;
  clicked_paths: number;
  funnel: Funnel;
  actions: ActionRow[];
  overlap: { actions: string[]; paths: number[][] };
  /** Shares of clicked paths holding each DAction (overlapping) and none of them (`other`): the paper's Cart 10% / Wish 3.5% / Other 87%. */
  path_shares: Record<string, number>;
  variants: PathVariant[];
  candidates: DActionCandidate[];
  recommended: string[];
  recommendation_rule: string;
  /** The analyst's override, when given. */
  override: string[] | null;
  /** The DAction set to model: the override, else the recommendation. */
  daction: string[];
  /** Rates of the ESM2 sub-tasks for the chosen set. */
  chosen: DActionCandidate | null;
  anomalies: Record<AnomalyClass, { count: number; examples: string[]; meaning: string }>;
  /** The rules that shape these numbers, in words. */
  notes: string[];
}

/** Analyse mined paths. */
export function analysePaths(paths: PathSet, options: AnalyseOptions = {}): PathReport {
  const o = withDefaults(ANALYSE_DEFAULTS, options);
  const rng = new Rng(o.seed);
  const cells = clickedCells(paths);
  const f = funnel(paths);
  const rows = actionTable(paths.actions, cells);
  const choose = { minLift: o.minLift, minCoverage: o.minCoverage, minPaths: o.minPaths, replicates: o.bootstrap };
  const candidates = candidateSets(paths.actions, cells).map((c) => evaluateCandidate(paths.actions, cells, c.daction, c.kind, f.rates.ctr ?? null, rng.fork('candidates'), o.bootstrap));
  const recommended = recommend(rows, choose);
  if (options.daction) checkOverride(paths.actions, options.daction);
  const daction = options.daction ?? recommended;
  const chosen = daction.length ? evaluateCandidate(paths.actions, cells, daction, 'greedy', f.rates.ctr ?? null, rng.fork('chosen'), o.bootstrap) : null;
  const shares: Record<string, number> = {};
  const clicks = f.counts.click;
  for (const a of daction) shares[a] = countSet(cells.masks, cells.counts, maskOf(paths.actions, [a])).withSet / clicks;
  if (daction.length) shares.other = 1 - countSet(cells.masks, cells.counts, maskOf(paths.actions, daction)).withSet / clicks;
  const anomalies = Object.fromEntries(ANOMALY_CLASSES.map((c) => [c, { ...paths.anomalies[c], meaning: ANOMALY_MEANING[c] }])) as PathReport['anomalies'];
  return {
    mode: paths.mode, window_s: paths.window, pre_click_rule: paths.preClick, has_impressions: paths.hasImpressions, labelled: Boolean(paths.labelled), seed: o.seed,
    events: paths.events, paths: paths.n, clicked_paths: clicks,
    funnel: f, actions: rows, overlap: { actions: paths.actions, paths: actionOverlap(paths.actions, cells) },
    path_shares: shares, variants: pathVariants(paths.actions, cells, o.topVariants), candidates,
    recommended, recommendation_rule: recommendationRule(choose) + (recommended.length ? '' : ' No action passes: ESM2 would reduce to ESMM on this log.'),
    override: options.daction ?? null, daction, chosen, anomalies, notes: notesFor(paths),
  };
}

function notesFor(paths: PathSet): string[] {
  if (paths.labelled) return labelledNotes(paths);
  const days = +(paths.window / 86400).toFixed(2);
  const a = paths.anomalies;
  const notes = [
    paths.mode === 'impression'
      ? `One path per impression_id; events later than ${days} days after the click are not counted (${a.after_window.count}).`
      : `One path per (user, item) and click: a click more than ${days} days after the path's click starts a new path. Rates are per path, not per user-item pair over the whole log; a longer --window approaches pair-level rates.`,
    paths.preClick === 'attach'
      ? `Rule "attach": actions up to ${days} days before the first click of their item count toward that click's path (${a.pre_click_attached.count} actions); their delays are left out of the timings.`
      : `Rule "drop": actions before the click of their item are not counted (${a.pre_click_dropped.count} actions).`,
    `A purchase before the click of its item is never that click's conversion (${a.pre_click_buy.count} purchases left out, under either rule).`,
    `Actions after the purchase do not count toward it (${a.action_after_buy.count}, and ${a.action_same_second_as_buy.count} in the same second as the purchase, counted as after it); a repeated action counts once; rates are over clicked paths only.`,
  ];
  if (a.impression_joined.count) notes.push(`${a.impression_joined.count} impressions inside an open path were followed by another click within the window and joined that path instead of counting as unclicked.`);
  if (a.window_past_log_end.count) {
    notes.push(`${a.window_past_log_end.count} paths start less than ${days} days before the log's last event: their purchases may be cut off by the end of the log. They are in these rates, but left out of training and evaluation.`);
  }
  if (a.buy_without_click.count || a.action_without_click.count) {
    notes.push(`${a.buy_without_click.count} groups with a purchase and ${a.action_without_click.count} with actions but no click to attribute them to are in no rate.`);
  }
  if (a.action_without_click.count) {
    notes.push(`Action rates (P(action | click), P(buy | click, action)) are over clicked paths; actions in groups without a click (e.g. a cart added from a list page) are in none of them, so they differ from pair-level rates whose denominator is every pair holding the action.`);
  }
  if (!paths.hasImpressions) notes.push('The log has no impressions: CTR and impression-level rates cannot be measured; the funnel starts at the click.');
  const pre = paths.n ? Array.from(paths.flags).filter((x) => x & PATH_FLAGS.PRE_CLICK).length : 0;
  if (pre) notes.push(`${pre} clicked paths hold actions that came before their click.`);
  return notes;
}

/** Notes of paths read from a labelled table's flags: no event rule applied, what the flags cannot show. */
function labelledNotes(paths: PathSet): string[] {
  const a = paths.anomalies;
  const notes = [
    'One path per row of a labelled impression table, read from its 0/1 flags: no attribution window or pre-click rule applies, and the flags carry no delays (no timings).',
    `A purchase or an action on a row without a click is in no rate and is no label (${a.buy_without_click.count} rows with a purchase, ${a.action_without_click.count} with actions but no click).`,
  ];
  if (paths.labelled!.rowOrder) notes.push('The table has no time column: rows are taken to be in time order, and the training period is the first rows.');
  return notes;
}
