/**
 * Save and load trained models: tfjs weights (`model.bin` + `model.json`
 * manifest) and, in the same JSON, everything needed to predict again — the
 * config, vocabularies, normalisation, DAction set, seed, data fingerprint,
 * how the log was read and mined, and the training history.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../backend';
import { createModel } from '../models/index';
import type { ConversionModel, ModelConfig, ModelSpec } from '../models/model';
import type { ModelName } from '../models/index';
import type { FeatureEncoder } from '../features/encoder';
import type { FeatureOptions } from '../features/samples';
import type { LoadOptions } from '../data/load-events';
import type { LabelledFlags } from '../data/load-labelled';
import { LoadError } from '../errors';
import type { EpochLog } from './epoch-log';
import { assignWeights, readWeights, writeWeights } from './checkpoint';

/** What `model.json` holds besides the weights manifest. */
export interface ModelMeta {
  format: 'buypath-model';
  version: 1;
  model: ModelName;
  citation: string;
  config: ModelConfig;
  spec: ModelSpec;
  encoder: FeatureEncoder;
  daction: string[];
  /** Feature choices (left-out columns, crosses, history) that `predict` applies again; absent in models saved before them. */
  features?: FeatureOptions;
  seed: number;
  lossWeights: { ctr: number; ctavr: number; ctcvr: number };
  oversample: number;
  /** Fingerprint of the training samples. */
  fingerprint: string;
  /** How the training log was read (`load`: every load option) and mined, so `predict` reads new logs the same way. */
  source: { path: string; preset?: string; load?: LoadOptions; window: number | string; preClick: 'attach' | 'drop'; labelled?: LabelledFlags };
  history: EpochLog[];
  backend: string;
  created: string;
}

/** Save a trained model and its metadata to `dir`. */
export async function saveModel(dir: string, model: ConversionModel, meta: Omit<ModelMeta, 'format' | 'version' | 'model' | 'citation' | 'spec' | 'seed' | 'lossWeights' | 'oversample' | 'created'>): Promise<void> {
  const full: ModelMeta = {
    format: 'buypath-model', version: 1, model: model.name as ModelName, citation: model.citation, spec: model.spec, seed: model.options.seed,
    lossWeights: model.options.lossWeights, oversample: model.options.oversample, created: new Date().toISOString(), ...meta,
  };
  await writeWeights(dir, 'model', model.tf, model.weights().map(({ name, variable }) => ({ name, tensor: variable })), full);
}

/** Load a model saved by `saveModel`. */
export async function loadModel(dir: string): Promise<{ model: ConversionModel; meta: ModelMeta }> {
  if (!existsSync(join(dir, 'model.json'))) {
    throw new LoadError(`${dir}: expected a saved model (model.json and model.bin), got none. Train one with \`buypath train LOG --out ${dir}\`.`);
  }
  const { tf } = await initBackend();
  const { tensors, meta } = readWeights(dir, 'model', tf);
  const m = meta as unknown as ModelMeta;
  if (m.format !== 'buypath-model') throw new LoadError(`${dir}/model.json: expected format "buypath-model", got "${String(m.format)}". Point to a folder written by buypath train.`);
  const model = createModel(m.model, tf, m.spec, { config: m.config, seed: m.seed, lossWeights: m.lossWeights, oversample: m.oversample });
  assignWeights(model, tensors);
  return { model, meta: m };
}
