/** `buypath train` and `buypath predict`: fit a model on a log, and score a log with a saved model. */
import { createWriteStream } from 'node:fs';
import { initBackend } from '../backend';
import { loadEvents } from '../data/load-events';
import { minePaths } from '../paths/mine-paths';
import { analysePaths } from '../paths/path-report';
import { prepareTraining, fitModel } from '../train/pipeline';
import { loadModel, saveModel } from '../train/save-model';
import { buildSamples, parseFeatureOptions } from '../features/samples';
import { trainingPaths } from '../features/sample-order';
import { encodeRows } from '../features/encoder';
import { csvField } from '../data/csv';
import { trainData } from '../train/data';
import { predict } from '../train/predict';
import { scoreModel } from '../evaluate/model-scores';
import { MINE_DEFAULTS, MODEL_PRESETS } from '../defaults';
import { MODELS } from '../models/index';
import { OptionError } from '../errors';
import { intFlag, listFlag, parse, type Command } from './args';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train ESM2 or a baseline on a log and save it',
  usage: `Usage: buypath train LOG --out DIR [--model ${Object.keys(MODELS).join('|')}] [--daction a,b] [--preset P]
                    [--config fast|paper] [--epochs N] [--seed S] [--window 7d] [--resume]
                    [--exclude a,b] [--cross a:b[,c:d]] [--history]

Mines LOG's paths, builds samples (impression space, or click space for logs without
impressions), splits them by time (70/10/20), trains with early stopping and a checkpoint
per epoch in DIR/checkpoint, saves the model to DIR and prints test metrics.
  --daction a,b   the DAction set (default: the recommendation of path mining)
  --config C      ${Object.keys(MODEL_PRESETS).join(' or ')} (default fast)
  --exclude a,b   columns that are not features (user_id,item_id stay keys)
  --cross a:b     a cross feature of categorical columns a and b (comma-separate several)
  --history       add history features from strictly earlier samples
  --resume        continue from DIR/checkpoint`,
  async run(argv) {
    const { values, positionals } = parse('train', argv, {
      out: { type: 'string' }, model: { type: 'string' }, daction: { type: 'string' }, preset: { type: 'string' }, config: { type: 'string' },
      epochs: { type: 'string' }, seed: { type: 'string' }, window: { type: 'string' }, resume: { type: 'boolean' },
      exclude: { type: 'string' }, cross: { type: 'string' }, history: { type: 'boolean' },
    });
    if (values.help) return console.log(this.usage), 0;
    const file = positionals[0];
    if (!file || !values.out) throw new OptionError('buypath train: expected LOG and --out DIR, got ' + (file ? 'no --out' : 'no LOG') + '. Run e.g. `buypath train events.csv --model esm2 --out model/`.');
    const backend = await initBackend();
    const preset = values.preset as string | undefined;
    const window = (values.window as string | undefined) ?? MINE_DEFAULTS.window;
    const { table } = await loadEvents(file, { preset });
    const paths = minePaths(table, { window });
    // The recommendation reads the training rows' paths only: choosing DActions is part of fitting.
    const daction = listFlag(values.daction) ?? analysePaths(trainingPaths(table, paths).paths, { bootstrap: 200 }).daction;
    if (!daction.length) throw new OptionError(`buypath train: expected a DAction set, got none (path mining of the training period recommends none for ${file}). Pass --daction with the actions to model.`);
    const prepared = prepareTraining(table, paths, { daction, ...parseFeatureOptions(values.exclude as string | undefined, values.cross as string | undefined, Boolean(values.history)) });
    const s = prepared.samples;
    console.log(`${s.n} samples in ${s.space} space (train ${prepared.split.train.length}, validation ${prepared.split.validation.length}, test ${prepared.split.test.length}); DAction ${daction.join('∪')}${values.daction ? '' : ' (recommended on the training period)'}`);
    const lo = s.left_out;
    if (lo.no_impression || lo.window_past_log_end) console.log(`left out: ${lo.no_impression} clicks without an impression, ${lo.window_past_log_end} paths whose ${window} window runs past the log's last event (shorten --window to keep more)`);
    if (s.space === 'click') console.log('No impressions in this log: only the post-click towers train; CTR-side outputs (pctr, pctavr, pctcvr) are absent.');
    const configName = ((values.config as string | undefined) ?? 'fast') as keyof typeof MODEL_PRESETS;
    const epochs = values.epochs ? intFlag('train', 'epochs', values.epochs as string, 0) : undefined;
    const f = await fitModel(prepared, {
      model: ((values.model as string | undefined) ?? 'esm2') as 'esm2', preset: configName, config: epochs ? { epochs } : {},
      seed: intFlag('train', 'seed', values.seed as string | undefined, 1), checkpointDir: `${values.out}/checkpoint`, resume: Boolean(values.resume),
    });
    const { cvr_auc: cvr, ctcvr_auc: ctcvr } = scoreModel(prepared.data.test, f.test, s.space);
    await saveModel(String(values.out), f.model, {
      config: f.config, encoder: prepared.encoder, daction, features: prepared.features, fingerprint: s.fingerprint, history: f.result.history, backend: backend.name,
      source: { path: file, preset, window, preClick: MINE_DEFAULTS.preClick },
    });
    console.log(`${f.model.name}: test CVR AUC ${cvr.toFixed(4)} (clicked rows)${Number.isNaN(ctcvr) ? '' : `, CTCVR AUC ${ctcvr.toFixed(4)}`}; best epoch ${f.result.bestEpoch}, ${Math.round(f.result.samplesPerSecond)} samples/s on ${backend.name}; saved to ${values.out}`);
    return 0;
  },
};

