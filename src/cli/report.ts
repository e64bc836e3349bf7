/** `buypath report`: the whole journey on one log, written as a self-contained page and its numbers. */
import { runReport, writeReport } from '../report/report';
import { COMPARE_MODELS, type CompareModel } from '../evaluate/compare';
import { MODEL_PRESETS } from '../defaults';
import { OptionError } from '../errors';
import { parseFeatureOptions } from '../features/samples';
import { intFlag, parse, type Command } from './args';

export const reportCommand: Command = {
  name: 'report',
  summary: 'mine, train GBDT/DNN/DNN-OS/ESMM/ESM2, compare; write index.html and results.json',
  usage: `Usage: buypath report LOG --out DIR [--preset P] [--daction a,b] [--models ${COMPARE_MODELS.join(',')}]
                     [--config fast|paper] [--epochs N] [--seed S] [--replicates B]
                     [--exclude a,b] [--cross a:b[,c:d]] [--history]

Writes DIR/index.html (self-contained: plotly inlined, works offline) and DIR/results.json
(every number shown, with seed and data fingerprint; models keyed gbdt, dnn, dnn_os, esmm, esm2,
each metric with a _ci pair; lift_over_gbdt; split; features).
--exclude, --cross and --history choose the features as in \`buypath train\`.`,
  async run(argv) {
    const { values, positionals } = parse('report', argv, {
      out: { type: 'string' }, preset: { type: 'string' }, daction: { type: 'string' }, models: { type: 'string' }, config: { type: 'string' },
      epochs: { type: 'string' }, seed: { type: 'string' }, replicates: { type: 'string' },
      exclude: { type: 'string' }, cross: { type: 'string' }, history: { type: 'boolean' },
    });
    if (values.help) return console.log(this.usage), 0;
    const file = positionals[0];
    if (!file || !values.out) throw new OptionError('buypath report: expected LOG and --out DIR. Run e.g. `buypath report events.csv --out report/`.');
    const models = values.models ? (String(values.models).split(',') as CompareModel[]) : undefined;
    const bad = models?.filter((m) => !(COMPARE_MODELS as readonly string[]).includes(m));
    if (bad?.length) throw new OptionError(`buypath report --models: expected names among ${COMPARE_MODELS.join(', ')}, got ${bad.join(', ')}.`);
    const config = ((values.config as string | undefined) ?? 'fast') as keyof typeof MODEL_PRESETS;
    if (!MODEL_PRESETS[config]) throw new OptionError(`buypath report --config: expected fast or paper, got "${config}".`);
    const t0 = Date.now();
    const epochs = values.epochs === undefined ? undefined : intFlag('report', 'epochs', values.epochs as string, 1, 1);
    const r = await runReport(file, {
      preset: values.preset as string | undefined, daction: values.daction ? String(values.daction).split(',') : undefined, models,
      modelPreset: config, config: epochs ? { epochs } : undefined, seed: intFlag('report', 'seed', values.seed as string | undefined, 1),
      replicates: intFlag('report', 'replicates', values.replicates as string | undefined, 100), progress: 'lines',
      features: parseFeatureOptions(values.exclude as string | undefined, values.cross as string | undefined, Boolean(values.history)),
    });
    const out = writeReport(String(values.out), r.html, r.results);
    console.log((r.results.ordering as { statement: string }).statement);
    console.log(`wrote ${out.html} and ${out.json} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  },
};
