/**
 * HTML tables of a path analysis, for notebooks and the `buypath mine --html` page.
 */
import { ANOMALY_CLASSES } from '../paths/path-set';
import type { PathReport } from '../paths/path-report';
import { pathFigures } from '../plot/path-figures';
import { escapeHtml, fmt, fmtCi, htmlPage, htmlTable } from './html';
import type { ExploreReport } from '../explore/explore-report';
import { exploreSections } from './explore-html';

/** The funnel as a table: step, paths, rate of its parent step with interval, drop-off, time from click. */
export function funnelTableHtml(r: PathReport): string {
  return htmlTable(r.funnel.steps, [
    { label: 'step', value: (s) => escapeHtml(s.step) },
    { label: 'paths', value: (s) => fmt(s.count) },
    { label: 'rate', value: (s) => (s.of ? `${fmtCi(s.rate, s.ci)} of ${s.of}` : '—') },
    { label: 'drop-off', value: (s) => (s.of ? fmt(s.drop_off, true) : '—') },
    { label: 'median time from click', value: (s) => fmtDelay(r.funnel.timing[s.step]?.median_s) },
    { label: 'p90', value: (s) => fmtDelay(r.funnel.timing[s.step]?.p90_s) },
  ], { caption: 'Funnel' });
}

function fmtDelay(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '—';
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : s < 172800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86400).toFixed(1)} d`;
}

/** The action table. */
export function actionTableHtml(r: PathReport): string {
  return htmlTable(r.actions, [
    { label: 'action', value: (a) => escapeHtml(a.action) + (r.daction.includes(a.action) ? ' ★' : '') },
    { label: 'paths', value: (a) => fmt(a.paths) },
    { label: 'P(action | click)', value: (a) => fmtCi(a.rate_given_click, a.rate_given_click_ci) },
    { label: 'P(buy | click, action)', value: (a) => fmtCi(a.buy_rate, a.buy_rate_ci) },
    { label: 'P(buy | click, without)', value: (a) => fmtCi(a.buy_rate_without, a.buy_rate_without_ci) },
    { label: 'lift', value: (a) => fmtCi(a.lift, a.lift_ci, false) },
    { label: 'purchase coverage', value: (a) => fmtCi(a.buy_coverage, a.buy_coverage_ci) },
  ], { caption: 'Post-click actions (★ = modelled as DAction)' });
}

/** The DAction candidates with their ESM2 sub-task rates. */
export function candidatesHtml(r: PathReport): string {
  return htmlTable(r.candidates, [
    { label: 'DAction set', value: (c) => escapeHtml(c.daction.join(' ∪ ')) + (c.kind === 'greedy' ? ' (greedy)' : '') },
    { label: 'impression→click', value: (c) => (c.ctr === null ? '—' : fmt(c.ctr, true)) },
    { label: 'click→DAction', value: (c) => fmtCi(c.click_to_daction, c.click_to_daction_ci) },
    { label: 'DAction→buy', value: (c) => fmtCi(c.daction_to_buy, c.daction_to_buy_ci) },
    { label: 'OAction→buy', value: (c) => fmtCi(c.oaction_to_buy, c.oaction_to_buy_ci) },
    { label: 'click→buy', value: (c) => fmt(c.click_to_buy, true) },
    { label: 'DAction per purchase', value: (c) => fmt(c.data_ratio) },
    { label: 'purchase coverage', value: (c) => fmt(c.buy_coverage, true) },
  ], { caption: 'Candidate DAction sets: positive rate of each ESM2 sub-task' });
}

/** Path anomalies with their meaning and examples. */
export function anomaliesHtml(r: PathReport): string {
  return htmlTable(ANOMALY_CLASSES.filter((c) => r.anomalies[c].count), [
    { label: 'anomaly', value: (c) => escapeHtml(c) },
    { label: 'count', value: (c) => fmt(r.anomalies[c].count) },
    { label: 'meaning', value: (c) => escapeHtml(r.anomalies[c].meaning) },
    { label: 'examples', value: (c) => escapeHtml(r.anomalies[c].examples.slice(0, 3).join('; ')) },
  ], { caption: 'Path anomalies (counted, never dropped silently)' });
}

/** The recommendation and the rules behind the numbers. */
export function recommendationHtml(r: PathReport): string {
  const override = r.override ? `<p><b>Analyst override:</b> ${escapeHtml(r.override.join(', '))} (recommended: ${escapeHtml(r.recommended.join(', ') || 'none')}).</p>` : '';
  return `<p><b>Recommended DAction set:</b> ${escapeHtml(r.recommended.join(', ') || 'none')}.</p><p class="note">${escapeHtml(r.recommendation_rule)}</p>${override}` +
    `<ul class="note">${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
}

/** A self-contained HTML page of the whole path analysis, with the exploration views when given (`buypath mine --by/--scan/--graph`). */
export function pathReportPage(r: PathReport, { title = 'buypath: click-to-buy paths', source = '', explore }: { title?: string; source?: string; explore?: ExploreReport } = {}): string {
  const figs = Object.fromEntries(pathFigures(r).map((f) => [f.name, f.figure]));
  return htmlPage(title, [
    { heading: 'Funnel', html: funnelTableHtml(r), figures: [figs.funnel] },
    { heading: 'Post-click actions', html: actionTableHtml(r), figures: [figs.coverage, figs.overlap] },
    { heading: 'Path variants', figures: [figs.variants] },
    { heading: 'Choosing the deterministic actions', html: recommendationHtml(r) + candidatesHtml(r) },
    { heading: 'Timing', figures: [figs.time_to_purchase] },
    ...(explore ? exploreSections(explore) : []),
    { heading: 'Anomalies', html: anomaliesHtml(r) },
  ], { intro: `<p class="note">${escapeHtml(source)} · ${fmt(r.events)} events, ${fmt(r.paths)} paths (${fmt(r.clicked_paths)} clicked), mode ${r.mode}, seed ${r.seed}.</p>` });
}
