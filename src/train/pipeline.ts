/**
 * From a canonical table to a trained model: samples, time split, encoder
 * fitted on training rows, model creation, training, test predictions.
 */
import type { ColumnTable } from 'arquero';
import { MODEL_CONFIGS, TRAIN_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import type { PathSet } from '../paths/path-set';
import { buildSamples, splitByTime, type FeatureOptions, type SampleSet, type Split } from '../features/samples';
import { encodeRows, fitEncoder, type FeatureEncoder } from '../features/encoder';
import { createModel } from '../models/index';
import type { ConversionModel, ModelConfig, ModelSpec } from '../models/model';
import type { ModelName } from '../models/index';
import { trainData, type TrainData } from './data';
import { train, type ProgressMode, type TrainResult } from './trainer';
import { predict, type Predictions } from './predict';
import { initBackend } from '../backend';

/** Options of `prepareTraining` (feature choices: `exclude`, `crosses`, `history`, see FeatureOptions). */
export interface PrepareOptions extends FeatureOptions {
  /** The DAction set (required: take it from `analysePaths(...).daction`). */
  daction: string[];
  split?: { train: number; validation: number };
  minCount?: number;
  /** Skewness above which non-negative numeric fields are log1p-transformed (null: never); see TRAIN_DEFAULTS. */
  logSkew?: number | null;
}

/** Samples, split, encoder and encoded data, ready for any model. */
export interface Prepared {
  samples: SampleSet;
  /** The feature choices the samples were built with (saved with models for `predict`). */
  features: FeatureOptions;
  split: Split;
  encoder: FeatureEncoder;
  spec: ModelSpec;
  data: { train: TrainData; validation: TrainData; test: TrainData };
}

/** Build samples, split them by time, fit the encoder on training rows only, encode. */
export function prepareTraining(table: ColumnTable, paths: PathSet, options: PrepareOptions): Prepared {
  const features: FeatureOptions = { exclude: options.exclude ?? [], crosses: options.crosses ?? [], history: Boolean(options.history) };
  const samples = buildSamples(table, paths, { daction: options.daction, ...features });
  const split = splitByTime(samples, options.split ?? TRAIN_DEFAULTS.split);
  if (!split.train.length || !split.validation.length || !split.test.length) {
    throw new OptionError(`training data: expected rows in train, validation and test, got ${split.train.length}/${split.validation.length}/${split.test.length} of ${samples.n} samples. Use a larger log.`);
  }
  const encoder = fitEncoder(samples, split.train, { minCount: options.minCount ?? TRAIN_DEFAULTS.minCount, logSkew: options.logSkew === undefined ? TRAIN_DEFAULTS.logSkew : options.logSkew });
  const C = encoder.categorical.length, N = encoder.numeric.length;
  const enc = (idx: Int32Array) => trainData(samples, encodeRows(samples, encoder, idx), idx, C, N);
  return {
    samples, features, split, encoder,
    spec: { vocabSizes: encoder.categorical.map((c) => c.vocab.length), numNumeric: N, space: samples.space },
    data: { train: enc(split.train), validation: enc(split.validation), test: enc(split.test) },
  };
}

/** Options of `fitModel`. */
export interface FitOptions {
  model: ModelName;
  /** The model size: `fast` (default) or `paper` (`--config` on the command line); `config` overrides single fields. */
  modelConfig?: keyof typeof MODEL_CONFIGS;
  config?: Partial<ModelConfig>;
  seed?: number;
  lossWeights?: Partial<(typeof TRAIN_DEFAULTS)['lossWeights']>;
  oversample?: number;
  checkpointDir?: string;
  resume?: boolean;
  progress?: ProgressMode;
}

/** A trained model with its history and test predictions. */
export interface Fitted {
  model: ConversionModel;
  config: ModelConfig;
  seed: number;
  result: TrainResult;
  test: Predictions;
  backend: string;
}

/** Create and train one model on prepared data (training and validation rows only); see `fitModel` for test predictions. */
export async function trainModel(p: Prepared, options: FitOptions): Promise<Omit<Fitted, 'test'>> {
  const { tf, name: backend } = await initBackend(undefined, { quiet: true });
  const name = options.modelConfig ?? TRAIN_DEFAULTS.modelConfig;
  if (!MODEL_CONFIGS[name]) throw new OptionError(`modelConfig: expected ${Object.keys(MODEL_CONFIGS).join(' or ')}, got "${name}" (--config on the command line).`);
  const config = withDefaults(MODEL_CONFIGS[name], options.config ?? {});
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  const model = createModel(options.model, tf, p.spec, {
    config, seed, lossWeights: { ...TRAIN_DEFAULTS.lossWeights, ...options.lossWeights }, oversample: options.oversample ?? TRAIN_DEFAULTS.oversample,
  });
  const result = await train(model, p.data.train, p.data.validation, {
    epochs: config.epochs, batchSize: config.batchSize, learningRate: config.learningRate, patience: config.patience, seed,
    checkpointDir: options.checkpointDir, resume: options.resume, progress: options.progress,
  });
  return { model, config, seed, result, backend };
}

/** Create and train one model on prepared data; predicts the test rows. */
export async function fitModel(p: Prepared, options: FitOptions): Promise<Fitted> {
  const f = await trainModel(p, options);
  const { loss: _loss, ...test } = predict(f.model, p.data.test);
  return { ...f, test };
}
