/**
 * Ranking and probability metrics as plain functions on typed arrays, each
 * over an optional row subset with optional row weights (for bootstraps):
 * GAUC, precision/recall/F1 at the global top k%, log-loss, calibration.
 */
import { auc, sortRows } from './auc';

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

/** Precision, recall and F1 when the first `k` (weighted) share of `idx`, sorted by descending score, is predicted positive. */
export function topKSorted(labels: ArrayLike<number>, idx: ArrayLike<number>, k: number, weights?: ArrayLike<number> | null): { precision: number; recall: number; f1: number } {
  const w = (r: number) => (weights ? weights[r] : 1);
  let total = 0, positives = 0;
  for (let i = 0; i < idx.length; i++) { const x = w(idx[i]); total += x; if (labels[idx[i]] > 0.5) positives += x; }
  const cut = Math.ceil(k * total);
  let taken = 0, tp = 0;
  for (let i = 0; i < idx.length && taken < cut; i++) {
    const x = w(idx[i]);
    if (!x) continue;
    taken += x;
    if (labels[idx[i]] > 0.5) tp += x;
  }
  const precision = taken ? tp / taken : NaN, recall = positives ? tp / positives : NaN;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Precision, recall and F1 when the top `k` fraction of rows by score (globally; ties by row order) is predicted positive. */
export function topK(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number, rows?: ArrayLike<number> | null, weights?: ArrayLike<number>): { precision: number; recall: number; f1: number } {
  return topKSorted(labels, sortRows(scores, rows, labels.length, true), k, weights);
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
