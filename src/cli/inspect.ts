/** `buypath inspect`: load a log and print its load report. */
import { loadEvents } from '../data/load-events';
import { formatLoadReport, PROBLEM_CLASSES } from '../data/load-report';
import { OptionError } from '../errors';
import { parse, type Command } from './args';
import { LOAD_FLAGS, LOAD_FLAGS_USAGE, loadOptionsFromFlags } from './load-flags';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'load a log and report rows, events and problems per class',
  usage: `Usage: buypath inspect FILE [--preset P] [load flags] [--json]

Loads FILE (CSV/TSV with or without header, JSONL, Parquet; gzip detected) into the
canonical schema and prints rows read and kept, events per canonical name, and each
problem class (count, first lines, an example).
  --json       print one JSON object: rows, rows_read, events, problems (count per class), report

${LOAD_FLAGS_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse('inspect', argv, {
      ...LOAD_FLAGS, json: { type: 'boolean' },
    });
    if (values.help) return console.log(this.usage), 0;
    const file = positionals[0];
    if (!file) throw new OptionError('buypath inspect: expected a FILE argument, got none. Run e.g. `buypath inspect events.csv --preset buypath`.');
    const { report } = await loadEvents(file, loadOptionsFromFlags('inspect', values));
    if (values.json) {
      const problems = Object.fromEntries(PROBLEM_CLASSES.map((c) => [c, report.problems[c].count]));
      console.log(JSON.stringify({ rows: report.rows_kept, rows_read: report.rows_read, events: report.events, problems, report }, null, 2));
    } else console.log(formatLoadReport(report));
    return 0;
  },
};
