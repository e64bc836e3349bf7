/** Shared by the tests of fused kernels: a tiny data set and the weights ESM2 ends with after training on it. */
import type * as TF from '@tensorflow/tfjs';
import { createModel, rng, train, MODEL_CONFIGS, TRAIN_DEFAULTS, type TrainData } from '../src';

/** A small impression-space data set (2 categorical, 2 numeric fields) for bit-for-bit training comparisons. */
export function tinyTrainData(seed: number, n = 300): TrainData {
  const r = rng(seed);
  const click = Float32Array.from({ length: n }, () => (r.uniform() < 0.5 ? 1 : 0));
  const daction = Float32Array.from(click, (c) => c * (r.uniform() < 0.4 ? 1 : 0));
  return {
    rows: { n, cat: Int32Array.from({ length: n * 2 }, (_, i) => r.int(i % 2 ? 4 : 5)), num: Float32Array.from({ length: n * 2 }, () => r.normal()) },
    C: 2, N: 2, click, daction, buy: Float32Array.from(daction, (a, i) => (click[i] && r.uniform() < (a ? 0.6 : 0.2) ? 1 : 0)),
  };
}

/** The weights of an ESM2 trained 3 epochs on `d` (dropout on) with the environment variables `env` set, restored afterwards. */
export async function esm2WeightsAfterTraining(tf: typeof TF, d: TrainData, env: Record<string, string>): Promise<number[][]> {
  const m = createModel('esm2', tf, { vocabSizes: [5, 4], numNumeric: 2, space: 'impression' }, { config: MODEL_CONFIGS.fast, seed: 3, lossWeights: TRAIN_DEFAULTS.lossWeights, oversample: 5 });
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    await train(m, d, d, { epochs: 3, batchSize: 64, learningRate: 0.01, patience: 100, seed: 1, progress: 'none' });
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  const w = m.weights().map((x) => Array.from(x.variable.dataSync()));
  m.dispose();
  return w;
}
