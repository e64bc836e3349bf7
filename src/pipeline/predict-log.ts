/**
 * Pipeline: score a log with a saved model (load the model → read the log the
 * way the training log was read → mine → samples → predict). `buypath predict`
 * calls this.
 */
import { loadEvents, type LoadOptions } from '../data/load-events';
import { encodeRows } from '../features/encoder';
import { buildSamples, type SampleSet } from '../features/samples';
import { minePaths } from '../paths/mine-paths';
import { labelledLoadOptions } from '../data/load-labelled';
import { loadLabelledPaths } from '../paths/labelled-paths';
import { trainData } from '../train/data';
import { predict, type Predictions } from '../train/predict';
import { loadModel, type ModelMeta } from '../train/save-model';

/** What `predictLog` returns: every sample of the log, its labels and the model's predictions. */
export interface PredictedLog {
  meta: ModelMeta;
  samples: SampleSet;
  predictions: Predictions;
}

/**
 * Score every sample of `file` with the model saved in `dir`. The log is read with the load options the
 * model was trained with, overridden field by field by `load` (e.g. another preset for another export).
 */
export async function predictLog(dir: string, file: string, load: LoadOptions = {}): Promise<PredictedLog> {
  const { model, meta } = await loadModel(dir);
  const saved: LoadOptions = meta.source.load ?? (meta.source.preset ? { preset: meta.source.preset } : {});
  // A model trained on a labelled table reads its logs as labelled tables, with the same flag columns.
  const { table, paths } = meta.source.labelled
    ? await loadLabelledPaths(file, meta.source.labelled, labelledLoadOptions({ ...saved, ...load })).then((r) => ({ table: r.labelled.table, paths: r.paths }))
    : await loadEvents(file, { ...saved, ...load }).then((r) => ({ table: r.table, paths: minePaths(r.table, { window: meta.source.window, preClick: meta.source.preClick }) }));
  // Every impression is scored, the latest too (their labels may be cut off by the log's end; they are not used here).
  const samples = buildSamples(table, paths, { daction: meta.daction, ...meta.features, keepCensored: true });
  const all = Int32Array.from({ length: samples.n }, (_, i) => i);
  const d = trainData(samples, encodeRows(samples, meta.encoder), all, meta.encoder.categorical.length, meta.encoder.numeric.length);
  const predictions = predict(model, d);
  model.dispose();
  return { meta, samples, predictions };
}
