/**
 * HTML of the paired comparisons, the minimum detectable difference and the
 * DAction ablation, for the report page and notebook 03.
 */
import type { Comparison } from '../evaluate/compare';
import type { Ablation } from '../evaluate/ablation';
import { PAIRED_METRICS } from '../evaluate/paired';
import { escapeHtml, htmlTable } from './html';

const signed = (v: number, pct = false) => (Number.isFinite(v) ? (v >= 0 ? '+' : '−') + (pct ? `${Math.abs(100 * v).toFixed(2)}%` : Math.abs(v).toFixed(4)) : '—');
const withCi = (v: number, ci: [number, number], pct = false) => `${signed(v, pct)} <span class="ci">[${signed(ci[0], pct)}, ${signed(ci[1], pct)}]</span>`;

/** Every stated difference: ΔAUC, relative lift and RelaImpr side by side, each with its paired interval, and what it supports. */
export function pairedTableHtml(c: Comparison): string {
  return htmlTable(c.comparisons, [
    { label: 'a − b', value: (r) => `${escapeHtml(r.a)} − ${escapeHtml(r.b)}` },
    { label: 'metric', value: (r) => escapeHtml(PAIRED_METRICS[r.metric] ?? r.metric) },
    { label: 'ΔAUC', value: (r) => withCi(r.diff, r.diff_ci) },
    { label: 'lift', value: (r) => withCi(r.lift, r.lift_ci, true) },
    { label: 'RelaImpr', value: (r) => withCi(r.rela_impr, r.rela_impr_ci, true) },
    { label: 'paired 95% interval says', value: (r) => (r.better === 'neither' ? 'cannot tell apart' : `${escapeHtml(r.better)} ranks better`) },
  ], { caption: `Paired comparisons (user bootstrap, ${c.replicates} replicates: both models scored on the same resampled users)` });
}

/** The sentences of the paired comparisons and the minimum detectable difference, as paragraphs. */
export function pairedSentencesHtml(c: Comparison): string {
  const mdd = c.minimum_detectable_difference;
  return `${mdd ? `<p>${escapeHtml(mdd.sentence)}</p>` : ''}<ul class="note">${c.comparisons.map((r) => `<li>${escapeHtml(r.sentence)}</li>`).join('')}</ul>`;
}

/** The ablation table: each candidate DAction set's validation CVR AUC, its paired difference to the chosen set, and the choice. */
export function ablationTableHtml(a: Ablation): string {
  return htmlTable(a.candidates, [
    { label: 'DAction set', value: (r) => escapeHtml(r.daction.join(' ∪ ')) + (r.chosen ? ' ★' : '') },
    { label: 'kind', value: (r) => escapeHtml(r.kind) },
    { label: 'validation CVR AUC', value: (r) => `${r.val_cvr_auc.toFixed(4)} <span class="ci">[${r.val_cvr_auc_ci[0].toFixed(4)}, ${r.val_cvr_auc_ci[1].toFixed(4)}]</span>` },
    { label: '− chosen (paired)', value: (r) => (r.chosen ? '—' : withCi(r.diff_vs_chosen, r.diff_vs_chosen_ci)) },
    { label: 'best epoch', value: (r) => String(r.best_epoch) },
  ], { caption: `DAction ablation: ESM2 per candidate set, trained on training rows, scored on ${a.validation.clicked} clicked validation rows (${a.validation.purchases} purchases); ★ chosen` }) +
    `<p>${escapeHtml(a.sentence)}</p><p class="note">${escapeHtml(a.rule)}</p>`;
}
