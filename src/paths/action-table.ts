/**
 * The action table: for each post-click action, how often clicked paths hold
 * it, how much likelier a purchase is with it than without it, and what share
 * of purchases goes through it. Plus the action overlap and the most frequent
 * path variants.
 */
import { ciPair, wilson } from '../stats/intervals';
import { buyRatesOf, countSet, liftInterval, type Cells } from './cells';

/** One row of the action table. */
export interface ActionRow {
  action: string;
  /** Clicked paths holding the action. */
  paths: number;
  /** P(action | click), 95% Wilson interval. */
  rate_given_click: number;
  rate_given_click_ci: [number, number];
  /** P(buy | click, action). */
  buy_rate: number;
  buy_rate_ci: [number, number];
  /** P(buy | click, without the action). */
  buy_rate_without: number;
  buy_rate_without_ci: [number, number];
  /**
   * buy_rate / buy_rate_without (∞ when no purchase happens without the action; `null` in JSON),
   * with a 95% Katz interval that stays finite there (0.5 added to every cell when one is zero).
   */
  lift: number;
  lift_ci: [number, number];
  /** Share of purchases whose path holds the action. */
  buy_coverage: number;
  buy_coverage_ci: [number, number];
}

/** A path variant: the set of actions a clicked path holds, and how often it ends in a purchase. */
export interface PathVariant {
  /** e.g. `click → cart + wish → buy?` */
  label: string;
  actions: string[];
  paths: number;
  share: number;
  buys: number;
  buy_rate: number;
}

/** Action table from the clicked-path cells. */
export function actionTable(actions: string[], cells: Cells): ActionRow[] {
  return actions.map((action, k) => {
    const bit = 1 << k;
    const s = countSet(cells.masks, cells.counts, bit);
    const rate = wilson(s.withSet, s.clicks);
    const { withSet: buy, withoutSet: without } = buyRatesOf(s);
    const cover = wilson(s.buysWithSet, s.buys);
    const lift = liftInterval(s);
    return {
      action, paths: s.withSet,
      rate_given_click: rate.rate, rate_given_click_ci: ciPair(rate),
      buy_rate: buy.rate, buy_rate_ci: ciPair(buy),
      buy_rate_without: without.rate, buy_rate_without_ci: ciPair(without),
      lift: lift.ratio, lift_ci: ciPair(lift),
      buy_coverage: cover.rate, buy_coverage_ci: ciPair(cover),
    };
  });
}

/** Clicked paths holding both actions, for every pair (diagonal: paths holding the action). */
export function actionOverlap(actions: string[], cells: Cells): number[][] {
  return actions.map((_, a) => actions.map((_, b) => {
    let n = 0;
    cells.masks.forEach((m, c) => {
      if (m & (1 << a) && m & (1 << b)) n += cells.counts[2 * c] + cells.counts[2 * c + 1];
    });
    return n;
  }));
}

/** Names of the actions in a bitmask. */
export function actionsIn(actions: string[], mask: number): string[] {
  return actions.filter((_, k) => mask & (1 << k));
}

/** The most frequent path variants (action sets of clicked paths). */
export function pathVariants(actions: string[], cells: Cells, top: number): PathVariant[] {
  const total = cells.counts.reduce((s, v) => s + v, 0);
  const rows: PathVariant[] = Array.from(cells.masks, (m, c) => {
    const names = actionsIn(actions, m);
    const n = cells.counts[2 * c] + cells.counts[2 * c + 1], b = cells.counts[2 * c + 1];
    return { label: `click${names.length ? ' → ' + names.join(' + ') : ''} → buy?`, actions: names, paths: n, share: n / total, buys: b, buy_rate: b / n };
  });
  return rows.sort((x, y) => y.paths - x.paths || (x.label < y.label ? -1 : 1)).slice(0, top);
}
