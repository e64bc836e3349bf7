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
import { ConversionModel, type Batch, type ModelOptions, type ModelSpec, type Outputs } from './model';

export class Esmm extends ConversionModel {
  readonly name = 'esmm' as const;
  readonly citation = 'Ma et al., SIGIR 2018, arXiv:1804.07931';
  readonly lossDescription = 'BCE(pCTR, click) + BCE(pCTCVR = pCTR·pCVR, click∧buy) over impressions';

  constructor(tf: typeof TF, spec: ModelSpec, options: ModelOptions) {
    super(tf, spec, options, spec.space === 'impression' ? ['ctr', 'cvr'] : ['cvr']);
  }

  forward(b: Batch, training = false): Outputs {
    const x = this.input(b);
    const seed = this.dropoutSeed(training);
    const pcvr = this.towers.cvr.prob(x, seed === undefined ? undefined : seed + 1);
    if (!this.towers.ctr) return { pctr: null, pctavr: null, pcvr, pctcvr: null };
    const pctr = this.towers.ctr.prob(x, seed);
    return { pctr, pctavr: null, pcvr, pctcvr: this.tf.mul(pctr, pcvr) as TF.Tensor1D };
  }

  loss(out: Outputs, b: Batch): TF.Scalar {
    const tf = this.tf;
    if (!out.pctr) return bce(tf, out.pcvr, b.buy);
    return tf.add(bce(tf, out.pctr, b.click), bce(tf, out.pctcvr!, b.buy)) as TF.Scalar;
  }
}
