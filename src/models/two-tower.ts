/**
 * The CTR + CVR tower pair shared by ESMM and the DNN baselines: pCTR and pCVR
 * over shared embeddings, pCTCVR = pCTR·pCVR. Subclasses declare their loss.
 */
import type * as TF from '@tensorflow/tfjs';
import { ConversionModel, type Batch, type ModelOptions, type ModelSpec, type Outputs } from './model';

export abstract class TwoTowerModel extends ConversionModel {
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
}
