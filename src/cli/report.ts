/** `buypath report`: the whole journey on one log, written as a self-contained page and its numbers. */
import { writeReport } from '../report/report';
import { runReport } from '../pipeline/report';
import { COMPARABLE_MODELS, COMPARE_MODELS } from '../pipeline/registry';
import { COMPARE_DEFAULTS, MODEL_CONFIGS, TRAIN_DEFAULTS } from '../defaults';
import { OptionError } from '../errors';
import { parseFeatureOptions } from '../features/samples';
import { intFlag, listFlag, parse, type Command } from './args';
import { LABELLED_FLAG, LABELLED_USAGE, LOAD_FLAGS, LOAD_FLAGS_USAGE, labelledFromFlags, loadOptionsFromFlags } from './load-flags';

/** `buypath report`: the end-to-end report of a log (runReport): index.html and results.json. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'mine, choose the DActions (ablation), train GBDT/DNN/DNN-OS/ESMM/ESM2, compare; write index.html and results.json',
  usage: `Usage: buypath report LOG --out DIR [--preset P] [load flags] [--daction a,b] [--models ${COMPARE_MODELS.join(',')}]
                     [--config fast|paper] [--epochs N] [--seed S] [--replicates B] [--ablation on|off]
                     [--exclude a,b] [--cross a:b[,c:d]] [--history]

Without --daction, the DAction ablation trains ESM2 for each candidate set of path mining
on the training period and models the set with the highest validation CVR AUC
(--ablation off: the path-mining recommendation; it trains with the same --epochs).
Writes DIR/index.html (self-contained: plotly inlined, works offline) and DIR/results.json
(every number shown, with seed and data fingerprint; models keyed gbdt, dnn, dnn_os, esmm, esm2,
each metric with a _ci pair; lift_over_gbdt; comparisons (paired ΔAUC, lift, RelaImpr);
minimum_detectable_difference; daction_ablation; daction_source; split; features).
--models may add dnn_mt (the DNN with shared embeddings). --replicates: user-bootstrap
replicates (default ${COMPARE_DEFAULTS.replicates}).
--exclude, --cross and --history choose the features as in \`buypath train\`.

${LOAD_FLAGS_USAGE}

${LABELLED_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse('report', argv, {
      ...LOAD_FLAGS, ...LABELLED_FLAG, out: { type: 'string' }, daction: { type: 'string' }, models: { type: 'string' }, config: { type: 'string' },
      epochs: { type: 'string' }, seed: { type: 'string' }, replicates: { type: 'string' }, ablation: { type: 'string' },
      exclude: { type: 'string' }, cross: { type: 'string' }, history: { type: 'boolean' },
    });
    if (values.help) return console.log(this.usage), 0;
    const file = positionals[0];
    if (!file || !values.out) throw new OptionError('buypath report: expected LOG and --out DIR, got ' + (file ? 'no --out' : 'no LOG') + '. Run e.g. `buypath report events.csv --out report/`.');
    const models = listFlag(values.models);
    const bad = models?.filter((m) => !(COMPARABLE_MODELS as readonly string[]).includes(m));
    if (bad?.length) throw new OptionError(`buypath report --models: expected names among ${COMPARABLE_MODELS.join(', ')}, got ${bad.join(', ')}.`);
    const ablation = (values.ablation as string | undefined) ?? 'on';
    if (ablation !== 'on' && ablation !== 'off') throw new OptionError(`buypath report --ablation: expected on or off, got "${ablation}".`);
    const config = ((values.config as string | undefined) ?? TRAIN_DEFAULTS.modelConfig) as keyof typeof MODEL_CONFIGS;
    if (!MODEL_CONFIGS[config]) throw new OptionError(`buypath report --config: expected fast or paper, got "${config}".`);
    const load = loadOptionsFromFlags('report', values);
    const labelled = labelledFromFlags('report', values);
    const t0 = Date.now();
    const epochs = values.epochs === undefined ? undefined : intFlag('report', 'epochs', values.epochs as string, 1, 1);
    const r = await runReport(file, {
      load, labelled, daction: listFlag(values.daction), models,
      modelConfig: config, config: epochs ? { epochs } : undefined, seed: intFlag('report', 'seed', values.seed as string | undefined, TRAIN_DEFAULTS.seed),
      replicates: intFlag('report', 'replicates', values.replicates as string | undefined, COMPARE_DEFAULTS.replicates), progress: 'lines', ablation,
      features: parseFeatureOptions(values.exclude as string | undefined, values.cross as string | undefined, Boolean(values.history)),
    });
    const out = writeReport(String(values.out), r.html, r.results);
    if (r.ablation) console.log(`DAction ablation: ${r.ablation.sentence}`);
    console.log((r.results.ordering as { statement: string }).statement);
    console.log(`wrote ${out.html} and ${out.json} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  },
};
