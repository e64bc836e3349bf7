/** `buypath mine`: mine click-to-buy paths and choose the deterministic actions. */
import { writeFileSync } from 'node:fs';
import type { PathReport } from '../paths/path-report';
import { ENGINES, mineLog, type Engine } from '../pipeline/mine-log';
import { pathReportPage } from '../report/path-report-html';
import { ANALYSE_DEFAULTS, EXPLORE_DEFAULTS, MINE_DEFAULTS } from '../defaults';
import { OptionError } from '../errors';
import { intFlag, listFlag, parse, type Command } from './args';
import { exploreReport } from '../explore/explore-report';
import { formatExplore } from './mine-explore';
import { LABELLED_FLAG, LABELLED_USAGE, LOAD_FLAGS, LOAD_FLAGS_USAGE, labelledFromFlags, loadOptionsFromFlags } from './load-flags';
import { formatLabelledReport, LABELLED_PROBLEMS } from '../data/load-labelled';

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(2)}%`);

/** Plain-text summary of a path report. */
export function formatPathReport(r: PathReport): string {
  const lines = [r.labelled
    ? `${r.paths} labelled rows → ${r.paths} paths (${r.clicked_paths} clicked), one per row, from the flags`
    : `${r.events} events → ${r.paths} paths (${r.clicked_paths} clicked), mode ${r.mode}, window ${r.window_s / 86400} d, rule ${r.pre_click_rule}`];
  lines.push('funnel: ' + r.funnel.steps.map((s) => `${s.step} ${s.count}${s.of ? ` (${pct(s.rate)} of ${s.of})` : ''}`).join(' → '));
  lines.push('action        P(a|click)  P(buy|a)  P(buy|not a)  lift   coverage');
  for (const a of r.actions) {
    lines.push(`${a.action.padEnd(12)}  ${pct(a.rate_given_click).padStart(10)}  ${pct(a.buy_rate).padStart(8)}  ${pct(a.buy_rate_without).padStart(12)}  ${(Number.isFinite(a.lift) ? a.lift.toFixed(2) : a.lift > 0 ? '∞' : '—').padStart(5)}  ${pct(a.buy_coverage).padStart(8)}`);
  }
  lines.push(`recommended DAction: ${r.recommended.join(', ') || 'none'}${r.override ? ` (override: ${r.override.join(', ')})` : ''}`);
  lines.push(`  rule: ${r.recommendation_rule}`);
  if (r.chosen) {
    const c = r.chosen;
    lines.push(`ESM2 sub-tasks for ${c.daction.join('∪')}: click→DAction ${pct(c.click_to_daction)}, DAction→buy ${pct(c.daction_to_buy)}, OAction→buy ${pct(c.oaction_to_buy)}, click→buy ${pct(c.click_to_buy)}; ${c.data_ratio.toFixed(1)} DAction paths per purchase`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** `buypath mine`: mine a log's paths, analyse them and recommend the DAction set (with the exploration views on request). */
export const mineCommand: Command = {
  name: 'mine',
  summary: 'mine click-to-buy paths: funnel, action table, deterministic actions',
  usage: `Usage: buypath mine FILE [--preset P] [load flags] [--window 7d] [--daction a,b] [--json OUT|-] [--html OUT]
                   [--mode auto|impression|user-item] [--pre-click attach|drop] [--seed S]
                   [--engine auto|memory|duckdb] [--by COLUMN] [--scan] [--graph]

Mines one path per impression (or per user-item pair and click within --window), then
prints the funnel, the action table and the recommended DAction set.
  --window W      attribution window from the click: 7d, 12h, 30m or seconds (default ${MINE_DEFAULTS.window})
  --daction a,b   the analyst's DAction set, overriding the recommendation
  --pre-click R   actions before the first click of their item: attach (default) or drop
  --json OUT|-    write the full analysis as JSON (funnel, actions, recommended, …) to OUT or stdout
  --html OUT      write a self-contained HTML page with tables and plots
  --engine E      duckdb (DuckDB reads ids, events and times; one typed-array walk mines them,
                  in partitions when the log is larger than memory), memory (also reads the
                  features into a table), or auto (default: duckdb, unless --by, --scan or
                  --graph need the table)
  --by COLUMN     break the funnel, action table and recommendation down by a column (numeric
                  columns in ${EXPLORE_DEFAULTS.bands} quantile bands, else the top ${EXPLORE_DEFAULTS.maxGroups} values), with a heterogeneity test
  --scan          score every action and property value for association with purchase (BH q-values)
  --graph         transition graph (directly-follows, with times) and step matrix of clicked paths
