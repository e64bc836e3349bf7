/**
 * Offline scores of a fitted model on its test rows: CVR AUC on clicked rows
 * only, CTCVR AUC and CTR AUC on all impressions (never CVR over impressions).
 */
import { auc, rowsWhere } from './auc';
import type { TrainData } from '../train/data';
import type { Predictions } from '../train/predict';

/** AUCs of one model (NaN where not measurable, e.g. CTR in click space). */
export interface ModelScores {
  cvr_auc: number;
  ctcvr_auc: number;
  ctr_auc: number;
}

/** Score test predictions. In click space every row is clicked. */
export function scoreModel(test: TrainData, p: Predictions, space: 'impression' | 'click'): ModelScores {
  const clicked = space === 'impression' ? rowsWhere(test.click) : undefined;
  return {
    cvr_auc: auc(test.buy, p.pcvr, clicked),
    ctcvr_auc: p.pctcvr ? auc(test.buy, p.pctcvr) : NaN,
    ctr_auc: p.pctr ? auc(test.click, p.pctr) : NaN,
  };
}
