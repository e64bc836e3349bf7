/**
 * Figures of the exploration views (pure, JSON in, JSON out): a forest plot of
 * an action's lift by group, the correlation scan's top findings, the
 * transition graph with a top-k edge filter, the step matrix, and the
 * Kaplan–Meier curve of time to purchase.
 */
import { EXPLORE_DEFAULTS } from '../defaults';
import { eventRank } from '../data/schema';
import type { Breakdown } from '../explore/breakdown';
import type { ScanRow } from '../explore/scan';
import type { StepMatrix, TransitionGraph } from '../explore/transitions';
import type { TimeToBuyReport } from '../explore/time-to-buy';
import { LAYOUT_DEFAULTS, type Figure } from './figure';

const SURVIVES = '#e45756', FAILS = '#4c78a8';
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const dur = (s: number) => (!Number.isFinite(s) ? '—' : s < 120 ? `${Math.round(s)}s` : s < 7200 ? `${+(s / 60).toFixed(1)}m` : s < 172800 ? `${+(s / 3600).toFixed(1)}h` : `${+(s / 86400).toFixed(1)}d`);

/** A lift as a point on a log axis: ∞ is drawn at its interval's upper end, 0 at its lower end (as triangles pointing past them). */
const liftPoint = (lift: number, ci: [number, number]) => (Number.isFinite(lift) && lift > 0 ? lift : lift > 0 ? ci[1] : ci[0]);
const symbolOf = (lift: number) => (lift === Infinity ? 'triangle-right' : lift === 0 ? 'triangle-left' : 'circle');

/** Forest plot, one panel per action: each group's lift with its 95% interval (log axis), red where q ≤ fdr, the pooled lift dashed. */
export function forestFigure(b: Breakdown, { actions, fdr = EXPLORE_DEFAULTS.fdr, title }: { actions?: string[]; fdr?: number; title?: string } = {}): Figure {
  const names = actions ?? b.heterogeneity.map((h) => h.action);
  const groups = b.groups.map((g) => g.value);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    ...LAYOUT_DEFAULTS, title: { text: title ?? `Lift of each action by ${b.column} (95% Katz intervals; red: q ≤ ${fdr})` }, showlegend: false,
    height: Math.max(320, 90 + 26 * groups.length), margin: { l: 140, r: 20, t: 70, b: 50 },
    yaxis: { type: 'category', categoryorder: 'array', categoryarray: [...groups].reverse(), automargin: true }, shapes: [] as unknown[], annotations: [] as unknown[],
  };
  const gap = 0.04, w = (1 - gap * (names.length - 1)) / names.length;
  names.forEach((action, k) => {
    const ax = k ? `x${k + 1}` : 'x';
    const rows = b.groups.map((g) => ({ g: g.value, r: g.actions.find((a) => a.action === action)! })).filter((x) => x.r && x.r.paths > 0 && Number.isFinite(x.r.lift_ci[0]));
    const x = rows.map((x) => liftPoint(x.r.lift, x.r.lift_ci));
    data.push({
      type: 'scatter', mode: 'markers', xaxis: ax, yaxis: 'y', y: rows.map((x) => x.g), x,
      marker: { size: 9, color: rows.map((x) => (x.r.q_value <= fdr ? SURVIVES : FAILS)), symbol: rows.map((x) => symbolOf(x.r.lift)) },
      error_x: { type: 'data', symmetric: false, array: rows.map((row, i) => row.r.lift_ci[1] - x[i]), arrayminus: rows.map((row, i) => x[i] - row.r.lift_ci[0]) },
      text: rows.map((x) => `${action} in ${x.g}: lift ${Number.isFinite(x.r.lift) ? x.r.lift.toFixed(2) : '∞'} [${x.r.lift_ci[0].toFixed(2)}, ${x.r.lift_ci[1].toFixed(2)}], ${x.r.paths} paths, q ${x.r.q_value.toPrecision(2)}`),
      hoverinfo: 'text',
    });
    layout[k ? `xaxis${k + 1}` : 'xaxis'] = { type: 'log', domain: [k * (w + gap), k * (w + gap) + w], title: { text: 'lift' } };
    const h = b.heterogeneity.find((x) => x.action === action);
    (layout.shapes as unknown[]).push({ type: 'line', xref: ax, yref: 'paper', x0: 1, x1: 1, y0: 0, y1: 1, line: { color: '#888', width: 1 } });
    if (h && Number.isFinite(h.pooled_lift)) (layout.shapes as unknown[]).push({ type: 'line', xref: ax, yref: 'paper', x0: h.pooled_lift, x1: h.pooled_lift, y0: 0, y1: 1, line: { color: '#54a24b', dash: 'dash', width: 1 } });
    (layout.annotations as unknown[]).push({ xref: 'paper', yref: 'paper', x: k * (w + gap) + w / 2, y: 1.0, yanchor: 'bottom', showarrow: false,
      text: `<b>${action}</b>${h && Number.isFinite(h.p_value) ? ` · heterogeneity p ${h.p_value.toPrecision(2)}, q ${h.q_value.toPrecision(2)}` : ''}` });
  });
  return { data, layout };
}