Time to purchase (Kaplan–Meier, censored at the log's end) is always included.

${LOAD_FLAGS_USAGE}

${LABELLED_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse('mine', argv, {
      ...LOAD_FLAGS, ...LABELLED_FLAG, window: { type: 'string' }, daction: { type: 'string' }, json: { type: 'string' }, html: { type: 'string' },
      mode: { type: 'string' }, 'pre-click': { type: 'string' }, seed: { type: 'string' }, engine: { type: 'string' },
      by: { type: 'string' }, scan: { type: 'boolean' }, graph: { type: 'boolean' },
    });
    if (values.help) return console.log(this.usage), 0;
    const file = positionals[0];
    if (!file) throw new OptionError('buypath mine: expected a FILE argument, got none. Run e.g. `buypath mine events.csv --preset buypath`.');
    const mode = (values.mode as string | undefined) ?? 'auto';
    if (!['auto', 'impression', 'user-item'].includes(mode)) throw new OptionError(`buypath mine --mode: expected auto, impression or user-item, got "${mode}".`);
    const engine = ((values.engine as string | undefined) ?? 'auto') as Engine;
    if (!ENGINES.includes(engine)) throw new OptionError(`buypath mine --engine: expected ${ENGINES.join(', ')}, got "${engine}".`);
    const explore = { by: values.by as string | undefined, scan: Boolean(values.scan), graph: Boolean(values.graph) };
    const inMemory = Boolean(explore.by || explore.scan || explore.graph);
    if (inMemory && engine === 'duckdb') throw new OptionError('buypath mine: --by, --scan and --graph need the events in memory, got --engine duckdb. Pass --engine memory, or leave --engine out.');
    const preClick = (values['pre-click'] as string | undefined) ?? MINE_DEFAULTS.preClick;
    if (preClick !== 'attach' && preClick !== 'drop') throw new OptionError(`buypath mine --pre-click: expected attach or drop, got "${preClick}".`);
    const seed = intFlag('mine', 'seed', values.seed as string | undefined, ANALYSE_DEFAULTS.seed);
    const labelled = labelledFromFlags('mine', values);
    if (labelled && explore.graph) throw new OptionError('buypath mine --graph: expected an event log (the graph follows events in order), got --labelled, whose rows hold flags, not events. Leave --graph out.');
    const mined = await mineLog(file, {
      engine: inMemory ? 'memory' : engine, load: loadOptionsFromFlags('mine', values),
      mine: { window: (values.window as string | undefined) ?? MINE_DEFAULTS.window, mode: mode as 'auto', preClick },
      analyse: { daction: listFlag(values.daction), seed }, labelled,
    });
    const { report: r, load } = mined;
    const x = exploreReport(mined.paths, mined.table, { ...explore, seed });
    const quarantined = load.rows_read - load.rows_kept;
    const out = { source: { path: file, engine: mined.engine, rows_read: load.rows_read, rows_kept: load.rows_kept, quarantined, ...(load.labelled ? { labelled: load.labelled } : {}) }, ...r, ...x };
    if (values.json === '-') console.log(JSON.stringify(out, null, 2));
    else {
      if (values.json) writeFileSync(String(values.json), JSON.stringify(out, null, 2) + '\n');
      console.log(formatPathReport(r));
      console.log(formatExplore(x));
      if (load.labelled) {
        const lr = load.labelled;
        if (quarantined) console.log(formatLabelledReport(lr).split('\n').filter((l) => LABELLED_PROBLEMS.some((c) => l.startsWith(`${c}:`))).map((l) => `quarantined ${l}`).join('\n'));
      } else if (quarantined) console.log(`quarantined: ${quarantined} of ${load.rows_read} rows read (problems per class: buypath inspect ${file} with the same flags)`);
    }
    if (values.html) writeFileSync(String(values.html), pathReportPage(r, { source: `${file} (${load.rows_kept} rows kept of ${load.rows_read})`, explore: x }));
    return 0;
  },
};
