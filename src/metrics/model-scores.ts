/**
 * Offline scores of a fitted model on its test rows: CVR AUC on clicked rows
 * only, CTCVR AUC and CTR AUC on all impressions (never CVR over impressions).
 */
import { auc, rowsWhere } from './auc';

/** Test labels: purchase and click per row. */
export interface ScoredLabels {
  buy: Float32Array;
  click: Float32Array;
}

/** A model's predictions per row (null where the model does not predict, e.g. pCTR in click space). */
export interface ScoredPredictions {
  pcvr: Float32Array;
  pctcvr: Float32Array | null;
  pctr: Float32Array | null;
}

/** AUCs of one model (NaN where not measurable, e.g. CTR in click space). */
export interface ModelScores {
  cvr_auc: number;
  ctcvr_auc: number;
  ctr_auc: number;
}

/** Score test predictions. In click space every row is clicked. */
export function scoreModel(test: ScoredLabels, p: ScoredPredictions, space: 'impression' | 'click'): ModelScores {
  const clicked = space === 'impression' ? rowsWhere(test.click) : undefined;
  return {
    cvr_auc: auc(test.buy, p.pcvr, clicked),
    ctcvr_auc: p.pctcvr ? auc(test.buy, p.pctcvr) : NaN,
    ctr_auc: p.pctr ? auc(test.click, p.pctr) : NaN,
  };
}
