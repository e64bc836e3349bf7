/**
 * The CTR + CVR tower pair of ESMM and the DNN baselines: pCTR and pCVR,
 * pCTCVR = pCTR·pCVR. The towers read the shared embeddings unless a subclass
 * gives the CVR tower a table of its own (`cvrEmbedding`). Subclasses declare their loss.
 */
import type * as TF from '@tensorflow/tfjs';
import { ConversionModel, type Batch, type ModelOptions, type ModelSpec, type Outputs } from './model';
import type { Embedding } from './layers';

export abstract class TwoTowerModel extends ConversionModel {
  /** The CVR tower's own embedding table; undefined: it shares the CTR tower's. */
  protected cvrEmbedding: Embedding | undefined;

  constructor(tf: typeof TF, spec: ModelSpec, options: ModelOptions) {
    super(tf, spec, options, spec.space === 'impression' ? ['ctr', 'cvr'] : ['cvr']);
  }

  override embeddings(): Embedding[] {
    return this.cvrEmbedding ? [this.embedding, this.cvrEmbedding] : [this.embedding];
  }

  forward(b: Batch, training = false): Outputs {
    const x = this.input(b);
    const seed = this.dropoutSeed(training);
    const pcvr = this.towers.cvr.prob(this.cvrEmbedding ? this.input(b, this.cvrEmbedding) : x, seed === undefined ? undefined : seed + 1);
    if (!this.towers.ctr) return { pctr: null, pctavr: null, pcvr, pctcvr: null };
    const pctr = this.towers.ctr.prob(x, seed);
    return { pctr, pctavr: null, pcvr, pctcvr: this.tf.mul(pctr, pcvr) as TF.Tensor1D };
  }
}
