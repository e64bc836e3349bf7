/**
 * Building blocks shared by the models: one embedding table for all
 * categorical fields, MLP towers, and binary cross-entropy on probabilities.
 * Weights are initialised from buypath's seeded RNG (Glorot uniform), so the
 * same seed gives the same weights on every backend.
 */
import type * as TF from '@tensorflow/tfjs';
import { Rng } from '../random';
import { denseFused, denseUnfused, dropoutMask, fusedDenseActive, type TowerParams } from '../fused-dense';

type Tf = typeof TF;

/** Named trainable weights of a block. */
export interface Weighted {
  weights(): { name: string; variable: TF.Variable }[];
}

function glorot(rng: Rng, fanIn: number, fanOut: number, size: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: size }, () => (rng.uniform() * 2 - 1) * limit);
}

/**
 * All categorical fields share one table; field f's index i sits at row offset[f] + i. `name` is the
 * weight's stable name (`embedding`; a model with a second table names it apart, e.g. `cvr/embedding`).
 */
export class Embedding implements Weighted {
  readonly table: TF.Variable;
  readonly offsets: TF.Tensor1D;
  readonly outputDim: number;
  constructor(private readonly tf: Tf, vocabSizes: number[], readonly dim: number, rng: Rng, scope = '', readonly name = 'embedding') {
    const total = vocabSizes.reduce((s, v) => s + v, 0);
    const init = Float32Array.from({ length: total * dim }, () => rng.normal(0, 0.05));
    this.table = tf.tidy(() => tf.variable(tf.tensor2d(init, [Math.max(total, 1), dim]), true, `${scope}${name}`));
    let o = 0;
    this.offsets = tf.tensor1d(vocabSizes.map((v) => ((o += v), o - v)), 'int32');
    this.outputDim = vocabSizes.length * dim;
  }
  /** [B, C] int32 indices → [B, C·dim]. */
  apply(cat: TF.Tensor2D): TF.Tensor2D {
    const [b, c] = cat.shape;
    if (c === 0) return this.tf.zeros([b, 0]);
    const rows = this.tf.gather(this.table, this.tf.add(cat, this.offsets).reshape([-1]));
    return rows.reshape([b, c * this.dim]);
  }
  weights() {
    return [{ name: this.name, variable: this.table }];
  }
}

/**
 * A tower: dense layers with ReLU and dropout, then one logit. ESM2's training step runs its towers as one fused kernel
 * on wasm (`params()` → fused-dense.ts's towersLogits); here, each layer is one fused kernel with BUYPATH_FUSED_DENSE=1 and
 * matMul on BLAS, else matMul + add + relu.
 */
export class Tower implements Weighted {
  private readonly layers: { w: TF.Variable; b: TF.Variable; wName: string; bName: string }[] = [];
  /** `scope` prefixes the tfjs variable names (unique per model instance); weight names stay stable. */
  constructor(private readonly tf: Tf, readonly name: string, inputDim: number, hidden: number[], private readonly dropout: number, rng: Rng, scope = '') {
    const sizes = [inputDim, ...hidden, 1];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [i, o] = [sizes[l], sizes[l + 1]];
      const wName = `${name}/dense${l}/kernel`, bName = `${name}/dense${l}/bias`;
      this.layers.push({
        w: tf.tidy(() => tf.variable(tf.tensor2d(glorot(rng, i, o, i * o), [i, o]), true, scope + wName)),
        b: tf.tidy(() => tf.variable(tf.zeros([o]), true, scope + bName)),
        wName, bName,
      });
    }
  }
  /** [B, D] → [B] logits; dropout only when `seed` is given (training). */
  logits(x: TF.Tensor2D, seed?: number): TF.Tensor1D {
    let h = x;
    const fused = fusedDenseActive(this.tf);
    this.layers.forEach(({ w, b }, l) => {
      const hidden = l < this.layers.length - 1;
      h = (fused ? denseFused : denseUnfused)(this.tf, h, w as TF.Tensor2D, b as TF.Tensor1D, hidden);
      if (hidden && seed !== undefined && this.dropout > 0) h = dropout(this.tf, h, this.dropout, seed + 7919 * l);
    });
    return h.reshape([-1]);
  }
  /** Probabilities: sigmoid of the logits. */
  prob(x: TF.Tensor2D, seed?: number): TF.Tensor1D {
    return this.tf.sigmoid(this.logits(x, seed));
  }
  /** The layers' weights in order, for the fused towers kernel (fused-dense.ts). */
  params(): TowerParams {
    return this.layers.map(({ w, b }) => ({ w: w as TF.Tensor2D, b: b as TF.Tensor1D }));
  }
  /** Dropout rate of the hidden layers. */
  get dropoutRate(): number {
    return this.dropout;
  }
  weights() {
    return this.layers.flatMap(({ w, b, wName, bName }) => [{ name: wName, variable: w }, { name: bName, variable: b }]);
  }
}

/**
 * Inverted dropout with a mask drawn from buypath's seeded RNG (one 32-bit draw
 * per unit), instead of tf.dropout's per-element JavaScript random generator,
 * which cost a third of a small model's training step.
 */
export function dropout<T extends TF.Tensor>(tf: Tf, x: T, rate: number, seed: number): T {
  return tf.mul(x, tf.tensor(dropoutMask(x.size, rate, seed), x.shape)) as T;
}

/** BCE clips probabilities to [BCE_CLIP, 1 − BCE_CLIP] (the fused loss, esm2-loss.ts, clips the same). */
export const BCE_CLIP = 1e-7;

/**
 * Mean binary cross-entropy of probabilities `p` against labels `y`, with
 * optional per-row weights (rows with weight 0 are left out of the mean).
 */
export function bce(tf: Tf, p: TF.Tensor1D, y: TF.Tensor1D, weight?: TF.Tensor1D): TF.Scalar {
  const q = tf.clipByValue(p, BCE_CLIP, 1 - BCE_CLIP);
  const ll = tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))));
  if (!weight) return tf.neg(tf.mean(ll)) as TF.Scalar;
  return tf.div(tf.neg(tf.sum(tf.mul(ll, weight))), tf.maximum(tf.sum(weight), 1)) as TF.Scalar;
}
