/**
 * DNN and DNN-OS baselines of the ESM2 paper (Wen et al., SIGIR 2020,
 * arXiv:1910.07099, Section 4.2): a CTR tower trained on impressions and a
 * CVR tower trained on clicked rows only (the sample-selection-biased setup
 * ESMM and ESM2 improve on); pCTCVR = pCTR·pCVR. DNN-OS oversamples
 * purchases in the CVR loss to fight their sparsity; here by weighting each
 * purchase `oversample` times, which equals replicating it in expectation.
 */
import type * as TF from '@tensorflow/tfjs';
import { bce } from './layers';
import type { Batch, Outputs } from './model';
import { TwoTowerModel } from './two-tower';

export class Dnn extends TwoTowerModel {
  readonly name: 'dnn' | 'dnn_os' = 'dnn';
  readonly citation = 'Wen et al., SIGIR 2020 (baseline DNN), arXiv:1910.07099';
  readonly lossDescription: string = 'BCE(pCTR, click) over impressions + BCE(pCVR, buy) over clicked rows';

  /** Weight of each row in the CVR loss: clicked rows only (all rows in click space). */
  protected cvrWeights(b: Batch): TF.Tensor1D {
    return this.spec.space === 'impression' ? b.click : this.tf.onesLike(b.buy);
  }

  loss(out: Outputs, b: Batch): TF.Scalar {
    const tf = this.tf;
    const cvr = bce(tf, out.pcvr, b.buy, this.cvrWeights(b));
    return out.pctr ? (tf.add(bce(tf, out.pctr, b.click), cvr) as TF.Scalar) : cvr;
  }
}

export class DnnOs extends Dnn {
  override readonly name = 'dnn_os' as const;
  override readonly lossDescription = 'BCE(pCTR, click) over impressions + BCE(pCVR, buy) over clicked rows, purchases weighted × oversample';

  protected override cvrWeights(b: Batch): TF.Tensor1D {
    const base = super.cvrWeights(b);
    // weight = base · (1 + (k − 1)·buy)
    return this.tf.mul(base, this.tf.add(1, this.tf.mul(this.options.oversample - 1, b.buy))) as TF.Tensor1D;
  }
}
