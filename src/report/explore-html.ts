/**
 * HTML tables of the exploration views, for notebooks and the `buypath mine
 * --html` page: breakdowns, heterogeneity, the correlation scan, transitions,
 * time to purchase and drill-down samples.
 */
import { EXPLORE_DEFAULTS } from '../defaults';
import type { Breakdown } from '../explore/breakdown';
import type { ExploreReport } from '../explore/explore-report';
import type { ScanRow } from '../explore/scan';
import type { TransitionGraph } from '../explore/transitions';
import type { TimeToBuyReport } from '../explore/time-to-buy';
import { formatSamplePath, type SamplePath } from '../explore/drill-down';
import type { SequenceFunnel } from '../explore/sequence-funnel';
import { forestFigure, kaplanMeierFigure, scanFigure, stepMatrixFigure, transitionGraphFigure } from '../plot/explore-figures';
import { escapeHtml, fmt, fmtCi, htmlTable, type PageSection } from './html';

const lift = (v: number, ci: [number, number]) => `${Number.isFinite(v) ? fmt(v) : v > 0 ? '∞' : '—'} <span class="ci">[${fmt(ci[0])}, ${fmt(ci[1])}]</span>`;
const q = (v: number, fdr: number) => (Number.isFinite(v) ? (v <= fdr ? `<b>${v.toPrecision(2)}</b>` : v.toPrecision(2)) : '—');
const dur = (s: number) => (!Number.isFinite(s) ? '—' : s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : s < 172800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86400).toFixed(1)} d`);

/** The action table by group: clicked paths, click→buy, each action's lift with interval and q-value, and the group's recommendation. */
export function breakdownTableHtml(b: Breakdown, { actions, fdr = EXPLORE_DEFAULTS.fdr }: { actions?: string[]; fdr?: number } = {}): string {
  const names = actions ?? b.heterogeneity.map((h) => h.action);
  return htmlTable(b.groups, [
    { label: b.column, value: (g) => escapeHtml(g.value) },
    { label: 'clicked paths', value: (g) => fmt(g.clicked_paths) },
    { label: 'click→buy', value: (g) => fmt(g.buys / g.clicked_paths, true) },
    ...names.map((a) => ({ label: `${a}: lift (q)`, value: (g: Breakdown['groups'][number]) => {
      const r = g.actions.find((x) => x.action === a);
      return r && r.paths ? `${lift(r.lift, r.lift_ci)} (${q(r.q_value, fdr)})` : '—';
    } })),
    { label: 'recommended DAction', value: (g) => escapeHtml(g.recommended.join(', ') || 'none') },
  ], { caption: `Action table by ${b.column} (lift: P(buy | action) / P(buy | without), 95% Katz interval; q: Benjamini–Hochberg over groups × actions, bold ≤ ${fdr})` });
}

/** Whether each action's lift differs between groups (Cochran's Q). */
export function heterogeneityHtml(b: Breakdown, { fdr = EXPLORE_DEFAULTS.fdr } = {}): string {
  return htmlTable(b.heterogeneity, [
    { label: 'action', value: (h) => escapeHtml(h.action) },
    { label: 'groups tested', value: (h) => fmt(h.groups) },
    { label: 'pooled lift', value: (h) => fmt(h.pooled_lift) },
    { label: "Cochran's Q", value: (h) => fmt(h.statistic) },
    { label: 'df', value: (h) => fmt(h.df) },
    { label: 'I²', value: (h) => fmt(h.i2, true) },
    { label: 'p', value: (h) => (Number.isFinite(h.p_value) ? h.p_value.toPrecision(2) : '—') },
    { label: 'q', value: (h) => q(h.q_value, fdr) },
  ], { caption: `Does the lift differ between ${b.column} groups?` }) + `<p class="note">${escapeHtml(b.rule)}</p>`;
}

/** The top findings of the correlation scan. */
export function scanTableHtml(rows: ScanRow[], { top = EXPLORE_DEFAULTS.topFindings, fdr = EXPLORE_DEFAULTS.fdr } = {}): string {
  return htmlTable(rows.slice(0, top), [
    { label: 'feature', value: (r) => escapeHtml(r.feature) },
    { label: 'value', value: (r) => escapeHtml(r.value) },
    { label: 'clicked paths', value: (r) => fmt(r.support) },
    { label: 'P(buy | value)', value: (r) => fmt(r.buy_rate, true) },
    { label: 'share of purchases', value: (r) => fmt(r.buy_share, true) },
    { label: 'lift', value: (r) => lift(r.lift, r.lift_ci) },
    { label: 'p', value: (r) => (Number.isFinite(r.p_value) ? r.p_value.toPrecision(2) : '—') },
    { label: 'q', value: (r) => q(r.q_value, fdr) },
  ], { caption: `Correlation scan: top ${Math.min(top, rows.length)} of ${rows.length} tested values (bold q: survives false-discovery control at ${fdr})` });
}

/** The most frequent transitions, with probabilities and times. */
export function graphEdgesHtml(g: TransitionGraph, { top = EXPLORE_DEFAULTS.topEdges } = {}): string {
  return htmlTable(g.edges.slice(0, top), [
    { label: 'from', value: (e) => escapeHtml(e.from) },
    { label: 'to', value: (e) => escapeHtml(e.to) },
    { label: 'count', value: (e) => fmt(e.count) },
    { label: 'P(to | from)', value: (e) => fmt(e.probability, true) },
    { label: 'median time', value: (e) => dur(e.median_s) },
    { label: 'p90', value: (e) => dur(e.p90_s) },
  ], { caption: `Directly-follows transitions within ${fmt(g.sequences)} clicked paths (top ${Math.min(top, g.edges.length)} of ${g.edges.length})` });
}

/** Percentiles of the time to purchase, overall and per group, and the censoring rule. */
export function timeToBuyHtml(t: TimeToBuyReport): string {
  const rows = [{ value: 'all', ...t }, ...(t.groups ?? [])];
  return htmlTable(rows, [
    { label: 'group', value: (r) => escapeHtml(r.value) },
    { label: 'clicked paths', value: (r) => fmt(r.paths) },
    { label: 'purchases', value: (r) => fmt(r.buys) },
    { label: 'censored by the log end', value: (r) => fmt(r.censored) },
    { label: 'bought within the window (KM)', value: (r) => fmt(r.buy_within_window, true) },
    ...t.percentiles.map((p, k) => ({ label: `p${Math.round(100 * p.q)} time to purchase`, value: (r: typeof rows[number]) => {
      const x = r.percentiles[k];
      return `${dur(x.t_s)} <span class="ci">[${dur(x.low)}, ${dur(x.high)}]</span>`;
    } })),
  ], { caption: 'Time from click to purchase (among paths that buy within the window; 95% bootstrap intervals)' }) + `<p class="note">${escapeHtml(t.rule)}</p>`;
}

/** Funnels under explicit settings side by side (e.g. by paths, users and sessions): units reaching each step, rate of the first step with interval, median time. */
export function sequenceFunnelsHtml(funnels: SequenceFunnel[]): string {
  const steps = funnels[0]?.steps.map((s) => s.step) ?? [];
  const label = (f: SequenceFunnel) => `${f.unit}${f.session_timeout_s ? ` (${dur(f.session_timeout_s)} timeout)` : ''}, ${f.order}, window ${dur(f.window_s)}`;
  return htmlTable(funnels, [
    { label: 'counted by', value: (f) => escapeHtml(label(f)) },
    { label: 'units', value: (f) => fmt(f.units) },
    ...steps.map((step, k) => ({ label: step, value: (f: SequenceFunnel) => (k ? `${fmt(f.steps[k].count)} · ${fmtCi(f.steps[k].rate, f.steps[k].rate_ci)} · ${dur(f.steps[k].median_s)}` : fmt(f.steps[k].count)) })),
    { label: 'excluded', value: (f) => fmt(f.excluded) },
  ], { caption: 'Funnel settings: units reaching each step · share of the first step [95% Wilson] · median time from the first step' });
}

/** Sample paths of a drill-down, one per line. */
export function samplePathsHtml(samples: SamplePath[], { caption = 'Sample paths' } = {}): string {
  return `<p><b>${escapeHtml(caption)}</b></p><ul class="note">${samples.map((s) => `<li><code>${escapeHtml(formatSamplePath(s))}</code></li>`).join('')}</ul>`;
}

/** The page sections of the exploration views that were run. */
export function exploreSections(x: ExploreReport, { fdr = EXPLORE_DEFAULTS.fdr } = {}): PageSection[] {
  const out: PageSection[] = [];
  if (x.breakdown) out.push({ heading: `Breakdown by ${x.breakdown.column}`, html: breakdownTableHtml(x.breakdown, { fdr }) + heterogeneityHtml(x.breakdown, { fdr }), figures: [forestFigure(x.breakdown, { fdr })] });
  if (x.scan && x.scan_summary) out.push({ heading: 'Correlation scan', html: `<p class="note">${escapeHtml(x.scan_summary.rule)}</p>` + scanTableHtml(x.scan, { fdr }), figures: [scanFigure(x.scan, { fdr })] });
  if (x.graph) out.push({ heading: 'Transitions', html: graphEdgesHtml(x.graph), figures: [transitionGraphFigure(x.graph), stepMatrixFigure(x.graph.step_matrix)] });
  if (x.time_to_buy) out.push({ heading: 'Time to purchase', html: timeToBuyHtml(x.time_to_buy), figures: [kaplanMeierFigure(x.time_to_buy)] });
  return out;
}

