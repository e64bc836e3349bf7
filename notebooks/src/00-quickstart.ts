// %% [markdown]
// # 00 · Quick start: load a log, inspect it, chart it
//
// Loads an event log into buypath's canonical schema (`user_id`, `item_id`, `event`, `ts`, optional `impression_id`,
// features), prints the load report (rows read and kept, problems per class) and charts events per type.
// By default it uses the embedded simulated log (`data/default/`, generated deterministically on first use);
// set `dataPath` and `preset` to read your own log, e.g. the Taobao sample with preset `taobao-userbehavior`.
//
// Library calls: `initBackend`, `ensureDefaultData`, `loadEvents`, `formatLoadReport`, `eventCountsFigure`, `show`, `record`.
// %%
import * as bp from '../dist';
const backend = await bp.initBackend();
// %% parameters
let dataPath = '';      // '' = the embedded simulated log
let preset = 'buypath'; // a preset name: buypath, taobao-userbehavior, retailrocket
let strict = false;     // fail on the first bad row instead of quarantining it
// %%
const path = dataPath || (await bp.ensureDefaultData()).events;
const { table, report } = await bp.loadEvents(path, { preset: preset, strict: strict });
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
