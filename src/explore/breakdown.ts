/**
 * Breakdowns: the funnel, the action table and the DAction recommendation of
 * each group of paths (a category, a segment, a price band…), with a test of
 * whether an action's lift differs between groups (Cochran's Q on the log
 * ratios) and Benjamini–Hochberg control over the per-group lift tests.
 */
import { ANALYSE_DEFAULTS, withDefaults } from '../defaults';
import { PATH_FLAGS, subsetPaths, type PathSet } from '../paths/path-set';
import { clickedCells, countSet } from '../paths/cells';
import { funnel, type FunnelStep } from '../paths/funnel';
import { actionTable, type ActionRow } from '../paths/action-table';
import { recommend, recommendationRule, type ChooseOptions } from '../paths/choose-dactions';
import { cochranQ, riskRatioPValue, type TwoByTwo } from '../stats/heterogeneity';
import { benjaminiHochberg } from '../stats/multiple-testing';
import { groupIndices, type PathGroups } from './groups';

/** An action-table row of one group, with the test of lift = 1 and its q-value over every group × action. */
export interface GroupActionRow extends ActionRow {
  /** Two-sided Wald p-value of lift = 1 (Katz variance of the log lift). */
  p_value: number;
  /** Benjamini–Hochberg q-value over all groups × actions of the breakdown. */
  q_value: number;
}

/** One group of a breakdown. */
export interface BreakdownGroup {
  value: string;
  /** Paths of the group, and those clicked. */
  paths: number;
  clicked_paths: number;
  buys: number;
  funnel: FunnelStep[];
  actions: GroupActionRow[];
  /** Actions that pass the recommendation rule within the group. */
  recommended: string[];
}

/** Whether an action's lift differs between the groups. */
export interface HeterogeneityRow {
  action: string;
  /** Cochran's Q p-value (χ² with groups − 1 df). */
  p_value: number;
  /** Benjamini–Hochberg q-value over the actions. */
  q_value: number;
  statistic: number;
  df: number;
  /** Groups that entered the test (an arm without paths, or a group without purchases, leaves it out). */
  groups: number;
  i2: number;
  /** The inverse-variance pooled lift. */
  pooled_lift: number;
}

/** A breakdown by one column. */
export interface Breakdown {
  column: string;
  kind: PathGroups['kind'];
  groups: BreakdownGroup[];
  heterogeneity: HeterogeneityRow[];
  /** What the tests and the per-group recommendation mean, in words. */
  rule: string;
}

/** Options of `breakdown`: the recommendation thresholds (defaults: those of `analysePaths`). */
export type BreakdownOptions = Partial<Pick<typeof ANALYSE_DEFAULTS, 'minLift' | 'minCoverage' | 'minPaths'>>;

/** The 2×2 table of buys with and without action bit `bit` among the clicked paths of `cells`. */
function tableOf(masks: Uint32Array, counts: Float64Array, bit: number): TwoByTwo {
  const s = countSet(masks, counts, bit);
  return { a: s.buysWithSet, n1: s.withSet, c: s.buys - s.buysWithSet, n0: s.clicks - s.withSet };
}

/** Break the path analysis down by the groups of `groups` (from `groupPaths`). */
export function breakdown(paths: PathSet, groups: PathGroups, options: BreakdownOptions = {}): Breakdown {
  const o = withDefaults(ANALYSE_DEFAULTS, options);
  const choose: ChooseOptions = { minLift: o.minLift, minCoverage: o.minCoverage, minPaths: o.minPaths, replicates: 0 };
  const tables: TwoByTwo[][] = paths.actions.map(() => []);
  const out: BreakdownGroup[] = groupIndices(groups).map((idx, g) => {
    const sub = subsetPaths(paths, idx);
    const cells = clickedCells(sub);
    const rows = actionTable(paths.actions, cells);
    let clicked = 0, buys = 0;
    for (let p = 0; p < sub.n; p++) if (sub.flags[p] & PATH_FLAGS.CLICK) { clicked++; if (sub.flags[p] & PATH_FLAGS.BUY) buys++; }
    const actions = rows.map((r, k) => {
      const t = tableOf(cells.masks, cells.counts, 1 << k);
      tables[k].push(t);
      return { ...r, p_value: riskRatioPValue(t), q_value: NaN };
    });
    return { value: groups.labels[g], paths: sub.n, clicked_paths: clicked, buys, funnel: funnel(sub).steps, actions, recommended: recommend(rows, choose) };
  });
  const flat = out.flatMap((g) => g.actions);
  benjaminiHochberg(flat.map((r) => r.p_value)).forEach((q, i) => (flat[i].q_value = q));
  const het = paths.actions.map((action, k) => {
    const q = cochranQ(tables[k]);
    return { action, p_value: q.p_value, q_value: NaN, statistic: q.statistic, df: q.df, groups: q.groups, i2: q.i2, pooled_lift: q.pooled };
  });
  benjaminiHochberg(het.map((h) => h.p_value)).forEach((q, i) => (het[i].q_value = q));
  const rule = `Per group: ${recommendationRule(choose)} Each group's lift is tested against 1 (two-sided Wald test on the log lift, Katz variance); ` +
    `q-values are Benjamini–Hochberg over all ${flat.length} group × action tests. Heterogeneity: Cochran's Q on the log lifts of the groups ` +
    `(χ², groups − 1 df; a group without paths on one side or without purchases is left out), with Benjamini–Hochberg q-values over the ${het.length} actions. ` +
    `A small p says the action's lift differs between ${groups.column} groups; a large one does not show that it is the same.`;
  return { column: groups.column, kind: groups.kind, groups: out, heterogeneity: het, rule };
}
