/**
 * ROC AUC as a plain function on typed arrays: the probability that a random
 * positive scores above a random negative, ties counting one half (equal to
 * scikit-learn's roc_auc_score, with or without sample weights).
 */

/**
 * AUC of rows `idx`, already sorted by ascending score, with optional row
 * weights: one pass, ties counting one half. Shared by `auc` and the bootstrap.
 */
export function aucSorted(labels: ArrayLike<number>, scores: ArrayLike<number>, idx: ArrayLike<number>, weights?: ArrayLike<number> | null): number {
  const n = idx.length;
  let negBelow = 0, num = 0, wPos = 0, wNeg = 0;
  for (let i = 0; i < n; ) {
    let j = i, p = 0, q = 0;
    while (j < n && scores[idx[j]] === scores[idx[i]]) {
      const w = weights ? weights[idx[j]] : 1;
      if (labels[idx[j]] > 0.5) p += w;
      else q += w;
      j++;
    }
    num += p * (negBelow + q / 2);
    negBelow += q;
    wPos += p;
    wNeg += q;
    i = j;
  }
  return wPos > 0 && wNeg > 0 ? num / (wPos * wNeg) : NaN;
}

/** Row indices (all rows when absent) sorted by score, ascending or descending, ties by row order. */
export function sortRows(scores: ArrayLike<number>, rows: ArrayLike<number> | null | undefined, n: number, desc = false): Int32Array {
  const idx = rows ? Int32Array.from(rows) : Int32Array.from({ length: n }, (_, i) => i);
  return idx.sort((a, b) => (desc ? scores[b] - scores[a] : scores[a] - scores[b]) || a - b);
}

/**
 * AUC of `scores` against binary `labels` over `rows` (all rows when absent),
 * with optional non-negative row `weights`. NaN when a class is missing.
 */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>, rows?: ArrayLike<number> | null, weights?: ArrayLike<number>): number {
  return aucSorted(labels, scores, sortRows(scores, rows, labels.length), weights);
}

/** Indices of rows whose mask value is positive (e.g. clicked rows for CVR metrics). */
export function rowsWhere(mask: ArrayLike<number>, rows?: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  const n = rows ? rows.length : mask.length;
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i] : i;
    if (mask[r] > 0.5) out.push(r);
  }
  return Int32Array.from(out);
}