/** The scan's top findings: lift with 95% interval on a log axis, red where they survive false-discovery control. */
export function scanFigure(rows: ScanRow[], { top = EXPLORE_DEFAULTS.topFindings, fdr = EXPLORE_DEFAULTS.fdr, title = 'What goes with purchases (top findings of the correlation scan)' } = {}): Figure {
  const r = rows.filter((x) => Number.isFinite(x.lift_ci[0]) && x.lift_ci[0] > 0).slice(0, top);
  const label = (x: ScanRow) => (x.feature === 'event' ? x.value : `${x.feature} = ${x.value}`);
  const xs = r.map((x) => liftPoint(x.lift, x.lift_ci));
  return {
    data: [{
      type: 'scatter', mode: 'markers', y: r.map(label), x: xs, marker: { size: r.map((x) => 6 + 14 * Math.sqrt(x.buy_share || 0)), color: r.map((x) => (x.q_value <= fdr ? SURVIVES : FAILS)), symbol: r.map((x) => symbolOf(x.lift)) },
      error_x: { type: 'data', symmetric: false, array: r.map((x, i) => x.lift_ci[1] - xs[i]), arrayminus: r.map((x, i) => xs[i] - x.lift_ci[0]) },
      text: r.map((x) => `${label(x)}: lift ${Number.isFinite(x.lift) ? x.lift.toFixed(2) : '∞'}, ${x.support} paths, ${pct(x.buy_share)} of purchases, q ${x.q_value.toPrecision(2)}`), hoverinfo: 'text',
    }],
    layout: {
      ...LAYOUT_DEFAULTS, title: { text: `${title}; red: q ≤ ${fdr}` }, height: Math.max(320, 100 + 24 * r.length), margin: { l: 200, r: 20, t: 50, b: 50 },
      xaxis: { type: 'log', title: { text: 'P(buy | value) / P(buy | not value)' } }, yaxis: { type: 'category', categoryorder: 'array', categoryarray: r.map(label).reverse(), automargin: true },
      shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: 1, x1: 1, y0: 0, y1: 1, line: { color: '#888', width: 1 } }],
    },
  };
}

