/**
 * Pipeline: the reproducible report of one log, end to end. Load and mine it;
 * analyse the training period's paths; choose the DAction set (the analyst's,
 * else the ablation's winner on validation rows, else the path-mining
 * recommendation); train and compare every model on one split; build the page
 * (report/report.ts) and its numbers. `buypath report`, `npm start` (notebook
 * 03) and the benchmarks call this.
 */
import { loadEvents, type LoadOptions } from '../data/load-events';
import { minePaths } from '../paths/mine-paths';
import { labelledLoadOptions, type LabelledFlags } from '../data/load-labelled';
import { loadLabelledPaths } from '../paths/labelled-paths';
import { analysePaths, type PathReport } from '../paths/path-report';
import { prepareTraining } from '../train/pipeline';
import type { FeatureOptions } from '../features/samples';
import { trainingPaths } from '../features/sample-order';
import { ablationCandidates, type Ablation } from '../evaluate/ablation';
import { initBackend } from '../backend';
import { wasmMatMul } from '../backend-kernels';
import { OptionError } from '../errors';
import { reportPage, reportResults } from '../report/report';
import { dactionAblation } from './ablation';
import { compareModels, type CompareOptions, type ModelComparison } from './compare';
import { COMPARE_MODELS } from './registry';

/** Options of `runReport`. */
export interface ReportOptions extends Omit<CompareOptions, 'modelConfig'> {
  /** The log's preset (e.g. taobao-userbehavior); `load.preset` wins when both are given. */
  preset?: string;
  /** How to read the log (preset, columns, event map, …), as `buypath report`'s load flags and the notebooks' `load` parameter give it. */
  load?: LoadOptions;
  /** Link the executed notebooks from the page (npm start builds them beside it). */
  notebookLinks?: boolean;
  /** The models' size: fast (default) or paper (`--config` on the command line). */
  modelConfig?: CompareOptions['modelConfig'];
  daction?: string[];
  window?: string | number;
  /** Feature choices: left-out columns, crosses, history features. */
  features?: FeatureOptions;
  /** Read the log as a labelled impression table (0/1 flags per row; data/load-labelled.ts): which columns hold the flags (`{}`: detected). */
  labelled?: LabelledFlags;
  /** The DAction ablation (ESM2 per candidate set, chosen on validation CVR AUC): `on` (default, unless `daction` is given) or `off` (the path-mining recommendation). */
  ablation?: 'on' | 'off';
}

/**
 * Load, mine, choose the DAction set (the analyst's, else the ablation's winner on validation rows, else with
 * `ablation: 'off'` the path-mining recommendation of the training period), compare and report a log end to end.
 */
export async function runReport(logPath: string, options: ReportOptions = {}): Promise<{ paths: PathReport; comparison: ModelComparison; ablation: Ablation | null; results: Record<string, unknown>; html: string }> {
  const backend = await initBackend();
  const load: LoadOptions = { ...options.load, preset: options.load?.preset ?? options.preset };
  const { table, paths: mined } = options.labelled
    ? await loadLabelledPaths(logPath, options.labelled, labelledLoadOptions(options.load)).then((r) => ({ table: r.labelled.table, paths: r.paths }))
    : await loadEvents(logPath, load).then((r) => ({ table: r.table, paths: minePaths(r.table, { window: options.window }) }));
  // The path analysis behind the DAction choice reads the training rows only (the same time split as the models).
  const training = trainingPaths(table, mined);
  let paths = analysePaths(training.paths, { daction: options.daction, seed: options.seed });
  const { preset: _logPreset, load: _load, labelled: _labelled, modelConfig, notebookLinks, features: _features, ablation: ablationMode, ...rest } = options;
  let ablation: Ablation | null = null;
  const candidates = ablationCandidates(paths.candidates);
  if (!options.daction && ablationMode !== 'off' && candidates.length) {
    ablation = await dactionAblation(table, mined, candidates, { modelConfig, config: options.config, seed: options.seed, replicates: options.replicates, features: options.features, progress: options.progress });
    const recommended = paths.recommended;
    // The chosen set's sub-task rates, on the same training paths; it is the ablation's choice, not an analyst's override.
    paths = { ...analysePaths(training.paths, { daction: ablation.chosen, seed: options.seed }), override: null };
    paths.notes.unshift(`DAction set ${ablation.chosen.join(' ∪ ')} chosen by the ablation on the validation rows (${ablation.candidates.length} candidate sets; the path-mining rule recommends ${recommended.join(' ∪ ') || 'none'}). ${ablation.sentence}`);
  }
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  const period = mined.labelled?.rowOrder ? `the first ${training.samples} rows` : `${day(training.from)} to ${day(training.until)}`;
  paths.notes.unshift(`Path analysis of the training period only (${training.samples} of ${training.of} samples, ${period}): the DAction candidates come from it, without validation or test rows. Anomaly counts are the whole log's.`);
  if (!paths.daction.length) throw new OptionError(`report: expected a DAction set, got none (no action of ${logPath} passes the rule on the training period). Pass the actions to model (--daction on the command line, daction in a notebook).`);
  const prepared = prepareTraining(table, mined, { daction: paths.daction, ...options.features });
  const comparison = await compareModels(prepared, { ...rest, models: options.models ?? [...COMPARE_MODELS], modelConfig });
  const meta = { source: logPath, preset: typeof load.preset === 'string' ? load.preset : undefined, backend: backend.name, matMul: backend.name === 'wasm' ? wasmMatMul : null };
  const dactionSource = options.daction ? 'override' : ablation ? 'validation' : 'train';
  const results: Record<string, unknown> = { ...reportResults(paths, comparison, meta, ablation), daction_source: dactionSource, samples_left_out: prepared.samples.left_out };
  results.source = { ...(results.source as object), load: options.load ?? null, ...(options.labelled ? { labelled: options.labelled } : {}) };
  return { paths, comparison, ablation, results, html: reportPage(paths, comparison, { ...meta, notebookLinks }, ablation) };
}
