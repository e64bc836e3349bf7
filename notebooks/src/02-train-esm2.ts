// %% [markdown]
// # 02 · Train ESM2 and its baselines
//
// ESM2 (Wen et al., SIGIR 2020) models click→buy through the deterministic actions chosen in notebook 01:
// four towers over shared embeddings, y1 = p(click), y2 = p(DAction | click), y3 = p(buy | DAction),
// y4 = p(buy | other action), composed as pCVR = y2·y3 + (1−y2)·y4 and pCTCVR = y1·pCVR, trained over all impressions.
// Here it trains beside ESMM and DNN on the same time split (70/10/20), and each model's CVR AUC on clicked test rows
// is held against the simulator's oracle (its true p(buy | click)) when the log is the embedded simulated one.
//
// The DAction set is chosen on the training period's paths only (never with test labels), unless `daction` is given.
//
// Library calls: `loadOptionsFromParams`, `prepareLog`, `fitModel`, `scoreModel`, `oracleScores`,
// `auc`, `rowsWhere`, `trainingCurvesFigure`, `htmlTable`, `show`, `showHtml`, `record`.
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
let daction = '';              // '' = the recommendation of path mining
let exclude = 'auto';          // columns that are not features ('a,b'; ids stay keys); auto = user_id,item_id on the embedded log
let cross = 'auto';            // cross features ('a:b,c:d'); auto = segment:category on the embedded log
let models = 'esm2,esmm,dnn';  // any of esm2, esmm, dnn, dnn_os
let config = 'fast';           // fast or paper
let epochs = 0;                // 0 = the preset's
let seed = 1;
// %%
const files = dataPath ? null : await bp.ensureDefaultData();
const path = dataPath || files!.events;
const log = await bp.prepareLog(path, {
  load: bp.loadOptionsFromParams({ dataPath: dataPath, preset: preset, load: load }), daction: daction ? daction.split(',') : undefined, features: bp.parseFeatureOptions(exclude, cross, false, !dataPath),
});
const { prepared, daction: chosen } = log;
const s = prepared.samples;
console.log(`${s.n} samples in ${s.space} space; DAction = ${chosen.join(' ∪ ')} (${log.dactionSource === 'train' ? 'recommended on the training period' : 'given'}); train ${prepared.split.train.length}, validation ${prepared.split.validation.length}, test ${prepared.split.test.length}`);
console.log(`left out: ${s.left_out.no_impression} clicks without an impression, ${s.left_out.window_past_log_end} samples whose window runs past the log's end`);
console.log(`features (${bp.describeFeatures(prepared.features)}): ${prepared.encoder.categorical.map((c) => `${c.name} (${c.vocab.length})`).join(', ')}; numeric: ${prepared.encoder.numeric.map((c) => c.name).join(', ') || 'none'}`);
if (s.space === 'click') console.log('No impressions: only the post-click towers train; CTR-side metrics are absent.');
// %% [markdown]
// ## Training
// %%
const fitted: Record<string, bp.Fitted> = {};
for (const m of models.split(',')) {
  fitted[m] = await bp.fitModel(prepared, { model: m as bp.ModelName, modelConfig: config as 'fast', config: epochs ? { epochs: epochs } : {}, seed: seed, progress: 'auto' });
}
bp.show(bp.trainingCurvesFigure(Object.fromEntries(Object.entries(fitted).map(([k, f]) => [k, f.result.history]))));
// %% [markdown]
// ## Test scores (CVR AUC on clicked rows, CTCVR AUC on all impressions) and the oracle
// %%
const test = prepared.data.test;
const oracle = files ? bp.oracleScores(files.truth, s, prepared.split.test) : null;
const oracleCvr = oracle && s.space === 'impression' ? bp.auc(test.buy, oracle.p_buy_given_click, bp.rowsWhere(test.click)) : NaN;
const rows = Object.entries(fitted).map(([name, f]) => ({ model: name, ...bp.scoreModel(test, f.test, s.space), best_epoch: f.result.bestEpoch, samples_per_s: Math.round(f.result.samplesPerSecond) }));
bp.showHtml(bp.htmlTable(rows, [
  { label: 'model', value: (r) => r.model },
  { label: 'CVR AUC', value: (r) => bp.fmt(r.cvr_auc) },
  { label: 'CTCVR AUC', value: (r) => bp.fmt(r.ctcvr_auc) },
  { label: 'CTR AUC', value: (r) => bp.fmt(r.ctr_auc) },
  { label: 'best epoch', value: (r) => bp.fmt(r.best_epoch) },
  { label: 'samples/s', value: (r) => bp.fmt(r.samples_per_s) },
], { caption: `Test set (${test.rows.n} rows); oracle CVR AUC ${bp.fmt(oracleCvr)}; backend ${backend.name}` }));
// %% [markdown]
// Key results, recorded for the tests and the report:
// %%
bp.record({
  notebook: '02-train-esm2', seed: seed, backend: backend.name, space: s.space, daction: chosen, daction_source: log.dactionSource, features: prepared.features, fingerprint: s.fingerprint,
  left_out: s.left_out, test_purchases: bp.testPositives(prepared),
  split: { train: prepared.split.train.length, validation: prepared.split.validation.length, test: prepared.split.test.length },
  oracle_cvr_auc: oracleCvr, models: Object.fromEntries(rows.map((r) => [r.model, r])),
});
