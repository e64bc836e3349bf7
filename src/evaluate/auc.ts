/**
 * ROC AUC as a plain function on typed arrays: the Mann–Whitney statistic
 * with average ranks for tied scores (equal to scikit-learn's roc_auc_score).
 */

/** AUC of `scores` against binary `labels`, over the rows in `rows` (all rows when absent). NaN with one class only. */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>, rows?: ArrayLike<number>): number {
  const n = rows ? rows.length : labels.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = rows ? rows[i] : i;
  idx.sort((a, b) => scores[a] - scores[b]);
  let pos = 0, rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]] > 0.5) { pos++; rankSum += avgRank; }
    i = j + 1;
  }
  const neg = n - pos;
  if (!pos || !neg) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
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
