/**
 * The DAction ablation: which post-click actions to model, measured on the
 * user's own log (the ESM2 paper's cart vs cart ∪ wish comparison, Wen et al.,
 * SIGIR 2020, Section 4.5). For each candidate set of path mining (the single
 * actions with the most purchase coverage, then their greedy unions), ESM2 is
 * trained on the training rows, stopped early on the validation rows, and
 * scored by CVR AUC on the clicked validation rows, with user-bootstrap
 * intervals paired between candidates (the purchases being predicted are the
 * same for every candidate: only the DAction label changes). The set with the
 * highest validation CVR AUC is chosen. Test rows are never scored.
 * This file scores the candidates; pipeline/ablation.ts trains them.
 */
import { ABLATION_DEFAULTS } from '../defaults';
import type { DActionCandidate } from '../paths/choose-dactions';
import { OptionError } from '../errors';
import { bootstrapUsers, weightedAuc, type DerivedStatistic } from './bootstrap-users';
import { f4 } from './paired';

/** One candidate's validation score. */
export interface AblationRow {
  daction: string[];
  kind: 'single' | 'greedy';
  /** CVR AUC of ESM2 on the clicked validation rows, with a user-bootstrap 95% interval. */
  val_cvr_auc: number;
  val_cvr_auc_ci: [number, number];
  /** This candidate minus the chosen one, with a paired interval (0 for the chosen one). */
  diff_vs_chosen: number;
  diff_vs_chosen_ci: [number, number];
  best_epoch: number;
  chosen: boolean;
}

/** The ablation: every candidate's score, the chosen set and why. */
export interface Ablation {
  candidates: AblationRow[];
  chosen: string[];
  rule: string;
  sentence: string;
  /** Validation rows scored: clicked rows and their purchases. */
  validation: { clicked: number; purchases: number };
  replicates: number;
  seed: number;
}

/** Candidate sets to train: the `maxActions` single actions with the most purchase coverage, then the greedy unions up to that size. */
export function ablationCandidates(candidates: DActionCandidate[], maxActions = ABLATION_DEFAULTS.maxActions): { daction: string[]; kind: 'single' | 'greedy' }[] {
  const singles = candidates.filter((c) => c.kind === 'single' && c.buy_coverage > 0)
    .sort((a, b) => b.buy_coverage - a.buy_coverage || a.daction[0].localeCompare(b.daction[0])).slice(0, maxActions);
  const unions = candidates.filter((c) => c.kind === 'greedy' && c.daction.length <= maxActions && c.buy_coverage > 0);
  return [...singles, ...unions].map((c) => ({ daction: c.daction, kind: c.kind }));
}

const label = (d: string[]) => d.join(' ∪ ');

/** The rule, in words. */
export const ABLATION_RULE = 'For each candidate DAction set of path mining on the training period (the single actions with the most purchase coverage, then their greedy unions), ' +
  'ESM2 trains on the training rows and stops early on the validation rows; the set with the highest CVR AUC on the clicked validation rows is chosen. Test rows are not used.';

/** One candidate's validation predictions, as the pipeline's ablation trains them. */
export interface AblationScore {
  daction: string[];
  kind: 'single' | 'greedy';
  /** pCVR on the validation rows. */
  pcvr: Float32Array;
  bestEpoch: number;
}

/**
 * Score the candidates of the DAction ablation (pipeline/ablation.ts trains them): CVR AUC on the clicked
 * validation rows with user-bootstrap intervals, each candidate paired with the best, and the sentence.
 */
export function scoreAblation(scores: AblationScore[], val: { buy: Float32Array; rows: Int32Array; users: string[] }, { seed, replicates }: { seed: number; replicates: number }): Ablation {
  if (!scores.length) throw new OptionError('DAction ablation: expected at least one candidate set, got none. Pass a DAction set (--daction on the CLI, daction in a notebook).');
  const metrics = Object.fromEntries(scores.map((s, i) => [`c${i}`, weightedAuc(val.buy, s.pcvr, val.rows)]));
  const point = scores.map((_, i) => metrics[`c${i}`](null));
  const best = point.reduce((b, v, i) => (v > point[b] ? i : b), 0);
  const derived: Record<string, DerivedStatistic> = Object.fromEntries(scores.map((_, i) => [`d${i}`, (v: Record<string, number>) => v[`c${i}`] - v[`c${best}`]]));
  const boot = bootstrapUsers(metrics, val.users, val.buy.length, { replicates, seed, derived });
  const rows: AblationRow[] = scores.map((s, i) => ({
    daction: s.daction, kind: s.kind, val_cvr_auc: point[i], val_cvr_auc_ci: boot[`c${i}`].ci,
    diff_vs_chosen: i === best ? 0 : boot[`d${i}`].value, diff_vs_chosen_ci: i === best ? [0, 0] : boot[`d${i}`].ci, best_epoch: s.bestEpoch, chosen: i === best,
  }));
  const purchases = Array.from(val.rows).filter((r) => val.buy[r] > 0.5).length;
  const others = rows.filter((r) => !r.chosen);
  const close = others.filter((r) => r.diff_vs_chosen_ci[1] >= 0);
  const sentence = `${label(rows[best].daction)} has the highest validation CVR AUC (${point[best].toFixed(4)}, ${purchases} purchases among ${val.rows.length} clicked validation rows)` +
    (!others.length ? '.' : close.length
      ? `; the paired 95% intervals cannot tell it from ${close.map((r) => `${label(r.daction)} (${f4(r.diff_vs_chosen)} [${f4(r.diff_vs_chosen_ci[0])}, ${f4(r.diff_vs_chosen_ci[1])}])`).join(', ')}, so the choice among these is not established by this log.`
      : `; every other candidate is lower with a paired 95% interval below 0.`);
  return { candidates: rows, chosen: rows[best].daction, rule: ABLATION_RULE, sentence, validation: { clicked: val.rows.length, purchases }, replicates, seed };
}
