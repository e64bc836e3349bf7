/**
 * Figures of a model comparison (pure: comparison in, plotly JSON out):
 * metric bars with 95% intervals, lift over GBDT, ROC and PR curves, calibration,
 * and the DAction ablation.
 */
import { LAYOUT_DEFAULTS, type Figure } from './figure';
import type { Comparison } from '../evaluate/compare';
import type { Ablation } from '../evaluate/ablation';

const COLORS: Record<string, string> = { gbdt: '#9d755d', dnn: '#4c78a8', dnn_os: '#72b7b2', esmm: '#f58518', esm2: '#e45756' };
const color = (m: string) => COLORS[m] ?? '#888';
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Grouped bars: one group per metric, one bar per model, 95% bootstrap intervals as error bars. */
export function metricBarsFigure(c: Comparison, metrics = ['cvr_auc', 'cvr_gauc', 'ctcvr_auc', 'ctcvr_gauc'], { title = 'Offline metrics (95% intervals, users resampled)' } = {}): Figure {
  const shown = metrics.filter((k) => Object.values(c.models).some((m) => num(m[k]) !== null));
  return {
    data: Object.entries(c.models).map(([name, m]) => {
      const ci = (k: string) => (m[`${k}_ci`] as [number, number] | undefined) ?? [NaN, NaN];
      return {
        type: 'bar', name, x: shown, y: shown.map((k) => num(m[k])), marker: { color: color(name) },
        error_y: { type: 'data', symmetric: false, array: shown.map((k) => (num(m[k]) ?? 0) && ci(k)[1] - (m[k] as number)), arrayminus: shown.map((k) => (num(m[k]) ?? 0) && (m[k] as number) - ci(k)[0]) },
      };
    }),
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, barmode: 'group', yaxis: { title: { text: 'value' }, range: [0.4, 1] } },
  };
}

/** Bars of the relative lift over GBDT per model, with paired-bootstrap intervals. */
export function liftFigure(c: Comparison, metric = 'cvr_auc', { title = `Lift over GBDT: ${metric}` } = {}): Figure {
  const names = Object.keys(c.lift_over_gbdt);
  const v = (m: string) => num(c.lift_over_gbdt[m][metric]) ?? 0;
  const ci = (m: string) => (c.lift_over_gbdt[m][`${metric}_ci`] as [number, number]) ?? [0, 0];
  return {
    data: [{ type: 'bar', x: names, y: names.map(v), marker: { color: names.map(color) }, text: names.map((m) => `${(100 * v(m)).toFixed(1)}%`), textposition: 'outside',
      error_y: { type: 'data', symmetric: false, array: names.map((m) => (num(ci(m)[1]) ?? v(m)) - v(m)), arrayminus: names.map((m) => v(m) - (num(ci(m)[0]) ?? v(m))) } }],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, yaxis: { title: { text: 'relative lift' }, tickformat: '.0%', zeroline: true } },
  };
}

function curve(labels: ArrayLike<number>, scores: ArrayLike<number>, rows: ArrayLike<number>, kind: 'roc' | 'pr'): { x: number[]; y: number[] } {
  const idx = Array.from(rows).sort((a, b) => scores[b] - scores[a] || a - b);
  const P = idx.reduce((s, r) => s + (labels[r] > 0.5 ? 1 : 0), 0), N = idx.length - P;
  const x: number[] = [kind === 'roc' ? 0 : 0], y: number[] = [kind === 'roc' ? 0 : 1];
  let tp = 0, fp = 0;
  const step = Math.max(1, Math.floor(idx.length / 200));
  idx.forEach((r, i) => {
    if (labels[r] > 0.5) tp++;
    else fp++;
    if (i % step === 0 || i === idx.length - 1) {
      if (kind === 'roc') { x.push(N ? fp / N : 0); y.push(P ? tp / P : 0); }
      else { x.push(P ? tp / P : 0); y.push(tp / (tp + fp)); }
    }
  });
  return { x, y };
}

/** ROC or precision–recall curves of pCVR on the CVR rows (clicked rows), one line per model. */
export function curvesFigure(c: Comparison, kind: 'roc' | 'pr' = 'roc', { title = kind === 'roc' ? 'ROC of pCVR (clicked test rows)' : 'Precision–recall of pCVR (clicked test rows)' } = {}): Figure {
  const rows = c.test.cvrRows ?? Int32Array.from({ length: c.test.buy.length }, (_, i) => i);
  const data = Object.entries(c.predictions).map(([name, p]) => ({ type: 'scatter', mode: 'lines', name, line: { color: color(name) }, ...curve(c.test.buy, p.pcvr, rows, kind) }));
  if (kind === 'roc') data.push({ type: 'scatter', mode: 'lines', name: 'chance', line: { color: '#bbb', dash: 'dot' }, x: [0, 1], y: [0, 1] } as never);
  return {
    data,
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, xaxis: { title: { text: kind === 'roc' ? 'false positive rate' : 'recall' } }, yaxis: { title: { text: kind === 'roc' ? 'true positive rate' : 'precision' } } },
  };
}

/** Calibration of pCVR by decile: mean predicted vs observed purchase rate. */
export function calibrationFigure(c: Comparison, { title = 'Calibration of pCVR by decile' } = {}): Figure {
  const data: Record<string, unknown>[] = Object.entries(c.calibration).map(([name, bins]) => ({ type: 'scatter', mode: 'lines+markers', name, line: { color: color(name) }, x: bins.map((b) => b.predicted), y: bins.map((b) => b.observed) }));
  const max = Math.max(...Object.values(c.calibration).flat().map((b) => Math.max(b.predicted, b.observed)), 0.01);
  data.push({ type: 'scatter', mode: 'lines', name: 'perfect', line: { color: '#bbb', dash: 'dot' }, x: [0, max], y: [0, max] });
  return { data, layout: { ...LAYOUT_DEFAULTS, title: { text: title }, xaxis: { title: { text: 'mean predicted' } }, yaxis: { title: { text: 'observed rate' } } } };
}

/** The DAction ablation: validation CVR AUC of ESM2 per candidate set with 95% intervals; the chosen set highlighted. */
export function ablationFigure(a: Ablation, { title = 'DAction ablation: ESM2 validation CVR AUC per candidate set' } = {}): Figure {
  const names = a.candidates.map((r) => r.daction.join(' ∪ '));
  const v = a.candidates.map((r) => r.val_cvr_auc);
  return {
    data: [{
      type: 'bar', x: names, y: v, marker: { color: a.candidates.map((r) => (r.chosen ? COLORS.esm2 : '#bbb')) },
      text: a.candidates.map((r) => (r.chosen ? 'chosen' : '')), textposition: 'outside',
      error_y: { type: 'data', symmetric: false, array: a.candidates.map((r) => r.val_cvr_auc_ci[1] - r.val_cvr_auc), arrayminus: a.candidates.map((r) => r.val_cvr_auc - r.val_cvr_auc_ci[0]) },
    }],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, yaxis: { title: { text: 'validation CVR AUC (95% interval)' }, range: [Math.max(0, Math.min(...a.candidates.map((r) => r.val_cvr_auc_ci[0])) - 0.02), Math.min(1, Math.max(...a.candidates.map((r) => r.val_cvr_auc_ci[1])) + 0.02)] } },
  };
}
