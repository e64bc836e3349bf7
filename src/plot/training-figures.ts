/** Training curves: validation CVR log-loss (the early-stopping criterion) and validation CVR AUC per epoch, one line per model. */
import { LAYOUT_DEFAULTS, type Figure } from './figure';
import type { EpochLog } from '../train/epoch-log';

const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2'];

/** Lines of validation CVR log-loss on clicked rows (solid; every model stops on it) and validation CVR AUC (dotted, right axis) per model. */
export function trainingCurvesFigure(histories: Record<string, EpochLog[]>, { title = 'Training curves' } = {}): Figure {
  const data = Object.entries(histories).flatMap(([name, h], i) => [
    { type: 'scatter', mode: 'lines+markers', name: `${name} val CVR log-loss`, x: h.map((e) => e.epoch), y: h.map((e) => e.val_cvr_logloss ?? e.val_loss), line: { color: COLORS[i % COLORS.length] } },
    { type: 'scatter', mode: 'lines+markers', name: `${name} val CVR AUC`, x: h.map((e) => e.epoch), y: h.map((e) => e.val_cvr_auc), yaxis: 'y2', line: { color: COLORS[i % COLORS.length], dash: 'dot' } },
  ]);
  return {
    data,
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, xaxis: { title: { text: 'epoch' }, dtick: 1 }, yaxis: { title: { text: 'validation CVR log-loss (clicked rows)' } },
      yaxis2: { title: { text: 'validation CVR AUC' }, overlaying: 'y', side: 'right' }, legend: { orientation: 'h', y: -0.25 } },
  };
}
