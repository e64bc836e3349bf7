/**
 * ESMM: Entire Space Multi-Task Model.
 * Ma, Zhao, Huang, Wang, Hu, Zhu, Gai. "Entire Space Multi-Task Model: An
 * Effective Approach for Estimating Post-Click Conversion Rate", SIGIR 2018,
 * arXiv:1804.07931.
 *
 * Two towers over shared embeddings: pCTR and pCVR; pCTCVR = pCTR·pCVR.
 * Loss over all impressions: BCE(pCTR, click) + BCE(pCTCVR, click∧buy).
 * In click space: BCE(pCVR, buy) over clicked paths.
 */
import type * as TF from '@tensorflow/tfjs';
import { bce } from './layers';
import type { Batch, Outputs } from './model';
import { TwoTowerModel } from './two-tower';

export class Esmm extends TwoTowerModel {
  readonly name = 'esmm' as const;
  readonly citation = 'Ma et al., SIGIR 2018, arXiv:1804.07931';
  readonly lossDescription = 'BCE(pCTR, click) + BCE(pCTCVR = pCTR·pCVR, click∧buy) over impressions';

  loss(out: Outputs, b: Batch): TF.Scalar {
    const tf = this.tf;
    if (!out.pctr) return bce(tf, out.pcvr, b.buy);
    return tf.add(bce(tf, out.pctr, b.click), bce(tf, out.pctcvr!, b.buy)) as TF.Scalar;
  }
}
