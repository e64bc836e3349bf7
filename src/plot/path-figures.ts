/**
 * Figures of the path analysis, built from a PathReport (pure, JSON in, JSON out):
 * funnel, Sankey of path variants, coverage vs buy rate, action overlap, time to purchase.
 */
import { LAYOUT_DEFAULTS, type Figure } from './figure';
import type { PathReport } from '../paths/path-report';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d'];

/** Funnel: paths at each step, with the rate relative to its parent step. */
export function funnelFigure(r: PathReport, { title = 'Funnel (paths)' } = {}): Figure {
  const s = r.funnel.steps;
  return {
    data: [{ type: 'funnel', y: s.map((x) => x.step), x: s.map((x) => x.count), textinfo: 'value',
      text: s.map((x) => (x.of ? `${pct(x.rate)} of ${x.of}` : '')), texttemplate: '%{value:,} · %{text}', marker: { color: s.map((_, i) => COLORS[i % COLORS.length]) } }],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, margin: { l: 90, r: 20, t: 50, b: 30 } },
  };
}

/** Sankey: clicked paths → their action set (top variants) → bought / not bought. */
export function variantSankeyFigure(r: PathReport, { title = 'Click-to-buy path variants' } = {}): Figure {
  const vs = r.variants;
  const labels = ['click', ...vs.map((v) => (v.actions.length ? v.actions.join(' + ') : 'no action')), 'buy', 'no buy'];
  const buyNode = vs.length + 1, noBuyNode = vs.length + 2;
  const source: number[] = [], target: number[] = [], value: number[] = [];
  vs.forEach((v, i) => {
    source.push(0, i + 1, i + 1);
    target.push(i + 1, buyNode, noBuyNode);
    value.push(v.paths, v.buys, v.paths - v.buys);
  });
  return {
    data: [{ type: 'sankey', arrangement: 'snap', node: { label: labels, pad: 12, color: labels.map((_, i) => (i === buyNode ? '#54a24b' : i === noBuyNode ? '#bab0ac' : '#4c78a8')) },
      link: { source, target, value } }],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, height: 420 },
  };
}

/** Scatter: share of purchases through each action (x) vs P(buy | click, action) (y), 95% intervals, click→buy as a line. */
export function coverageScatterFigure(r: PathReport, { title = 'Which actions lead to purchases' } = {}): Figure {
  const a = r.actions;
  const base = r.funnel.rates.click_to_buy ?? NaN;
  return {
    data: [
      { type: 'scatter', mode: 'markers+text', x: a.map((x) => x.buy_coverage), y: a.map((x) => x.buy_rate), text: a.map((x) => x.action), textposition: 'top center',
        marker: { size: a.map((x) => 10 + 30 * Math.sqrt(x.rate_given_click)), color: a.map((x) => (r.daction.includes(x.action) ? '#e45756' : '#4c78a8')) },
        error_x: { type: 'data', symmetric: false, array: a.map((x) => x.buy_coverage_ci[1] - x.buy_coverage), arrayminus: a.map((x) => x.buy_coverage - x.buy_coverage_ci[0]) },
        error_y: { type: 'data', symmetric: false, array: a.map((x) => x.buy_rate_ci[1] - x.buy_rate), arrayminus: a.map((x) => x.buy_rate - x.buy_rate_ci[0]) },
        name: 'actions (red: DAction)' },
      { type: 'scatter', mode: 'lines', x: [0, 1], y: [base, base], line: { dash: 'dash', color: '#888' }, name: `click→buy ${pct(base)}` },
    ],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, xaxis: { title: { text: 'share of purchases whose path holds the action' }, tickformat: '.0%', range: [0, 1.05] },
      yaxis: { title: { text: 'P(buy | click, action)' }, tickformat: '.1%', rangemode: 'tozero' }, legend: { orientation: 'h', y: -0.25 } },
  };
}

/** Heatmap: clicked paths holding both actions, as a share of clicked paths. */
export function actionOverlapFigure(r: PathReport, { title = 'Action overlap (share of clicked paths)' } = {}): Figure {
  const { actions, paths } = r.overlap;
  const z = paths.map((row) => row.map((v) => v / r.clicked_paths));
  return {
    data: [{ type: 'heatmap', x: actions, y: actions, z, colorscale: 'Blues', text: paths.map((row) => row.map((v, j) => `${v} paths (${pct(v / r.clicked_paths)})`)), hoverinfo: 'text', texttemplate: '%{z:.2%}' }],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, height: 120 + 60 * actions.length },
  };
}

/** Histogram of the time from the click to the purchase (and to each action), on log-spaced bins. */
export function timeToPurchaseFigure(r: PathReport, { title = 'Time from click', events = ['buy'] as string[] } = {}): Figure {
  const { edges_s, counts } = r.funnel.histogram;
  const label = (s: number) => (s < 60 ? `${s}s` : s < 3600 ? `${Math.round(s / 60)}m` : s < 86400 ? `${+(s / 3600).toFixed(1)}h` : `${+(s / 86400).toFixed(1)}d`);
  const x = edges_s.slice(0, -1).map((e, i) => `${label(e)}–${label(edges_s[i + 1])}`);
  return {
    data: events.filter((e) => counts[e]).map((e, i) => ({ type: 'bar', name: e, x, y: counts[e], marker: { color: COLORS[(i + 3) % COLORS.length] } })),
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, barmode: 'group', xaxis: { title: { text: 'delay after the click' }, tickangle: -45 }, yaxis: { title: { text: 'paths' } }, height: 420 },
  };
}

/** All path figures of a report, in reading order. */
export function pathFigures(r: PathReport): { name: string; figure: Figure }[] {
  return [
    { name: 'funnel', figure: funnelFigure(r) },
    { name: 'variants', figure: variantSankeyFigure(r) },
    { name: 'coverage', figure: coverageScatterFigure(r) },
    { name: 'overlap', figure: actionOverlapFigure(r) },
    { name: 'time_to_purchase', figure: timeToPurchaseFigure(r, { events: ['buy', ...r.daction] }) },
  ];
}
