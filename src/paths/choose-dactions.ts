/**
 * Choosing the deterministic actions (DAction, ESM2, Wen et al. SIGIR 2020,
 * Section 3.1): for candidate sets, the positive rate of each ESM2 sub-task
 * against click→buy, and a recommended set chosen by a stated rule.
 */
import { ciPair } from '../stats/intervals';
import { bootstrapCells } from '../stats/bootstrap';
import type { Rng } from '../random';
import { OptionError } from '../errors';
import { buyRatesOf, countSet, maskOf, type Cells } from './cells';
import type { ActionRow } from './action-table';

/** Sub-task rates of one candidate DAction set. */
export interface DActionCandidate {
  /** The actions of the set. */
  daction: string[];
  /** How the set was formed: `single` or `greedy`. */
  kind: 'single' | 'greedy';
  /** impression→click (null without impressions): ESM2's first tower. */
  ctr: number | null;
  /** click→DAction: P(any action of the set | click), with a bootstrap interval. */
  click_to_daction: number;
  click_to_daction_ci: [number, number];
  /** DAction→buy: P(buy | click, DAction). */
  daction_to_buy: number;
  daction_to_buy_ci: [number, number];
  /** OAction→buy: P(buy | click, no action of the set). */
  oaction_to_buy: number;
  oaction_to_buy_ci: [number, number];
  /** click→buy, for comparison. */
  click_to_buy: number;
  /** DAction positives per purchase = click→DAction / click→buy: how much denser ESM2's second tower's labels are than click→buy (the paper's data-ratio gain, ~11). */
  data_ratio: number;
  /** Share of purchases whose path holds an action of the set. */
  buy_coverage: number;
}

/** Thresholds of the recommendation rule. */
export interface ChooseOptions {
  minLift: number;
  minCoverage: number;
  minPaths: number;
  replicates: number;
}

const pct = (v: number) => `${+(100 * v).toFixed(2)}%`;

/** The recommendation rule, in words. */
export function recommendationRule(o: ChooseOptions): string {
  return `An action is deterministic when, among clicked paths, a purchase is at least ${o.minLift}× as likely with it as without it ` +
    `(the lower end of the 95% Katz interval of its lift, finite even when no purchase happens without the action), at least ${pct(o.minCoverage)} of purchases go through it, ` +
    `and at least ${o.minPaths} clicked paths hold it. The recommended DAction set is the union of the deterministic actions.`;
}

/** Evaluate one candidate set. */
export function evaluateCandidate(actions: string[], cells: Cells, daction: string[], kind: 'single' | 'greedy', ctr: number | null, rng: Rng, replicates: number): DActionCandidate {
  const set = maskOf(actions, daction);
  const s = countSet(cells.masks, cells.counts, set);
  const boot = (f: (c: Float64Array) => number, label: string) => ciPair(bootstrapCells(cells.counts, f, rng.fork(`${label}:${daction.join('+')}`), replicates));
  const { withSet: d, withoutSet: o } = buyRatesOf(s);
  return {
    daction, kind, ctr,
    click_to_daction: s.withSet / s.clicks,
    click_to_daction_ci: boot((c) => { const x = countSet(cells.masks, c, set); return x.withSet / x.clicks; }, 'c2d'),
    daction_to_buy: d.rate, daction_to_buy_ci: ciPair(d),
    oaction_to_buy: o.rate, oaction_to_buy_ci: ciPair(o),
    click_to_buy: s.buys / s.clicks,
    data_ratio: s.withSet / s.buys,
    buy_coverage: s.buysWithSet / s.buys,
  };
}

/** Candidate sets: each action alone, then greedy unions adding the action that adds most purchase coverage. */
export function candidateSets(actions: string[], cells: Cells): { daction: string[]; kind: 'single' | 'greedy' }[] {
  const out: { daction: string[]; kind: 'single' | 'greedy' }[] = actions.map((a) => ({ daction: [a], kind: 'single' as const }));
  const chosen: string[] = [];
  while (chosen.length < actions.length) {
    let best: string | undefined, bestCover = -1;
    for (const a of actions) {
      if (chosen.includes(a)) continue;
      const cover = countSet(cells.masks, cells.counts, maskOf(actions, [...chosen, a])).buysWithSet;
      if (cover > bestCover) { bestCover = cover; best = a; }
    }
    chosen.push(best!);
    if (chosen.length > 1) out.push({ daction: [...chosen], kind: 'greedy' });
  }
  return out;
}

/** The actions that pass the rule, in order of purchase coverage. */
export function recommend(rows: ActionRow[], o: ChooseOptions): string[] {
  return rows
    .filter((r) => r.lift_ci[0] >= o.minLift && r.buy_coverage >= o.minCoverage && r.paths >= o.minPaths)
    .sort((a, b) => b.buy_coverage - a.buy_coverage)
    .map((r) => r.action);
}

/** Check an analyst's DAction override against the actions of the log. */
export function checkOverride(actions: string[], daction: string[]): void {
  const unknown = daction.filter((a) => !actions.includes(a));
  if (unknown.length || !daction.length) {
    throw new OptionError(`daction: expected post-click actions of this log (${actions.join(', ') || 'none'}), got "${daction.join(',')}". Pass e.g. --daction ${actions.slice(0, 2).join(',')}.`);
  }
}