/** The transition graph: events laid out in funnel order, the `top` most frequent edges as arrows (width: probability), self-loops in the node labels. */
export function transitionGraphFigure(g: TransitionGraph, { top = EXPLORE_DEFAULTS.topEdges, title = 'Transitions within clicked paths (directly follows)' } = {}): Figure {
  const cols = new Map<number, string[]>();
  for (const n of g.nodes) { const r = eventRank(n.event); cols.set(r, [...(cols.get(r) ?? []), n.event]); }
  const pos = new Map<string, [number, number]>();
  for (const [r, evs] of cols) evs.forEach((e, i) => pos.set(e, [r, evs.length === 1 ? 0 : 1 - (2 * i) / (evs.length - 1)]));
  const edges = g.edges.filter((e) => e.from !== e.to).slice(0, top);
  const loop = new Map(g.edges.filter((e) => e.from === e.to).map((e) => [e.from, e]));
  // Each edge is shifted sideways (forward edges one way, backward ones the other) so that a → b and b → a stay apart.
  const geometry = (e: { from: string; to: string }) => {
    const [x0, y0] = pos.get(e.from)!, [x1, y1] = pos.get(e.to)!;
    const back = x1 < x0 || (x1 === x0 && y1 > y0);
    const len = Math.hypot(x1 - x0, y1 - y0) || 1, nx = -(y1 - y0) / len, ny = (x1 - x0) / len, off = 0.07;
    return { back, x0: x0 + off * nx, y0: y0 + off * ny, x1: x1 + off * nx - 0.08 * (x1 - x0) / len, y1: y1 + off * ny - 0.08 * (y1 - y0) / len, nx, ny };
  };
  const annotations = edges.map((e) => {
    const g = geometry(e);
    return { x: g.x1, y: g.y1, ax: g.x0, ay: g.y0, xref: 'x', yref: 'y', axref: 'x', ayref: 'y',
      showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: 1 + 4 * e.probability, arrowcolor: g.back ? 'rgba(228,87,86,0.6)' : 'rgba(76,120,168,0.7)', text: '',
      hovertext: `${e.from} → ${e.to}: ${e.count} (${pct(e.probability)} of ${e.from}), median ${dur(e.median_s)}, p90 ${dur(e.p90_s)}` };
  });
  const labels = edges.map((e) => {
    const g = geometry(e);
    return { x: (g.x0 + g.x1) / 2 + 0.12 * g.nx, y: (g.y0 + g.y1) / 2 + 0.12 * g.ny, text: `${pct(e.probability)} · ${dur(e.median_s)}` };
  });
  const nodes = g.nodes;
  return {
    data: [
      { type: 'scatter', mode: 'markers+text', x: nodes.map((n) => pos.get(n.event)![0]), y: nodes.map((n) => pos.get(n.event)![1]), textposition: 'top center',
        text: nodes.map((n) => `<b>${n.event}</b> ${n.count}${loop.has(n.event) ? ` ↺${pct(loop.get(n.event)!.probability)}` : ''}`),
        marker: { size: nodes.map((n) => 14 + 30 * Math.sqrt(n.count / Math.max(...nodes.map((m) => m.count)))), color: nodes.map((n) => (n.event === 'buy' ? '#54a24b' : '#4c78a8')) },
        hovertext: nodes.map((n) => `${n.event}: ${n.count} events, starts ${n.starts} paths, ends ${n.ends}`), hoverinfo: 'text' },
      { type: 'scatter', mode: 'text', x: labels.map((l) => l.x), y: labels.map((l) => l.y), text: labels.map((l) => l.text), textfont: { size: 10, color: '#555' }, hoverinfo: 'skip' },
    ],
    layout: { ...LAYOUT_DEFAULTS, title: { text: `${title}: top ${edges.length} of ${g.edges.length} edges` }, showlegend: false, height: 460, annotations,
      xaxis: { visible: false, range: [-0.5, Math.max(...[...pos.values()].map((p) => p[0])) + 0.5] }, yaxis: { visible: false, range: [-1.4, 1.4] } },
  };
}

/** Heatmap of the step matrix: share of clicked paths at each step holding each event. */
export function stepMatrixFigure(m: StepMatrix, { title = 'Step matrix (share of clicked paths at each step)' } = {}): Figure {
  return {
    data: [{ type: 'heatmap', x: Array.from({ length: m.steps }, (_, k) => `step ${k + 1}`), y: m.events, z: m.share, colorscale: 'Blues', reversescale: true, texttemplate: '%{z:.0%}', zmin: 0, zmax: 1 }],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, height: 120 + 40 * m.events.length },
  };
}

/** Cumulative purchase share 1 − S(t) against the time from the click (log axis), with its 95% Greenwood band. */
export function kaplanMeierFigure(t: TimeToBuyReport, { title = 'Time from click to purchase (Kaplan–Meier, censored at the log end)' } = {}): Figure {
  const k = t.km.filter((p) => p.t_s > 0);
  const x = k.map((p) => p.t_s);
  const line = (y: number[], extra: Record<string, unknown>) => ({ type: 'scatter', mode: 'lines', x, y, line: { shape: 'hv', ...(extra.line as object) }, ...extra });
  return {
    data: [
      line(k.map((p) => 1 - p.high), { name: '95% interval', line: { width: 0 }, showlegend: false, hoverinfo: 'skip' }),
      line(k.map((p) => 1 - p.low), { name: '95% interval', fill: 'tonexty', fillcolor: 'rgba(84,162,75,0.2)', line: { width: 0 }, hoverinfo: 'skip' }),
      line(k.map((p) => 1 - p.survival), { name: `bought by t (${t.buys} purchases, ${t.censored} paths censored by the log end)`, line: { color: '#54a24b', width: 2 } }),
    ],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, xaxis: { type: 'log', title: { text: 'seconds after the click' } }, yaxis: { title: { text: '1 − S(t): share of clicked paths bought' }, tickformat: '.1%', rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.25 } },
  };
}