export const predictCommand: Command = {
  name: 'predict',
  summary: 'score a log with a saved model: pctr, pctavr, pcvr, pctcvr per sample',
  usage: `Usage: buypath predict DIR LOG --out preds.csv [--preset P]

Reads LOG the way the model's training log was read (preset, window), builds its samples
and writes one row per sample: the key (impression_id, or user_id,item_id), ts, the labels
click,daction,buy and pctr,pctavr,pcvr,pctcvr (empty where the model does not predict them,
e.g. the CTR side in click space).`,
  async run(argv) {
    const { values, positionals } = parse('predict', argv, { out: { type: 'string' }, preset: { type: 'string' } });
    if (values.help) return console.log(this.usage), 0;
    const [dir, file] = positionals;
    if (!dir || !file || !values.out) throw new OptionError('buypath predict: expected DIR, LOG and --out FILE. Run e.g. `buypath predict model/ events.csv --out preds.csv`.');
    const { model, meta } = await loadModel(dir);
    const { table } = await loadEvents(file, { preset: (values.preset as string | undefined) ?? meta.source.preset });
    const paths = minePaths(table, { window: meta.source.window, preClick: meta.source.preClick });
    // Every impression is scored, the latest too (their labels may be cut off by the log's end; they are not used here).
    const s = buildSamples(table, paths, { daction: meta.daction, ...meta.features, keepCensored: true });
    const d = trainData(s, encodeRows(s, meta.encoder), Int32Array.from({ length: s.n }, (_, i) => i), meta.encoder.categorical.length, meta.encoder.numeric.length);
    const p = predict(model, d);
    const out = createWriteStream(String(values.out));
    const keyCols = s.impression_id ? ['impression_id', 'user_id', 'item_id'] : ['user_id', 'item_id'];
    const num = (a: Float32Array | null, i: number) => (a ? String(a[i]) : '');
    out.write([...keyCols, 'ts', 'click', 'daction', 'buy', 'pctr', 'pctavr', 'pcvr', 'pctcvr'].join(',') + '\n');
    for (let i = 0; i < s.n; i++) {
      const key = s.impression_id ? [s.impression_id[i], s.user_id[i], s.item_id[i]] : [s.user_id[i], s.item_id[i]];
      const line = [...key.map(csvField), s.ts[i], s.labels.click[i], s.labels.daction[i], s.labels.buy[i], num(p.pctr, i), num(p.pctavr, i), num(p.pcvr, i), num(p.pctcvr, i)].join(',');
      if (!out.write(line + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    console.log(`wrote ${s.n} predictions (${s.space} space, model ${meta.model}) to ${values.out}`);
    return 0;
  },
};
