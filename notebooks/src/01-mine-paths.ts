// %% [markdown]
// # 01 · Mine click-to-buy paths and choose the deterministic actions
//
// Which post-click actions lead to purchases, and how much denser is the decomposed path than click→buy?
// ESM2 (Wen et al., SIGIR 2020) is worth training when such *deterministic actions* (DAction) exist:
// it models click→DAction→buy instead of the sparse click→buy. This notebook mines one path per impression
// (or per user-item pair and click, within an attribution window), then shows the funnel, the action table,
// the path variants, the candidate DAction sets with the positive rate of each ESM2 sub-task, and a recommendation.
//
// Then it explores: the action table by category with a test of whether a lift differs between categories, a scan of
// everything in the log that goes with purchases (with false-discovery control), the transition graph, funnel settings
// (paths, users, sessions), the time to purchase with censoring at the log's end, and sample paths behind a finding.
//
// Library calls: `loadOptionsFromParams`, `mineLog`, `funnelTableHtml`, `actionTableHtml`, `candidatesHtml`,
// `recommendationHtml`, `anomaliesHtml`, `funnelFigure`, `coverageScatterFigure`, `actionOverlapFigure`,
// `variantSankeyFigure`, `timeToPurchaseFigure`, `groupPaths`, `breakdown`, `forestFigure`, `correlationScan`,
// `scanFigure`, `pathSequences`, `transitionGraph`, `stepMatrix`, `sequenceFunnel`, `timeToBuy`, `kaplanMeierFigure`,
// `samplePaths`, `show`, `showHtml`, `record`.
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
let window = '7d';       // attribution window from the click
let preClick = 'attach'; // actions before the first click of their item: attach or drop
let daction = '';        // analyst override, e.g. 'cart,wish'; '' = take the recommendation
let seed = 1;            // bootstrap seed
let by = '';             // breakdown column; '' = a categorical column named like "category", else the first categorical one
let topGroups = 8;       // categories shown in the breakdown (the rest pooled as "(other)")
let minSupport = 30;     // the scan tests a value only when at least this many clicked paths hold it (and lack it)
// %%
const path = dataPath || (await bp.ensureDefaultData()).events;
const override = daction ? daction.split(',').map((s) => s.trim()) : undefined;
const mined = await bp.mineLog(path, {
  engine: 'memory', load: bp.loadOptionsFromParams({ dataPath: dataPath, preset: preset, load: load }),
  mine: { window: window, preClick: preClick as 'attach' | 'drop' }, analyse: { daction: override, seed: seed },
});
const { paths, report } = mined;
const table = mined.table!;
console.log(bp.formatLoadReport(mined.load.report!));
console.log(`${report.events} events → ${report.paths} paths, ${report.clicked_paths} clicked (mode ${report.mode})`);
// %% [markdown]
// ## Funnel
// Paths at each step; actions and purchases as a share of clicked paths, with 95% Wilson intervals.
// %%
bp.showHtml(bp.funnelTableHtml(report));
bp.show(bp.funnelFigure(report));
// %% [markdown]
// ## Post-click actions
// P(buy | click, action) against P(buy | click, without it): the lift says whether an action is *deterministic*.
// Coverage is the share of purchases whose path holds the action.
// %%
bp.showHtml(bp.actionTableHtml(report));
bp.show(bp.coverageScatterFigure(report));
bp.show(bp.actionOverlapFigure(report));
// %% [markdown]
// ## Path variants
// %%
bp.show(bp.variantSankeyFigure(report));
// %% [markdown]
// ## Choosing the deterministic actions
// For each candidate set, the positive rate of every ESM2 sub-task (impression→click, click→DAction, DAction→buy,
// OAction→buy) against click→buy, and how many DAction positives each purchase brings.
// %%
bp.showHtml(bp.recommendationHtml(report));
bp.showHtml(bp.candidatesHtml(report));
// %% [markdown]
// ## Timing and anomalies
// %%
bp.show(bp.timeToPurchaseFigure(report, { events: ['buy', ...report.daction] }));
bp.showHtml(bp.anomaliesHtml(report));
// %% [markdown]
// ## The action table by category
// Is cart deterministic in every category, or only in some? Each category's lift with its interval, a test of lift = 1
// with Benjamini–Hochberg q-values over all categories × actions, and Cochran's Q: does the lift differ between categories?
// %%
const byColumn = by || bp.defaultBreakdownColumn(table) || '';
const groups = bp.groupPaths(table, paths, byColumn, { maxGroups: topGroups });
const bd = bp.breakdown(paths, groups);
bp.showHtml(bp.breakdownTableHtml(bd));
bp.showHtml(bp.heterogeneityHtml(bd));
bp.show(bp.forestFigure(bd));
// %% [markdown]
// ## What goes with purchases: the correlation scan
// Every post-click action and every value of every property column, scored among clicked paths; click and buy define
// the outcome and are never features. Findings are ranked by q-value; only those with q ≤ 0.05 survive false-discovery control.
// %%
const scan = bp.correlationScan(paths, table, { minSupport: minSupport });
const label = (r: { feature: string; value: string }) => (r.feature === 'event' ? r.value : `${r.feature} = ${r.value}`);
const survivors = scan.rows.filter((r) => r.q_value <= scan.fdr);
const nominal = scan.rows.filter((r) => r.p_value <= 0.05 && r.q_value > scan.fdr);
console.log(`${scan.rows.length} values tested, ${scan.below_support} below the support rule. ${survivors.length} survive false-discovery control ` +
  `at ${scan.fdr}: ${survivors.slice(0, 10).map(label).join(', ')}${survivors.length > 10 ? ', …' : ''}. ` +
  `${nominal.length} more have p ≤ 0.05 but do not survive it${nominal.length ? ` (e.g. ${nominal.slice(0, 3).map(label).join(', ')})` : ''}: treat them as noise until more data confirms them.`);
