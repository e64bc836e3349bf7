/**
 * Pipeline: the DAction ablation's training loop. ESM2 trains once per
 * candidate DAction set on the training rows and stops early on the
 * validation rows; evaluate/ablation.ts scores the candidates on the clicked
 * validation rows with paired intervals. Test rows are never scored.
 */
import type { ColumnTable } from 'arquero';
import { ABLATION_DEFAULTS, MODEL_CONFIGS, TRAIN_DEFAULTS } from '../defaults';
import { scoreAblation, type Ablation, type AblationScore } from '../evaluate/ablation';
import type { FeatureOptions } from '../features/samples';
import type { ModelConfig } from '../models/model';
import type { PathSet } from '../paths/path-set';
import { prepareTraining, trainModel } from '../train/pipeline';
import { predict } from '../train/predict';
import { cvrRows, type ProgressMode } from '../train/trainer';

/** Options of `dactionAblation`: the model settings of the run it serves (the report's model config, epochs and seed). */
export interface AblationOptions {
  modelConfig?: keyof typeof MODEL_CONFIGS;
  config?: Partial<ModelConfig>;
  seed?: number;
  replicates?: number;
  features?: FeatureOptions;
  progress?: ProgressMode;
}

/**
 * Train ESM2 for each candidate DAction set on the training rows and score it on the validation rows of the same
 * time split. `paths` are the whole log's mined paths (samples come from them as in `prepareTraining`); `candidates`
 * must come from path mining of the training period (`ablationCandidates(analysePaths(trainingPaths(...).paths).candidates)`).
 */
export async function dactionAblation(table: ColumnTable, paths: PathSet, candidates: { daction: string[]; kind: 'single' | 'greedy' }[], options: AblationOptions = {}): Promise<Ablation> {
  const seed = options.seed ?? TRAIN_DEFAULTS.seed, replicates = options.replicates ?? ABLATION_DEFAULTS.replicates;
  const scores: AblationScore[] = [];
  let val: { buy: Float32Array; rows: Int32Array; users: string[] } | undefined;
  for (const c of candidates) {
    const p = prepareTraining(table, paths, { daction: c.daction, ...options.features });
    const f = await trainModel(p, { model: 'esm2', modelConfig: options.modelConfig, config: options.config, seed, progress: options.progress ?? 'none' });
    const v = p.data.validation;
    scores.push({ ...c, pcvr: predict(f.model, v).pcvr, bestEpoch: f.result.bestEpoch });
    f.model.dispose();
    val ??= { buy: v.buy, rows: cvrRows(v, p.samples.space), users: Array.from(p.split.validation, (i) => p.samples.user_id[i]) };
  }
  return scoreAblation(scores, val ?? { buy: new Float32Array(0), rows: new Int32Array(0), users: [] }, { seed, replicates });
}
