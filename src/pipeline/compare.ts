/**
 * Pipeline: train every model of a comparison on the same prepared split
 * (through the model registry) and score them together (evaluate/compare.ts).
 */
import { MODEL_CONFIGS, TRAIN_DEFAULTS } from '../defaults';
import { scoreComparison, type Comparison } from '../evaluate/compare';
import type { ModelConfig } from '../models/model';
import type { EpochLog } from '../train/epoch-log';
import type { Prepared } from '../train/pipeline';
import type { Predictions } from '../train/predict';
import type { ProgressMode } from '../train/trainer';
import { CLAIMED_ORDER, COMPARE_MODELS, registeredModel } from './registry';

/** Options of `compareModels`. */
export interface CompareOptions {
  /** Model keys (default: the registry's comparison set, COMPARE_MODELS). */
  models?: string[];
  /** The models' size: `fast` (default) or `paper` (`--config` on the command line). */
  modelConfig?: keyof typeof MODEL_CONFIGS;
  config?: Partial<ModelConfig>;
  seed?: number;
  /** Bootstrap replicates (users resampled). Default COMPARE_DEFAULTS.replicates (1,000). */
  replicates?: number;
  progress?: ProgressMode;
}

/** A comparison of trained models, with their epoch records. */
export type ModelComparison = Comparison<EpochLog>;

/** Train and score every model on the same prepared data; models appear in registry (table) order. */
export async function compareModels(p: Prepared, options: CompareOptions = {}): Promise<ModelComparison> {
  const models = (options.models ?? [...COMPARE_MODELS]).map(registeredModel).sort((a, b) => a.order - b.order);
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  const predictions: Record<string, Predictions> = {};
  const histories: Record<string, EpochLog[]> = {};
  const seconds: Record<string, number> = {};
  const extra: Record<string, Record<string, unknown>> = {};
  for (const m of models) {
    const f = await m.fit(p, { modelConfig: options.modelConfig, config: options.config, seed, progress: options.progress });
    predictions[m.name] = f.test;
    if (f.history) histories[m.name] = f.history;
    seconds[m.name] = f.seconds;
    extra[m.name] = f.extra;
  }
  return scoreComparison({
    models: models.map((m) => m.name), claimedOrder: CLAIMED_ORDER, seed, space: p.samples.space, daction: p.samples.daction,
    features: p.features, fingerprint: p.samples.fingerprint,
    split: { train: p.split.train.length, validation: p.split.validation.length, test: p.split.test.length },
    test: { buy: p.data.test.buy, click: p.data.test.click }, users: Array.from(p.split.test, (i) => p.samples.user_id[i]),
    predictions, histories, seconds, extra, replicates: options.replicates,
  });
}
