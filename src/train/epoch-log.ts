/** The record of one training epoch, shared by the trainer, its checkpoints, saved models and plots. */

/** Per-epoch record. */
export interface EpochLog {
  epoch: number;
  train_loss: number;
  /** The model's own loss on the validation rows (ESM2/ESMM: over impressions, mostly the CTR term). */
  val_loss: number;
  /** Log-loss of pCVR on the clicked validation rows (all rows in click space): the early-stopping criterion of every model. */
  val_cvr_logloss: number;
  /** CVR AUC on clicked validation rows, CTCVR AUC on all validation rows (NaN when not measurable). */
  val_cvr_auc: number;
  val_ctcvr_auc: number;
  samples_per_s: number;
  seconds: number;
}
