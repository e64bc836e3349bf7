/**
 * What every conversion model declares, so that one trainer serves all: its
 * towers, its outputs (pCTR, pCTAVR, pCVR, pCTCVR) and its loss. The trainer
 * never asks which model it holds.
 */
import type * as TF from '@tensorflow/tfjs';
import { Rng } from '../random';
import { Embedding, Tower } from './layers';
import { embedFused } from '../fused-embedding';
import { fusedTowersActive } from '../fused-dense';
import type { MODEL_CONFIGS, TRAIN_DEFAULTS } from '../defaults';

type Tf = typeof TF;
let instances = 0;

/** Sizes of the inputs and the sample space. */
export interface ModelSpec {
  /** Vocabulary size (OOV bucket included) of each categorical field. */
  vocabSizes: number[];
  /** Number of numeric fields. */
  numNumeric: number;
  /** `impression`: the CTR side trains; `click`: logs without impressions, only the post-click towers train. */
  space: 'impression' | 'click';
}

/** Architecture and optimisation settings (see MODEL_CONFIGS). */
export type ModelConfig = (typeof MODEL_CONFIGS)['paper'];

/** Settings of a model instance. */
export interface ModelOptions {
  config: ModelConfig;
  seed: number;
  lossWeights: (typeof TRAIN_DEFAULTS)['lossWeights'];
  oversample: number;
}

/** One mini-batch: categorical indices, numeric features, labels (all rows of the sample space). */
export interface Batch {
  cat: TF.Tensor2D;
  num: TF.Tensor2D;
  click: TF.Tensor1D;
  daction: TF.Tensor1D;
  buy: TF.Tensor1D;
}

/** Predicted probabilities per row; a model leaves out what it does not predict (null). */
export interface Outputs {
  pctr: TF.Tensor1D | null;
  pctavr: TF.Tensor1D | null;
  pcvr: TF.Tensor1D;
  pctcvr: TF.Tensor1D | null;
  /** Intermediate probabilities a model's loss needs (e.g. ESM2's y2 in click space). */
  aux?: Record<string, TF.Tensor1D>;
}


/** A conversion model: shared embeddings (a model may add tables of its own), named towers, declared outputs and loss. */
export abstract class ConversionModel {
  /** Its key in the model registry (models/index.ts). */
  abstract readonly name: string;
  /** The paper the model implements. */
  abstract readonly citation: string;
  /** The loss, in words. */
  abstract readonly lossDescription: string;
  readonly embedding: Embedding;
  readonly towers: Record<string, Tower> = {};
  /** Training steps taken: step k's dropout masks come from (seed, k), so checkpoints save it and resume restores it. */
  trainSteps = 0;

  /** Prefix of this instance's tfjs variable names. */
  private readonly scope: string;

  constructor(readonly tf: Tf, readonly spec: ModelSpec, readonly options: ModelOptions, towerNames: string[]) {
    const rng = new Rng(options.seed).fork('init');
    const scope = (this.scope = `buypath${++instances}/`);
    this.embedding = new Embedding(tf, spec.vocabSizes, options.config.embeddingDim, rng.fork('embedding'), scope);
    const inputDim = this.embedding.outputDim + spec.numNumeric;
    for (const t of towerNames) this.towers[t] = new Tower(tf, t, inputDim, options.config.towers, options.config.dropout, rng.fork(t), scope);
  }

  /** A second embedding table for a model whose networks share nothing (seeded from its own stream `init/<name>`). */
  protected ownEmbedding(name: string): Embedding {
    const { tf, spec, options } = this;
    return new Embedding(tf, spec.vocabSizes, options.config.embeddingDim, new Rng(options.seed).fork('init').fork(name), this.scope, name);
  }

  /** Every embedding table of the model (the shared one, and any of its own). */
  embeddings(): Embedding[] {
    return [this.embedding];
  }

  /** Input of a tower: embeddings of the categorical fields (the shared table by default), then the numeric fields. */
  protected input(b: Batch, embedding: Embedding = this.embedding): TF.Tensor2D {
    if (fusedTowersActive(this.tf)) return embedFused(this.tf, embedding.table as TF.Tensor2D, b.cat, embedding.offsets, b.num);
    const e = embedding.apply(b.cat);
    return b.num.shape[1] ? (this.tf.concat([e, b.num], 1) as TF.Tensor2D) : e;
  }

  /** Dropout seed for one training step (undefined at prediction time). */
  protected dropoutSeed(training: boolean): number | undefined {
    return training ? new Rng(this.options.seed).seedFor(`dropout:${this.trainSteps++}`) : undefined;
  }

  /** Probabilities of every declared output. */
  abstract forward(b: Batch, training?: boolean): Outputs;

  /** The training loss over the batch (as declared in `lossDescription`). */
  abstract loss(out: Outputs, b: Batch): TF.Scalar;

  /** The loss of one training step (dropout on): `loss(forward(b, true), b)`; a model may compute the same thing with fused kernels. */
  protected trainingLoss(b: Batch): TF.Scalar {
    return this.loss(this.forward(b, true), b);
  }

  /** The training objective: the model's loss plus the L2 penalty on the batch's embedding rows of every table (config.l2). */
  objective(b: Batch): TF.Scalar {
    const loss = this.trainingLoss(b);
    const l2 = this.options.config.l2 ?? 0;
    if (!l2) return loss;
    const tf = this.tf;
    const penalty = tf.addN(this.embeddings().map((t) => tf.sum(tf.square(t.apply(b.cat)))));
    return tf.add(loss, tf.mul(l2, tf.div(penalty, b.cat.shape[0]))) as TF.Scalar;
  }

  /** All trainable weights, with stable names. */
  weights(): { name: string; variable: TF.Variable }[] {
    return [...this.embeddings().flatMap((e) => e.weights()), ...Object.values(this.towers).flatMap((t) => t.weights())];
  }

  /** Free the weights. */
  dispose(): void {
    for (const { variable } of this.weights()) variable.dispose();
    for (const e of this.embeddings()) e.offsets.dispose();
  }
}
