/** Training curves: validation loss and validation CVR AUC per epoch, one line per model. */
import { LAYOUT_DEFAULTS, type Figure } from './figure';
import type { EpochLog } from '../train/trainer';

const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2'];

/** Lines of validation loss (solid) and validation CVR AUC (dotted, right axis) per model. */
export function trainingCurvesFigure(histories: Record<string, EpochLog[]>, { title = 'Training curves' } = {}): Figure {
  const data = Object.entries(histories).flatMap(([name, h], i) => [
    { type: 'scatter', mode: 'lines+markers', name: `${name} val loss`, x: h.map((e) => e.epoch), y: h.map((e) => e.val_loss), line: { color: COLORS[i % COLORS.length] } },
    { type: 'scatter', mode: 'lines+markers', name: `${name} val CVR AUC`, x: h.map((e) => e.epoch), y: h.map((e) => e.val_cvr_auc), yaxis: 'y2', line: { color: COLORS[i % COLORS.length], dash: 'dot' } },
  ]);
  return {
    data,
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, xaxis: { title: { text: 'epoch' }, dtick: 1 }, yaxis: { title: { text: 'validation loss' } },
      yaxis2: { title: { text: 'validation CVR AUC' }, overlaying: 'y', side: 'right' }, legend: { orientation: 'h', y: -0.25 } },
  };
}