bp.showHtml(bp.scanTableHtml(scan.rows));
bp.show(bp.scanFigure(scan.rows));
// %% [markdown]
// ## Transitions between events
// Which event directly follows which within clicked paths, with the probability and the time between them.
// %%
const events = bp.eventColumns(table, paths);
const seqs = bp.pathSequences(table, paths, events);
const clicked = (p: number) => (paths.flags[p] & bp.PATH_FLAGS.CLICK) > 0;
const graph = bp.transitionGraph(events, seqs, { keep: clicked });
bp.show(bp.transitionGraphFigure(graph, { top: 12 }));
bp.showHtml(bp.graphEdgesHtml(graph));
bp.show(bp.stepMatrixFigure(bp.stepMatrix(events, seqs, { keep: clicked })));
// %% [markdown]
// ## Funnel settings
// The same funnel counted by paths, by users and by 30-minute sessions (steps in order within one day of the click).
// %%
const steps = ['click', report.daction[0] ?? paths.actions[0], 'buy'];
const funnels = (['paths', 'users', 'sessions'] as const).map((unit) => bp.sequenceFunnel(table, paths, { steps: steps, unit: unit, window: '1d', sessionTimeout: '30m' }));
bp.showHtml(bp.sequenceFunnelsHtml(funnels));
// %% [markdown]
// ## Time to purchase
// A Kaplan–Meier curve from click to purchase: paths still open when the log ends are censored, not counted as
// non-buyers. Percentiles are among paths that buy within the window, per category.
// %%
const ttb = bp.timeToBuy(paths, groups, { seed: seed });
bp.showHtml(bp.timeToBuyHtml(ttb));
bp.show(bp.kaplanMeierFigure(ttb));
// %% [markdown]
// ## Drill-down: sample paths behind the top finding
// %%
const topFinding = scan.rows[0];
const cell = topFinding.feature === 'event'
  ? { action: topFinding.value }
  : { groups: bp.groupPaths(table, paths, topFinding.feature, { maxGroups: Number.MAX_SAFE_INTEGER }), value: topFinding.value };
const samples = bp.samplePaths(events, seqs, paths, { ...cell, bought: true }, { n: 5, seed: seed });
bp.showHtml(bp.samplePathsHtml(samples, { caption: `Bought paths with ${label(topFinding)}` }));
// %% [markdown]
// Key results, recorded for the tests and the report:
// %%
bp.record({
  notebook: '01-mine-paths', seed: report.seed, path: path, mode: report.mode, paths: report.paths, clicked_paths: report.clicked_paths,
  funnel: report.funnel.rates, recommended: report.recommended, daction: report.daction,
  actions: report.actions.map((a) => ({ action: a.action, rate_given_click: a.rate_given_click, buy_rate: a.buy_rate, buy_rate_ci: a.buy_rate_ci, lift: a.lift, lift_ci: a.lift_ci, buy_coverage: a.buy_coverage })),
  chosen: report.chosen, anomalies: Object.fromEntries(Object.entries(report.anomalies).map(([k, v]) => [k, v.count])),
  breakdown: { column: bd.column, groups: bd.groups.map((g) => ({ value: g.value, clicked_paths: g.clicked_paths, buys: g.buys, recommended: g.recommended,
    lifts: Object.fromEntries(g.actions.map((a) => [a.action, { lift: a.lift, lift_ci: a.lift_ci, q_value: a.q_value }])) })), heterogeneity: bd.heterogeneity },
  scan: { tested: scan.rows.length, below_support: scan.below_support, survivors: survivors.length, fdr: scan.fdr, top: scan.rows.slice(0, 20) },
  graph: { sequences: graph.sequences, edges: graph.edges.length, top: graph.edges.slice(0, 5) },
  funnels: funnels.map((f) => ({ unit: f.unit, units: f.units, counts: f.steps.map((s) => s.count) })),
  time_to_buy: { paths: ttb.paths, buys: ttb.buys, censored: ttb.censored, buy_within_window: ttb.buy_within_window, percentiles: ttb.percentiles },
  samples: samples.length,
});
