/**
 * ESM2: Entire Space Multi-Task Model via post-click behaviour decomposition.
 * Wen, Zhang, Lin, Zhang, Chen, Hu, Zhang. "Entire Space Multi-Task Modeling via
 * Post-Click Behavior Decomposition for Conversion Rate Prediction", SIGIR 2020,
 * arXiv:1910.07099.
 *
 * Four towers over shared embeddings, each ending in a sigmoid:
 *   y1 = p(click | impression), y2 = p(DAction | click),
 *   y3 = p(buy | DAction), y4 = p(buy | other action).
 * Composition (probabilities are multiplied, never logits):
 *   pCTR = y1, pCTAVR = y1·y2, pCVR = y2·y3 + (1−y2)·y4, pCTCVR = y1·pCVR.
 * Loss over all impressions:
 *   w_ctr·BCE(pCTR, click) + w_ctavr·BCE(pCTAVR, click∧DAction) + w_ctcvr·BCE(pCTCVR, click∧buy).
 * In click space (logs without impressions) y1 is absent and the loss is
 *   w_ctavr·BCE(y2, DAction) + w_ctcvr·BCE(pCVR, buy) over clicked paths.
 */
import type * as TF from '@tensorflow/tfjs';
import { bce } from './layers';
import { esm2LossFused } from './esm2-loss';
import { fusedTowersActive, towersLogits } from '../fused-dense';
import { ConversionModel, type Batch, type ModelOptions, type ModelSpec, type Outputs } from './model';

/** The four tower names, in the paper's order. */
export const ESM2_TOWERS = ['y1_click', 'y2_daction', 'y3_buy_given_daction', 'y4_buy_given_other'] as const;

export class Esm2 extends ConversionModel {
  readonly name = 'esm2' as const;
  readonly citation = 'Wen et al., SIGIR 2020, arXiv:1910.07099';
  readonly lossDescription = 'w_ctr·BCE(pCTR, click) + w_ctavr·BCE(pCTAVR, click∧DAction) + w_ctcvr·BCE(pCTCVR, click∧buy) over impressions';

  constructor(tf: typeof TF, spec: ModelSpec, options: ModelOptions) {
    super(tf, spec, options, spec.space === 'impression' ? [...ESM2_TOWERS] : ESM2_TOWERS.slice(1));
  }

  /** The four tower probabilities (y1 null in click space). */
  towerProbs(b: Batch, training = false): { y1: TF.Tensor1D | null; y2: TF.Tensor1D; y3: TF.Tensor1D; y4: TF.Tensor1D } {
    const x = this.input(b);
    const seed = this.dropoutSeed(training);
    const t = this.towers;
    return {
      y1: t.y1_click ? t.y1_click.prob(x, seed) : null,
      y2: t.y2_daction.prob(x, seed === undefined ? undefined : seed + 1),
      y3: t.y3_buy_given_daction.prob(x, seed === undefined ? undefined : seed + 2),
      y4: t.y4_buy_given_other.prob(x, seed === undefined ? undefined : seed + 3),
    };
  }

  /** Compose the outputs from tower probabilities (exposed for tests). */
  compose(y: { y1: TF.Tensor1D | null; y2: TF.Tensor1D; y3: TF.Tensor1D; y4: TF.Tensor1D }): Outputs {
    const tf = this.tf;
    const pcvr = tf.add(tf.mul(y.y2, y.y3), tf.mul(tf.sub(1, y.y2), y.y4)) as TF.Tensor1D;
    return {
      pctr: y.y1,
      pctavr: y.y1 ? (tf.mul(y.y1, y.y2) as TF.Tensor1D) : null,
      pcvr,
      pctcvr: y.y1 ? (tf.mul(y.y1, pcvr) as TF.Tensor1D) : null,
    };
  }

  /**
   * On wasm (unless BUYPATH_FUSED=0) a training step runs the input, the towers and, in impression space, the loss
   * as fused kernels (fused-embedding.ts, fused-dense.ts, esm2-loss.ts): the same model, dropout masks and loss.
   */
  protected override trainingLoss(b: Batch): TF.Scalar {
    const tf = this.tf;
    if (!fusedTowersActive(tf)) return super.trainingLoss(b);
    const x = this.input(b);
    const seed = this.dropoutSeed(true)!;
    const impression = this.spec.space === 'impression';
    const names = impression ? ESM2_TOWERS : ESM2_TOWERS.slice(1);
    const towers = names.map((n) => this.towers[n]);
    const logits = towersLogits(tf, x, towers.map((t) => t.params()), towers[0].dropoutRate, names.map((_, i) => seed + i + (impression ? 0 : 1)));
    if (impression) return esm2LossFused(tf, logits, b, this.options.lossWeights);
    const [y2, y3, y4] = tf.unstack(tf.sigmoid(logits)) as TF.Tensor1D[];
    return this.loss({ ...this.compose({ y1: null, y2, y3, y4 }), aux: { y2 } }, b);
  }

  forward(b: Batch, training = false): Outputs {
    const y = this.towerProbs(b, training);
    return { ...this.compose(y), aux: { y2: y.y2 } };
  }

  loss(out: Outputs, b: Batch): TF.Scalar {
    const tf = this.tf, w = this.options.lossWeights;
    if (this.spec.space === 'click') {
      const y2 = out.aux!.y2;
      return tf.add(tf.mul(w.ctavr, bce(tf, y2, b.daction)), tf.mul(w.ctcvr, bce(tf, out.pcvr, b.buy))) as TF.Scalar;
    }
    // Labels are conjunctions with the click: daction and buy are 0 on unclicked rows.
    return tf.addN([
      tf.mul(w.ctr, bce(tf, out.pctr!, b.click)),
      tf.mul(w.ctavr, bce(tf, out.pctavr!, b.daction)),
      tf.mul(w.ctcvr, bce(tf, out.pctcvr!, b.buy)),
    ]) as TF.Scalar;
  }
}
