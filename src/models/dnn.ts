/**
 * DNN and DNN-OS baselines of the ESM2 paper (Wen et al., SIGIR 2020,
 * arXiv:1910.07099, Section 4.2): a single-task CVR network trained on clicked
 * rows only (the sample-selection-biased setup ESMM and ESM2 improve on), with
 * its own embeddings. For pCTCVR = pCTR·pCVR a separate CTR network (its own
 * embeddings and tower) trains on impressions beside it; the two share no
 * weight, so training them in one loop is training them apart.
 * DNN-OS oversamples purchases in the CVR loss to fight their sparsity (here by
 * weighting each purchase `oversample` = k times, which equals replicating it in
 * expectation) and maps its pCVR back to the original base rate,
 * p = q / (q + k(1 − q)), before pCTCVR is composed or anything is scored.
 * DNN-MT (`dnn_mt`, an extra) is the multi-task variant: CTR and CVR towers over
 * one shared embedding table.
 */
import type * as TF from '@tensorflow/tfjs';
import { bce } from './layers';
import type { Batch, ModelOptions, ModelSpec, Outputs } from './model';
import { TwoTowerModel } from './two-tower';

/** DNN-OS's pCVR at the original base rate from the oversampled network's q, with purchases weighted k times: q / (q + k(1 − q)). */
export function unoversample(q: number, k: number): number {
  return q / (q + k * (1 - q));
}

/** The CVR loss over clicked rows (all rows in click space) plus, in impression space, BCE(pCTR, click) over impressions. */
abstract class CvrOnClicks extends TwoTowerModel {
  /** Weight of each row in the CVR loss: clicked rows only (all rows in click space). */
  protected cvrWeights(b: Batch): TF.Tensor1D {
    return this.spec.space === 'impression' ? b.click : this.tf.onesLike(b.buy);
  }

  /** The probability the CVR loss trains (pCVR itself, except for DNN-OS). */
  protected trainedCvr(out: Outputs): TF.Tensor1D {
    return out.pcvr;
  }

  loss(out: Outputs, b: Batch): TF.Scalar {
    const tf = this.tf;
    const cvr = bce(tf, this.trainedCvr(out), b.buy, this.cvrWeights(b));
    return out.pctr ? (tf.add(bce(tf, out.pctr, b.click), cvr) as TF.Scalar) : cvr;
  }
}

/** The paper's DNN: a CVR network on clicked rows with its own embeddings; an independent CTR network for pCTCVR. */
export class Dnn extends CvrOnClicks {
  readonly name: 'dnn' | 'dnn_os' = 'dnn';
  readonly citation = 'Wen et al., SIGIR 2020 (baseline DNN), arXiv:1910.07099';
  readonly lossDescription: string = 'BCE(pCVR, buy) over clicked rows (CVR network, own embeddings) + BCE(pCTR, click) over impressions (separate CTR network)';

  constructor(tf: typeof TF, spec: ModelSpec, options: ModelOptions) {
    super(tf, spec, options);
    // In click space there is no CTR network: the CVR network has the one table.
    if (spec.space === 'impression') this.cvrEmbedding = this.ownEmbedding('cvr/embedding');
  }
}

/** DNN-OS: the DNN with purchases weighted × oversample in the CVR loss, pCVR mapped back to the original base rate. */
export class DnnOs extends Dnn {
  override readonly name = 'dnn_os' as const;
  override readonly lossDescription = 'as dnn, purchases weighted × oversample in the CVR loss; pCVR = q / (q + k(1 − q)) of the oversampled q';

  protected override cvrWeights(b: Batch): TF.Tensor1D {
    const base = super.cvrWeights(b);
    // weight = base · (1 + (k − 1)·buy)
    return this.tf.mul(base, this.tf.add(1, this.tf.mul(this.options.oversample - 1, b.buy))) as TF.Tensor1D;
  }

  /** Outputs at the original base rate; the oversampled q stays in `aux.q` for the loss. */
  override forward(b: Batch, training = false): Outputs {
    const tf = this.tf, k = this.options.oversample;
    const o = super.forward(b, training);
    const q = o.pcvr;
    const pcvr = tf.div(q, tf.add(q, tf.mul(k, tf.sub(1, q)))) as TF.Tensor1D;
    return { ...o, pcvr, pctcvr: o.pctr ? (tf.mul(o.pctr, pcvr) as TF.Tensor1D) : null, aux: { q } };
  }

  protected override trainedCvr(out: Outputs): TF.Tensor1D {
    return out.aux!.q;
  }
}

/** DNN-MT (an extra, not in the paper): CTR and CVR towers over one shared embedding table, CVR loss on clicked rows. */
export class DnnMt extends CvrOnClicks {
  readonly name = 'dnn_mt' as const;
  readonly citation = 'multi-task variant of the DNN baseline of Wen et al., SIGIR 2020';
  readonly lossDescription = 'BCE(pCTR, click) over impressions + BCE(pCVR, buy) over clicked rows, towers over shared embeddings';
}
