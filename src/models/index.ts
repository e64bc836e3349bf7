/**
 * The tfjs model registry: name → class and how comparisons show it. Every
 * list of tfjs models (CLI choices, comparisons, report order) derives from
 * MODELS; the pipeline's registry (src/pipeline/registry.ts) adds the models
 * fitted outside tfjs (GBDT). Adding a tfjs model: one file in models/ and one
 * line here.
 */
import type * as TF from '@tensorflow/tfjs';
import { OptionError } from '../errors';
import type { ConversionModel, ModelOptions, ModelSpec } from './model';
import { Esm2 } from './esm2';
import { Esmm } from './esmm';
import { Dnn, DnnMt, DnnOs } from './dnn';

/** One tfjs model of the registry. */
export interface ModelEntry {
  create: new (tf: typeof TF, spec: ModelSpec, options: ModelOptions) => ConversionModel;
  /** Name in tables and figures. */
  label: string;
  /** Trained by `buypath report` and notebook 03 unless `--models` says otherwise. */
  compare: boolean;
  /** Position in tables, weakest baseline first. */
  order: number;
  /** Part of the CVR ordering the ESM2 paper claims (esm2 ≥ esmm ≥ dnn ≥ gbdt), which the report tests. */
  claimed: boolean;
}

/** The tfjs models by name (this key order is the order of CLI help and error messages). */
export const MODELS = {
  esm2: { create: Esm2, label: 'ESM2', compare: true, order: 5, claimed: true },
  esmm: { create: Esmm, label: 'ESMM', compare: true, order: 4, claimed: true },
  dnn: { create: Dnn, label: 'DNN', compare: true, order: 1, claimed: true },
  dnn_os: { create: DnnOs, label: 'DNN-OS', compare: true, order: 3, claimed: false },
  dnn_mt: { create: DnnMt, label: 'DNN (shared embeddings)', compare: false, order: 2, claimed: false },
} satisfies Record<string, ModelEntry>;

/** Model names, as used on the command line and in results (`dnn_mt`: the DNN sharing its embeddings with the CTR tower). */
export type ModelName = keyof typeof MODELS;

/** True when `name` is a registered tfjs model. */
export function isModelName(name: string): name is ModelName {
  return Object.prototype.hasOwnProperty.call(MODELS, name);
}

/** Create a model by name. */
export function createModel(name: string, tf: typeof TF, spec: ModelSpec, options: ModelOptions): ConversionModel {
  if (!isModelName(name)) throw new OptionError(`model: expected one of ${Object.keys(MODELS).join(', ')}, got "${name}". Pass e.g. --model esm2.`);
  return new MODELS[name].create(tf, spec, options);
}
