// %% [markdown]
// # 03 · Compare ESM2 with GBDT, DNN, DNN-OS and ESMM, and report
//
// First the DAction ablation: for each candidate set of path mining on the training period (each action alone, then
// the greedy unions), ESM2 trains on the training rows and is scored on the validation rows; the set with the highest
// validation CVR AUC is modelled (the ESM2 paper's cart vs cart ∪ wish, made for this log). Then every model trains
// on the same time split and features; CVR metrics are computed on clicked test rows only, CTCVR metrics on all
// impressions; intervals come from a bootstrap that resamples users; every stated difference (ESM2 − ESMM, each
// model − GBDT) gets a paired interval (both models scored on the same resampled users), and the ordering sentence
// follows from those, with the smallest difference the test set can detect. GBDT is XGBoost with categorical fields
// as categories, missing values as missing and its trees chosen on validation. With `reportDir` set, the
// self-contained page and its numbers are written there (`npm start` writes `reports/`).
//
// Library calls: `loadOptionsFromParams`, `runReport`, `ablationTableHtml`, `ablationFigure`, `orderingStatement`, `table3Html`, `table4Html`,
// `pairedTableHtml`, `pairedSentencesHtml`, `liftTableHtml`, `comparisonFigures`, `writeReport`, `show`, `showHtml`, `record`.
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
let daction = '';                           // '' = the ablation's choice (or, with ablation 'off', the recommendation of path mining)
let ablation = 'on';                        // on: ESM2 per candidate DAction set, chosen on validation CVR AUC; off: skip it
let exclude = 'auto';                       // columns that are not features ('a,b'; ids stay keys); auto = user_id,item_id on the embedded log
let cross = 'auto';                         // cross features ('a:b,c:d'); auto = segment:category on the embedded log
let models = 'gbdt,dnn,dnn_os,esmm,esm2';
let config = 'fast';                        // fast or paper
let epochs = 0;                             // 0 = the preset's
let seed = 1;
let replicates = 0;                         // bootstrap replicates (users resampled); 0 = the default (1,000)
let reportDir = '';                         // '' = do not write files; npm start sets reports/
// %%
const path = dataPath || (await bp.ensureDefaultData()).events;
const r = await bp.runReport(path, {
  load: bp.loadOptionsFromParams({ dataPath: dataPath, preset: preset, load: load }), daction: daction ? daction.split(',') : undefined, models: models.split(','),
  modelConfig: config as 'fast', config: epochs ? { epochs: epochs } : undefined, seed: seed, replicates: replicates || undefined, progress: 'auto', notebookLinks: Boolean(reportDir),
  ablation: ablation as 'on' | 'off',
  features: bp.parseFeatureOptions(exclude, cross, false, !dataPath),
});
const c = r.comparison;
// %% [markdown]
// ## Which actions to model: the DAction ablation
//
// Validation CVR AUC of ESM2 for each candidate DAction set, with user-bootstrap intervals; the last column is the
// paired difference to the chosen set (★). Test rows play no part in this choice.
// %%
if (r.ablation) {
  bp.showHtml(bp.ablationTableHtml(r.ablation));
  bp.show(bp.ablationFigure(r.ablation));
} else console.log(`No ablation: DAction ${c.daction.join(' ∪ ')} (${daction ? 'given' : 'the path-mining recommendation'}).`);
// %% [markdown]
// ## What the comparison can and cannot show
// %%
console.log(bp.orderingStatement(c).statement);
bp.showHtml(bp.pairedTableHtml(c) + bp.pairedSentencesHtml(c));
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
  comparisons: c.comparisons, minimum_detectable_difference: c.minimum_detectable_difference, daction: c.daction,
  daction_source: r.results.daction_source, daction_ablation: r.results.daction_ablation,
});
