/**
 * Pipeline: a log file to a trained, saved model (load → mine → choose the
 * DAction set on the training period → samples → fit → score on test → save).
 * `buypath train` and the notebooks call this instead of chaining the stages.
 */
import { join } from 'node:path';
import type { ColumnTable } from 'arquero';
import { loadEvents, type LoadOptions } from '../data/load-events';
import { labelledLoadOptions, type LabelledFlags } from '../data/load-labelled';
import { loadLabelledPaths } from '../paths/labelled-paths';
import { MINE_DEFAULTS } from '../defaults';
import { OptionError } from '../errors';
import { scoreModel, type ModelScores } from '../metrics/model-scores';
import { trainingPaths } from '../features/sample-order';
import type { FeatureOptions } from '../features/samples';
import { minePaths, type MineOptions } from '../paths/mine-paths';
import type { PathSet } from '../paths/path-set';
import { analysePaths } from '../paths/path-report';
import { ablationCandidates, type Ablation } from '../evaluate/ablation';
import { dactionAblation, type AblationOptions } from './ablation';
import { fitModel, prepareTraining, type FitOptions, type Fitted, type Prepared } from '../train/pipeline';
import { saveModel } from '../train/save-model';

/** Options of `trainFromLog`. */
export interface TrainLogOptions {
  /** How to read the log (preset, columns, event map, …); saved with the model for `predictLog`. */
  load?: LoadOptions;
  /** Path rules: window and pre-click rule (saved with the model). */
  mine?: Pick<MineOptions, 'window' | 'preClick'>;
  /**
   * The DAction set; absent: the recommendation of path mining on the training period only; `auto`: the DAction
   * ablation's winner (ESM2 per candidate set of the training period, chosen on validation CVR AUC, with `fit`'s settings).
   */
  daction?: string[] | 'auto';
  /** Feature choices (left-out columns, crosses, history). */
  features?: FeatureOptions;
  /** The model, its config, seed, checkpoints and progress. */
  fit: FitOptions;
  /** Read the log as a labelled impression table (0/1 flags per row; data/load-labelled.ts): which columns hold the flags (`{}`: detected). Paths come from the flags. */
  labelled?: LabelledFlags;
  /** Save the model here (and keep its checkpoints in `out/checkpoint` unless `fit.checkpointDir` is set). */
  out?: string;
  /** Called once the samples are built, before training (to print what will be trained). */
  onPrepared?: (prepared: Prepared, daction: string[], dactionSource: DActionSource) => void;
}

/** Which data chose the DAction set: `train` (the training period's paths), `validation` (the ablation) or `override` (the caller's). */
export type DActionSource = 'train' | 'validation' | 'override';

/** Options of `prepareLog`: how to read and mine the log, the DAction set and the feature choices. */
export type PrepareLogOptions = Pick<TrainLogOptions, 'load' | 'mine' | 'daction' | 'features' | 'labelled'> & {
  /** Model settings of the DAction ablation (`daction: 'auto'`): model config, config, seed, progress. */
  ablation?: Omit<AblationOptions, 'features'>;
};

/** What `prepareLog` returns: the canonical table, its paths, and samples ready for any model. */
export interface PreparedLog {
  table: ColumnTable;
  paths: PathSet;
  prepared: Prepared;
  daction: string[];
  dactionSource: DActionSource;
  /** The DAction ablation, with `daction: 'auto'` (null otherwise, or when path mining offers no candidate). */
  ablation: Ablation | null;
}

/** The path rules a log is mined with (and saved with the model): the caller's, else MINE_DEFAULTS. */
function mineRules(mine: TrainLogOptions['mine']): { window: string | number; preClick: NonNullable<MineOptions['preClick']> } {
  return { window: mine?.window ?? MINE_DEFAULTS.window, preClick: mine?.preClick ?? MINE_DEFAULTS.preClick };
}

/**
 * Load and mine a log, choose the DAction set on the training period's paths (unless given), build the
 * samples, split them by time and encode them: everything before fitting, for one model or several.
 */
export async function prepareLog(file: string, options: PrepareLogOptions = {}): Promise<PreparedLog> {
  const mine = mineRules(options.mine);
  const { table, paths } = options.labelled
    ? await loadLabelledPaths(file, options.labelled, labelledLoadOptions(options.load)).then((r) => ({ table: r.labelled.table, paths: r.paths }))
    : await loadEvents(file, options.load).then((r) => ({ table: r.table, paths: minePaths(r.table, mine) }));
  // The recommendation and the ablation's candidates read the training rows' paths only: choosing DActions is part of fitting.
  const given = Array.isArray(options.daction) ? options.daction : undefined;
  const analysis = given ? null : analysePaths(trainingPaths(table, paths).paths);
  const candidates = options.daction === 'auto' ? ablationCandidates(analysis!.candidates) : [];
  const ablation = candidates.length ? await dactionAblation(table, paths, candidates, { ...options.ablation, features: options.features }) : null;
  const daction = given ?? ablation?.chosen ?? analysis!.daction;
  if (!daction.length) {
    throw new OptionError(`daction: expected a DAction set, got none (path mining of the training period recommends none for ${file}). Pass the actions to model (--daction on the command line, daction in a notebook).`);
  }
  const prepared = prepareTraining(table, paths, { daction, ...options.features });
  return { table, paths, prepared, daction, dactionSource: given ? 'override' : ablation ? 'validation' : 'train', ablation };
}

/** What `trainFromLog` returns. */
export interface TrainedLog {
  prepared: Prepared;
  fitted: Fitted;
  daction: string[];
  dactionSource: DActionSource;
  /** The DAction ablation, with `daction: 'auto'`. */
  ablation: Ablation | null;
  /** Test AUCs, and the number of test purchases behind the CVR AUC. */
  test: ModelScores & { positives: number };
}

/** Test purchases behind a CVR AUC: purchases on clicked test rows. */
export function testPositives(p: Prepared): number {
  const t = p.data.test;
  let n = 0;
  for (let i = 0; i < t.buy.length; i++) if (t.buy[i] && (p.samples.space === 'click' || t.click[i])) n++;
  return n;
}

/** Train one model on a log, choosing the DAction set from training data only unless given; save it to `out`. */
export async function trainFromLog(file: string, options: TrainLogOptions): Promise<TrainedLog> {
  const f = options.fit;
  const { prepared, daction, dactionSource, ablation } = await prepareLog(file, { ...options, ablation: { modelConfig: f.modelConfig, config: f.config, seed: f.seed, progress: f.progress } });
  options.onPrepared?.(prepared, daction, dactionSource);
  const checkpointDir = options.fit.checkpointDir ?? (options.out ? join(options.out, 'checkpoint') : undefined);
  const fitted = await fitModel(prepared, { ...options.fit, checkpointDir });
  const scores = scoreModel(prepared.data.test, fitted.test, prepared.samples.space);
  if (options.out) {
    const mine = mineRules(options.mine);
    await saveModel(options.out, fitted.model, {
      config: fitted.config, encoder: prepared.encoder, daction, features: prepared.features, fingerprint: prepared.samples.fingerprint,
      history: fitted.result.history, backend: fitted.backend,
      source: { path: file, labelled: options.labelled, preset: typeof options.load?.preset === 'string' ? options.load.preset : undefined, load: options.load, ...mine },
    });
  }
  return { prepared, fitted, daction, dactionSource, ablation, test: { ...scores, positives: testPositives(prepared) } };
}
