/** Model registry: name → class, so CLIs and comparisons create models by name. */
import type * as TF from '@tensorflow/tfjs';
import { OptionError } from '../errors';
import type { ConversionModel, ModelName, ModelOptions, ModelSpec } from './model';
import { Esm2 } from './esm2';
import { Esmm } from './esmm';
import { Dnn, DnnMt, DnnOs } from './dnn';

/** Model classes by name. */
export const MODELS: Record<ModelName, new (tf: typeof TF, spec: ModelSpec, options: ModelOptions) => ConversionModel> = {
  esm2: Esm2,
  esmm: Esmm,
  dnn: Dnn,
  dnn_os: DnnOs,
  dnn_mt: DnnMt,
};

/** Create a model by name. */
export function createModel(name: string, tf: typeof TF, spec: ModelSpec, options: ModelOptions): ConversionModel {
  const M = MODELS[name as ModelName];
  if (!M) throw new OptionError(`model: expected one of ${Object.keys(MODELS).join(', ')}, got "${name}". Pass e.g. --model esm2.`);
  return new M(tf, spec, options);
}
