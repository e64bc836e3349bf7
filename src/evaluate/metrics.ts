/**
 * Ranking and probability metrics as plain functions on typed arrays, each
 * over an optional row subset with optional row weights (for bootstraps):
 * GAUC, precision/recall/F1 at the global top k%, log-loss, calibration.
 */
import { auc } from './auc';

const rowsOf = (n: number, rows?: ArrayLike<number> | null) => rows ?? Int32Array.from({ length: n }, (_, i) => i);

/**
 * GAUC: the AUC of each user's rows, averaged over users that have both
 * classes, weighted by 1 (`weighting: 'users'`) or by the user's rows
 * (`'impressions'`, as in Zhou et al., DIN, KDD 2018).
 */
export function gauc(labels: ArrayLike<number>, scores: ArrayLike<number>, users: ArrayLike<string | number>, rows?: ArrayLike<number> | null,
  { weighting = 'impressions', weights }: { weighting?: 'users' | 'impressions'; weights?: ArrayLike<number> } = {}): number {
  const byUser = new Map<string | number, number[]>();
  for (const r of Array.from(rowsOf(labels.length, rows))) {
    if (weights && !(weights[r] > 0)) continue;
    const u = users[r];
    const list = byUser.get(u);
    if (list) list.push(r);
    else byUser.set(u, [r]);
  }
  let num = 0, den = 0;
  for (const list of byUser.values()) {
    const a = auc(labels, scores, list, weights);
    if (Number.isNaN(a)) continue;
    const w = weighting === 'users' ? 1 : list.reduce((s, r) => s + (weights ? weights[r] : 1), 0);
    num += w * a;
    den += w;
  }
  return den ? num / den : NaN;
}

/** Precision, recall and F1 when the top `k` fraction of rows by score (globally) is predicted positive. */
export function topK(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number, rows?: ArrayLike<number> | null, weights?: ArrayLike<number>): { precision: number; recall: number; f1: number } {
  const idx = Array.from(rowsOf(labels.length, rows)).filter((r) => !weights || weights[r] > 0);
  // Highest scores first; ties broken by row order, so results are deterministic.
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  const w = (r: number) => (weights ? weights[r] : 1);
  const total = idx.reduce((s, r) => s + w(r), 0);
  const positives = idx.reduce((s, r) => s + (labels[r] > 0.5 ? w(r) : 0), 0);
  const cut = Math.ceil(k * total);
  let taken = 0, tp = 0;
  for (const r of idx) {
    if (taken >= cut) break;
    taken += w(r);
    if (labels[r] > 0.5) tp += w(r);
  }
  const precision = taken ? tp / taken : NaN, recall = positives ? tp / positives : NaN;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Mean binary log-loss, probabilities clipped to [1e-15, 1 − 1e-15] (scikit-learn's convention). */
export function logLoss(labels: ArrayLike<number>, probs: ArrayLike<number>, rows?: ArrayLike<number> | null, weights?: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (const r of Array.from(rowsOf(labels.length, rows))) {
    const w = weights ? weights[r] : 1;
    if (!w) continue;
    const p = Math.min(Math.max(probs[r], 1e-15), 1 - 1e-15);
    s += -w * (labels[r] > 0.5 ? Math.log(p) : Math.log(1 - p));
    n += w;
  }
  return n ? s / n : NaN;
}

/** Calibration by decile of the prediction: mean predicted vs observed rate per bin. */
export function calibration(labels: ArrayLike<number>, probs: ArrayLike<number>, rows?: ArrayLike<number> | null, bins = 10): { predicted: number; observed: number; n: number }[] {
  const idx = Array.from(rowsOf(labels.length, rows)).sort((a, b) => probs[a] - probs[b] || a - b);
  const out: { predicted: number; observed: number; n: number }[] = [];
  for (let b = 0; b < bins; b++) {
    const part = idx.slice(Math.floor((b * idx.length) / bins), Math.floor(((b + 1) * idx.length) / bins));
    if (!part.length) continue;
    out.push({ predicted: part.reduce((s, r) => s + probs[r], 0) / part.length, observed: part.reduce((s, r) => s + (labels[r] > 0.5 ? 1 : 0), 0) / part.length, n: part.length });
  }
  return out;
}
