// %% [markdown]
// # 01 · Mine click-to-buy paths and choose the deterministic actions
//
// Which post-click actions lead to purchases, and how much denser is the decomposed path than click→buy?
// ESM2 (Wen et al., SIGIR 2020) is worth training when such *deterministic actions* (DAction) exist:
// it models click→DAction→buy instead of the sparse click→buy. This notebook mines one path per impression
// (or per user-item pair and click, within an attribution window), then shows the funnel, the action table,
// the path variants, the candidate DAction sets with the positive rate of each ESM2 sub-task, and a recommendation.
//
// Library calls: `loadEvents`, `minePaths`, `analysePaths`, `funnelTableHtml`, `actionTableHtml`, `candidatesHtml`,
// `recommendationHtml`, `anomaliesHtml`, `funnelFigure`, `coverageScatterFigure`, `actionOverlapFigure`,
// `variantSankeyFigure`, `timeToPurchaseFigure`, `show`, `showHtml`, `record`.
// %%
import * as bp from '../dist';
const backend = await bp.initBackend();
// %% parameters
let dataPath = '';       // '' = the embedded simulated log
let preset = 'buypath';  // buypath, taobao-userbehavior, retailrocket
let window = '7d';       // attribution window from the click
let preClick = 'attach'; // actions before the first click of their item: attach or drop
let daction = '';        // analyst override, e.g. 'cart,wish'; '' = take the recommendation
let seed = 1;            // bootstrap seed
// %%
const path = dataPath || (await bp.ensureDefaultData()).events;
const { table, report: load } = await bp.loadEvents(path, { preset: preset });
console.log(bp.formatLoadReport(load));
const paths = bp.minePaths(table, { window: window, preClick: preClick as 'attach' | 'drop' });
const override = daction ? daction.split(',').map((s) => s.trim()) : undefined;
const report = bp.analysePaths(paths, { daction: override, seed: seed });
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
// Key results, recorded for the tests and the report:
// %%
bp.record({
  notebook: '01-mine-paths', seed: report.seed, path: path, mode: report.mode, paths: report.paths, clicked_paths: report.clicked_paths,
  funnel: report.funnel.rates, recommended: report.recommended, daction: report.daction,
  actions: report.actions.map((a) => ({ action: a.action, rate_given_click: a.rate_given_click, buy_rate: a.buy_rate, buy_rate_ci: a.buy_rate_ci, lift: a.lift, lift_ci: a.lift_ci, buy_coverage: a.buy_coverage })),
  chosen: report.chosen, anomalies: Object.fromEntries(Object.entries(report.anomalies).map(([k, v]) => [k, v.count])),
});
