// %% [markdown]
// # 03 · Compare ESM2 with GBDT, DNN, DNN-OS and ESMM, and report
//
// Every model trains on the same time split and features; CVR metrics are computed on clicked test rows only,
// CTCVR metrics on all impressions; intervals come from a bootstrap that resamples users; lifts over the GBDT
// baseline (XGBoost, the ESM2 paper's 150 trees of depth 8) use paired replicates. With `reportDir` set, the
// self-contained page and its numbers are written there (`npm start` writes `reports/`).
//
// Library calls: `runReport`, `orderingStatement`, `table3Html`, `table4Html`, `liftTableHtml`, `comparisonFigures`,
// `writeReport`, `show`, `showHtml`, `record`.
// %%
import * as bp from '../dist';
const backend = await bp.initBackend();
// %% parameters
let dataPath = '';                          // '' = the embedded simulated log
let preset = 'buypath';                     // the log's preset
let daction = '';                           // '' = the recommendation of path mining
let exclude = 'auto';                       // columns that are not features ('a,b'; ids stay keys); auto = user_id,item_id on the embedded log
let cross = 'auto';                         // cross features ('a:b,c:d'); auto = segment:category on the embedded log
let models = 'gbdt,dnn,dnn_os,esmm,esm2';
let config = 'fast';                        // fast or paper
let epochs = 0;                             // 0 = the preset's
let seed = 1;
let replicates = 100;                       // bootstrap replicates (users resampled)
let reportDir = '';                         // '' = do not write files; npm start sets reports/
// %%
const path = dataPath || (await bp.ensureDefaultData()).events;
const r = await bp.runReport(path, {
  preset: preset, daction: daction ? daction.split(',') : undefined, models: models.split(',') as bp.CompareModel[],
  modelPreset: config as 'fast', config: epochs ? { epochs: epochs } : undefined, seed: seed, replicates: replicates, progress: 'auto', notebookLinks: Boolean(reportDir),
  features: bp.parseFeatureOptions(exclude, cross, false, !dataPath),
});
const c = r.comparison;
console.log(bp.orderingStatement(c).statement);
// %% [markdown]
// ## Offline metrics (the paper's Table 3 and Table 4 shapes)
// %%
bp.showHtml(bp.table3Html(c));
bp.showHtml(bp.table4Html(c));
// %% [markdown]
// ## Lift over GBDT
// %%
bp.showHtml(bp.liftTableHtml(c));
// %%
for (const f of bp.comparisonFigures(c)) bp.show(f.figure);
// %%
if (reportDir) console.log(`wrote ${bp.writeReport(reportDir, r.html, r.results).html}`);
// %% [markdown]
// Key results, recorded for the tests and the report:
// %%
bp.record({
  notebook: '03-compare', seed: c.seed, fingerprint: c.fingerprint, backend: backend.name, space: c.space, split: c.split,
  ordering: bp.orderingStatement(c), models: r.results.models, lift_over_gbdt: c.lift_over_gbdt,
});
