/**
 * The model registry: every model a comparison can train, how to fit it, how
 * it is shown and where it stands. The tfjs models come from models/index.ts
 * (MODELS); models fitted outside tfjs (GBDT through XGBoost) are listed here.
 * Every list of models — CLI choices, the default comparison, the report's
 * order, the claimed CVR ordering — derives from MODEL_REGISTRY.
 *
 * Adding a tfjs model: a file in models/ and one line in MODELS. Adding an
 * external model: a file (like baseline/gbdt.ts) and one line in EXTERNAL.
 */
import { fitGbdt, gbdtData } from '../baseline/gbdt';
import { OptionError } from '../errors';
import { MODELS, type ModelName } from '../models/index';
import type { ModelConfig } from '../models/model';
import type { EpochLog } from '../train/epoch-log';
import { fitModel, type Prepared } from '../train/pipeline';
import type { Predictions } from '../train/predict';
import type { ProgressMode } from '../train/trainer';
import type { MODEL_CONFIGS } from '../defaults';

/** What every model's fit receives: the comparison's model settings. */
export interface FitContext {
  modelConfig?: keyof typeof MODEL_CONFIGS;
  config?: Partial<ModelConfig>;
  seed: number;
  progress?: ProgressMode;
}

/** A fitted model's test predictions and what the report shows of its training. */
export interface FittedModel {
  test: Predictions;
  /** Epoch records (tfjs models). */
  history?: EpochLog[];
  seconds: number;
  /** Extra numbers for results.json (best epoch, trees kept). */
  extra: Record<string, unknown>;
}

/** One model of the registry. */
export interface RegisteredModel {
  name: string;
  label: string;
  kind: 'tfjs' | 'external';
  /** Trained by default in comparisons. */
  compare: boolean;
  /** Position in tables, weakest baseline first. */
  order: number;
  /** Part of the CVR ordering the ESM2 paper claims, which the report tests. */
  claimed: boolean;
  fit(p: Prepared, ctx: FitContext): Promise<FittedModel>;
}

/** Models fitted outside tfjs. */
const EXTERNAL: RegisteredModel[] = [
  {
    name: 'gbdt', label: 'GBDT', kind: 'external', compare: true, order: 0, claimed: true,
    async fit(p, ctx) {
      const g = await fitGbdt(gbdtData(p), p.samples.space, { seed: ctx.seed });
      return { test: g.test, seconds: g.seconds, extra: { trees: g.rounds, categorical_splits: g.splits } }; // both chosen on validation log-loss
    },
  },
];

function tfjsModel(name: ModelName): RegisteredModel {
  const e = MODELS[name];
  return {
    name, label: e.label, kind: 'tfjs', compare: e.compare, order: e.order, claimed: e.claimed,
    async fit(p, ctx) {
      const f = await fitModel(p, { model: name, modelConfig: ctx.modelConfig, config: ctx.config, seed: ctx.seed, progress: ctx.progress ?? 'none' });
      f.model.dispose();
      return { test: f.test, history: f.result.history, seconds: f.result.seconds, extra: { best_epoch: f.result.bestEpoch } };
    },
  };
}

/** Every model, weakest baseline first. */
export const MODEL_REGISTRY: readonly RegisteredModel[] = [...EXTERNAL, ...(Object.keys(MODELS) as ModelName[]).map(tfjsModel)].sort((a, b) => a.order - b.order);

/** The models a comparison trains by default, in table order. */
export const COMPARE_MODELS: readonly string[] = MODEL_REGISTRY.filter((m) => m.compare).map((m) => m.name);

/** Every model a comparison can hold, in table order. */
export const COMPARABLE_MODELS: readonly string[] = MODEL_REGISTRY.map((m) => m.name);

/** The CVR ordering the ESM2 paper claims, best first (esm2 ≥ esmm ≥ dnn ≥ gbdt). */
export const CLAIMED_ORDER: readonly string[] = MODEL_REGISTRY.filter((m) => m.claimed).sort((a, b) => b.order - a.order).map((m) => m.name);

/** A registered model by name, or an error listing the names. */
export function registeredModel(name: string): RegisteredModel {
  const m = MODEL_REGISTRY.find((r) => r.name === name);
  if (!m) throw new OptionError(`models: expected names among ${COMPARABLE_MODELS.join(', ')}, got "${name}". Pass e.g. --models ${COMPARE_MODELS.join(',')}.`);
  return m;
}
