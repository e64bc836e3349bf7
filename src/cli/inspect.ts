/** `buypath inspect`: load a log and print its load report. */
import { loadEvents } from '../data/load-events';
import { suggestPreset } from '../data/suggest';
import { formatLoadReport, PROBLEM_CLASSES } from '../data/load-report';
import { OptionError } from '../errors';
import { parse, type Command } from './args';
import { LOAD_FLAGS, LOAD_FLAGS_USAGE, loadOptionsFromFlags } from './load-flags';

/** `buypath inspect`: load a log and report its rows, events and problems (`--suggest`: propose a preset). */
export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'load a log and report rows, events and problems per class',
  usage: `Usage: buypath inspect FILE [--preset P] [load flags] [--json]
       buypath inspect FILE --suggest > my-log.json   (then: buypath inspect FILE --preset my-log.json)

Loads FILE (CSV/TSV with or without header, JSONL, Parquet; gzip detected) into the
canonical schema and prints rows read and kept, events per canonical name, and each
problem class (count, first lines, an example).
  --json       print one JSON object: rows, rows_read, events, problems (count per class), report
  --suggest    print a preset for FILE (columns recognised, event values with counts and a guessed
               event map, the timestamp style) to save, check and pass back with --preset

${LOAD_FLAGS_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse('inspect', argv, {
      ...LOAD_FLAGS, json: { type: 'boolean' }, suggest: { type: 'boolean' },
    });
    if (values.help) return console.log(this.usage), 0;
    const file = positionals[0];
    if (!file) throw new OptionError('buypath inspect: expected a FILE argument, got none. Run e.g. `buypath inspect events.csv --preset buypath`.');
    if (values.suggest) {
      const s = await suggestPreset(file);
      console.log(JSON.stringify(s.preset, null, 2));
      console.error(`buypath inspect --suggest: a ${s.format} file${s.header ? ' with a header' : ' without a header'}, ${s.sampled} rows sampled; save the preset above (> my-log.json), check its notes, then run: buypath inspect ${file} --preset my-log.json`);
      return 0;
    }
    const { report } = await loadEvents(file, loadOptionsFromFlags('inspect', values));
    if (values.json) {
      const problems = Object.fromEntries(PROBLEM_CLASSES.map((c) => [c, report.problems[c].count]));
      console.log(JSON.stringify({ rows: report.rows_kept, rows_read: report.rows_read, events: report.events, problems, report }, null, 2));
    } else console.log(formatLoadReport(report));
    return 0;
  },
};
