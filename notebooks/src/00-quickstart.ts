// %% [markdown]
// # 00 · Quick start: load a log, inspect it, chart it
//
// Loads an event log into buypath's canonical schema (`user_id`, `item_id`, `event`, `ts`, optional `impression_id`,
// features), prints the load report (rows read and kept, problems per class) and charts events per type.
// By default it uses the embedded simulated log (`data/default/`, generated deterministically on first use);
// set `dataPath`, `preset` and `load` to read your own log, e.g. the Taobao sample with preset `taobao-userbehavior`.
//
// Library calls: `initBackend`, `ensureDefaultData`, `loadOptionsFromParams`, `loadEvents`, `formatLoadReport`, `eventCountsFigure`, `show`, `record`.
// %%
import * as bp from '../dist';
const backend = await bp.initBackend();
// %% parameters
// Reading the log: `dataPath` ('' = the embedded simulated log; a relative path starts in notebooks/), `preset` (a built-in
// preset, `buypath presets` lists them, or a preset file 'my-log.json'; '' = buypath on the embedded log, else detected) and
// `load`: the command line's load flags in camelCase (`buypath inspect --help`), values as in a preset file or as typed there:
//   columns ['a','b'], rename {a: 'user_id'}, eventMap {'1': 'click', '4': 'buy'} or '1=click,4=buy', actions, categorical,
//   numeric, drop (lists), tsFormat 'epoch_s', keepDuplicates true, strict true. `npm start -- LOG [flags]` sets all three.
let dataPath = '';
let preset = '';
let load: bp.LoadParams = {};
// %%
const path = dataPath || (await bp.ensureDefaultData()).events;
const { table, report } = await bp.loadEvents(path, bp.loadOptionsFromParams({ dataPath: dataPath, preset: preset, load: load }));
console.log(bp.formatLoadReport(report));
// %% [markdown]
// The first rows, in the canonical schema:
// %%
bp.showHtml(table.toHTML({ limit: 8 }));
// %%
bp.show(bp.eventCountsFigure(report.events, { title: `Events per type (${report.rows_kept.toLocaleString('en-US')} rows)` }));
// %% [markdown]
// Key results, recorded for the tests and the report:
// %%
bp.record({
  notebook: '00-quickstart', backend: backend.name, path: report.path, rows: report.rows_kept, rows_read: report.rows_read,
  events: report.events, problems: Object.fromEntries(bp.PROBLEM_CLASSES.map((c) => [c, report.problems[c].count])),
});
