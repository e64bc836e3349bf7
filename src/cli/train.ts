/** `buypath train` and `buypath predict`: fit a model on a log, and score a log with a saved model. */
import { createWriteStream } from 'node:fs';
import { initBackend } from '../backend';
import { csvField } from '../data/csv';
import { parseFeatureOptions } from '../features/samples';
import { MINE_DEFAULTS, MODEL_CONFIGS, TRAIN_DEFAULTS } from '../defaults';
import { isModelName, MODELS } from '../models/index';
import { trainFromLog } from '../pipeline/train-log';
import { predictLog } from '../pipeline/predict-log';
import { OptionError } from '../errors';
import { intFlag, listFlag, parse, type Command } from './args';
import { LABELLED_FLAG, LABELLED_USAGE, LOAD_FLAGS, LOAD_FLAGS_USAGE, labelledFromFlags, loadOptionsFromFlags } from './load-flags';

/** Under this many test purchases an AUC moves by several points between samples: say so where it is printed. */
const FEW_POSITIVES = 100;

/** `buypath train`: train one model on a log and save it (trainFromLog). */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train ESM2 or a baseline on a log and save it',
  usage: `Usage: buypath train LOG --out DIR [--model ${Object.keys(MODELS).join('|')}] [--daction a,b] [--preset P] [load flags]
                    [--config fast|paper] [--epochs N] [--seed S] [--window 7d] [--resume]
                    [--exclude a,b] [--cross a:b[,c:d]] [--history]

Mines LOG's paths, builds samples (impression space, or click space for logs without
impressions), splits them by time (70/10/20), trains with early stopping and a checkpoint
per epoch in DIR/checkpoint, saves the model to DIR and prints test metrics.
  --daction a,b   the DAction set (default: the recommendation of path mining on the training period;
                  auto: the DAction ablation's winner, ESM2 trained per candidate set with these
                  --config/--epochs/--seed and chosen on validation CVR AUC)
  --config C      ${Object.keys(MODEL_CONFIGS).join(' or ')} (default fast)
  --epochs N      at least 1 (default: the config's)
  --exclude a,b   columns that are not features (user_id,item_id stay keys)
  --cross a:b     a cross feature of categorical columns a and b (comma-separate several)
  --history       add history features from strictly earlier samples
  --resume        continue from DIR/checkpoint

${LOAD_FLAGS_USAGE}

${LABELLED_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse('train', argv, {
      ...LOAD_FLAGS, ...LABELLED_FLAG, out: { type: 'string' }, model: { type: 'string' }, daction: { type: 'string' }, config: { type: 'string' },
      epochs: { type: 'string' }, seed: { type: 'string' }, window: { type: 'string' }, resume: { type: 'boolean' },
      exclude: { type: 'string' }, cross: { type: 'string' }, history: { type: 'boolean' },
    });
    if (values.help) return console.log(this.usage), 0;
    const file = positionals[0];
    if (!file || !values.out) throw new OptionError('buypath train: expected LOG and --out DIR, got ' + (file ? 'no --out' : 'no LOG') + '. Run e.g. `buypath train events.csv --model esm2 --out model/`.');
    // Every flag is checked before any data is read.
    const model = (values.model as string | undefined) ?? 'esm2';
    if (!isModelName(model)) throw new OptionError(`buypath train --model: expected one of ${Object.keys(MODELS).join(', ')}, got "${model}".`);
    const configName = ((values.config as string | undefined) ?? TRAIN_DEFAULTS.modelConfig) as keyof typeof MODEL_CONFIGS;
    if (!MODEL_CONFIGS[configName]) throw new OptionError(`buypath train --config: expected ${Object.keys(MODEL_CONFIGS).join(' or ')}, got "${configName}".`);
    const epochs = values.epochs === undefined ? undefined : intFlag('train', 'epochs', values.epochs as string, 1, 1);
    const seed = intFlag('train', 'seed', values.seed as string | undefined, TRAIN_DEFAULTS.seed);
    const window = (values.window as string | undefined) ?? MINE_DEFAULTS.window;
    const load = loadOptionsFromFlags('train', values);
    const labelled = labelledFromFlags('train', values);
    const features = parseFeatureOptions(values.exclude as string | undefined, values.cross as string | undefined, Boolean(values.history));
    const backend = await initBackend();
    const t = await trainFromLog(file, {
      load, labelled, mine: { window }, daction: values.daction === 'auto' ? 'auto' : listFlag(values.daction), features, out: String(values.out),
      fit: { model, modelConfig: configName, config: epochs ? { epochs } : {}, seed, resume: Boolean(values.resume) },
      onPrepared(prepared, daction, source) {
        const s = prepared.samples;
        console.log(`${s.n} samples in ${s.space} space (train ${prepared.split.train.length}, validation ${prepared.split.validation.length}, test ${prepared.split.test.length}); DAction ${daction.join('∪')}${source === 'train' ? ' (recommended on the training period)' : source === 'validation' ? ' (chosen by the DAction ablation on the validation rows)' : ''}`);
        const lo = s.left_out;
        if (lo.no_impression || lo.window_past_log_end) console.log(`left out: ${lo.no_impression} clicks without an impression, ${lo.window_past_log_end} paths whose ${window} window runs past the log's last event (shorten --window to keep more)`);
        if (s.space === 'click') console.log('No impressions in this log: only the post-click towers train; CTR-side outputs (pctr, pctavr, pctcvr) are absent.');
      },
    });
    if (t.ablation) {
      console.log('DAction ablation (ESM2 per candidate set, validation CVR AUC on clicked rows):');
      for (const c of t.ablation.candidates) console.log(`  ${c.chosen ? '★' : ' '} ${c.daction.join('∪')}: ${c.val_cvr_auc.toFixed(4)} [${c.val_cvr_auc_ci[0].toFixed(4)}, ${c.val_cvr_auc_ci[1].toFixed(4)}]`);
      console.log(t.ablation.sentence);
    }
    const { cvr_auc: cvr, ctcvr_auc: ctcvr, positives } = t.test;
    const f = t.fitted;
    console.log(`${f.model.name}: test CVR AUC ${cvr.toFixed(4)} (clicked rows, ${positives} purchases)${Number.isNaN(ctcvr) ? '' : `, CTCVR AUC ${ctcvr.toFixed(4)}`}; best epoch ${f.result.bestEpoch}, ${Math.round(f.result.samplesPerSecond)} samples/s on ${backend.name}; saved to ${values.out}`);
    if (positives < FEW_POSITIVES) console.log(`warning: only ${positives} test purchases: an AUC on so few moves by several points from sample to sample; \`buypath report\` gives intervals. Use a longer log for a firmer number.`);
    return 0;
  },
};

/** `buypath predict`: score a log with a saved model (predictLog) and write one row per sample. */
export const predictCommand: Command = {
  name: 'predict',
  summary: 'score a log with a saved model: pctr, pctavr, pcvr, pctcvr per sample',
  usage: `Usage: buypath predict DIR LOG --out preds.csv [load flags]

Reads LOG the way the model's training log was read (its load options, window and pre-click
rule; load flags given here override them), builds its samples and writes one row per sample:
the key (impression_id, or user_id,item_id), ts, the labels click,daction,buy and
pctr,pctavr,pcvr,pctcvr (empty where the model does not predict them, e.g. the CTR side in
click space).

${LOAD_FLAGS_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse('predict', argv, { ...LOAD_FLAGS, out: { type: 'string' } });
    if (values.help) return console.log(this.usage), 0;
    const [dir, file] = positionals;
    if (!dir || !file || !values.out) throw new OptionError('buypath predict: expected DIR, LOG and --out FILE. Run e.g. `buypath predict model/ events.csv --out preds.csv`.');
    const { meta, samples: s, predictions: p } = await predictLog(dir, file, loadOptionsFromFlags('predict', values));
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
