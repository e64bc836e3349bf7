/**
 * The reproducible report: path analysis of the training period, the DAction
 * ablation on the validation rows, then GBDT, DNN, DNN-OS, ESMM and ESM2
 * trained on the same split, compared offline with paired intervals.
 * Writes `index.html` (self-contained: plotly inlined, no CDN) and
 * `results.json` (every number shown, with seed and data fingerprint).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PathReport } from '../paths/path-report';
import { describeFeatures } from '../features/samples';
import type { Comparison } from '../evaluate/compare';
import type { Ablation } from '../evaluate/ablation';
import type { EpochLog } from '../train/epoch-log';
import { pathFigures } from '../plot/path-figures';
import { metricBarsFigure, liftFigure, curvesFigure, calibrationFigure, ablationFigure } from '../plot/compare-figures';
import { trainingCurvesFigure } from '../plot/training-figures';
import { escapeHtml, fmt, htmlPage, htmlTable } from './html';
import { actionTableHtml, funnelTableHtml, recommendationHtml } from './path-report-html';
import { ablationTableHtml, pairedSentencesHtml, pairedTableHtml } from './comparison-html';

/**
 * What the report found: the ordering of the models on CVR AUC, in words, from the paired intervals of adjacent
 * models (never from overlapping marginal intervals), with the smallest difference the test set can detect.
 */
export function orderingStatement(c: Comparison): { holds: boolean; statement: string } {
  const order = c.claimed_order.filter((m) => c.models[m]);
  const mdd = c.minimum_detectable_difference?.sentence ?? '';
  if (order.length < 2) return { holds: false, statement: `CVR AUC ordering ${order.join(' ≥ ') || '(no models)'}: fewer than two of ${c.claimed_order.join(', ')} were compared. ${mdd}`.trim() };
  const s4 = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(4);
  const steps = order.slice(0, -1).map((a, i) => {
    const b = order[i + 1];
    const r = c.comparisons.find((x) => x.a === a && x.b === b && x.metric === 'cvr_auc');
    if (!r) return { a, b, better: 'neither', text: `${a} − ${b}: not measurable` };
    if (r.better === 'same') return { a, b, better: 'same', text: `${a} = ${b} (identical predictions: the same model on this log)` };
    const says = r.better === a ? `${a} above` : r.better === b ? `${b} above, reversed` : 'cannot tell apart';
    return { a, b, better: r.better, text: `${a} − ${b} ${s4(r.diff)} [${s4(r.diff_ci[0])}, ${s4(r.diff_ci[1])}] (${says})` };
  });
  const holds = steps.every((x) => x.better === x.a || x.better === 'same');
  const reversed = steps.filter((x) => x.better === x.b).map((x) => `${x.b} > ${x.a}`);
  const open = steps.filter((x) => x.better === 'neither').map((x) => `${x.a} vs ${x.b}`);
  const head = `CVR AUC ordering ${order.join(' ≥ ')} ${holds ? 'holds' : 'is not established'} by paired 95% intervals (user bootstrap, ${c.replicates} replicates, each pair scored on the same resampled users): ${steps.map((x) => x.text).join('; ')}.`;
  const verdict = holds ? '' : ` ${[reversed.length ? `The data reverse ${reversed.join(', ')}.` : '', open.length ? `This test set cannot order ${open.join(', ')}.` : ''].filter(Boolean).join(' ')}`;
  return { holds, statement: `${head}${verdict} ${mdd}`.trim() };
}

/** results.json: every number the page shows. */
export function reportResults(paths: PathReport, c: Comparison, meta: { source: string; preset?: string; backend: string; matMul?: string | null }, ablation: Ablation | null = null): Record<string, unknown> {
  return {
    generated_by: 'buypath report', seed: c.seed, fingerprint: c.fingerprint, source: { path: meta.source, preset: meta.preset ?? null }, backend: meta.backend, mat_mul: meta.matMul ?? null,
    space: c.space, daction: c.daction, features: c.features, split: c.split,
    paths: { funnel: paths.funnel.rates, counts: paths.funnel.counts, recommended: paths.recommended, chosen: paths.chosen, actions: paths.actions, anomalies: Object.fromEntries(Object.entries(paths.anomalies).map(([k, v]) => [k, v.count])) },
    models: c.models, lift_over_gbdt: c.lift_over_gbdt, table3: c.table3, table4: c.table4, calibration: c.calibration,
    histories: c.histories, ordering: orderingStatement(c),
    comparisons: c.comparisons, minimum_detectable_difference: c.minimum_detectable_difference, replicates: c.replicates,
    daction_ablation: ablation ? ablation.candidates : null,
    daction_choice: ablation ? { chosen: ablation.chosen, rule: ablation.rule, sentence: ablation.sentence, validation: ablation.validation, replicates: ablation.replicates } : null,
  };
}

function ciCell(m: Record<string, unknown>, k: string): string {
  if (typeof m[k] !== 'number' || !Number.isFinite(m[k] as number)) return '—';
  const ci = m[`${k}_ci`] as number[] | undefined;
  return ci ? `${fmt(m[k])} <span class="ci">[${fmt(ci[0])}, ${fmt(ci[1])}]</span>` : fmt(m[k]);
}

/** Table 3 shape: AUC and GAUC with intervals, and log-loss. */
export function table3Html(c: Comparison): string {
  const names = Object.keys(c.models);
  return htmlTable(names, [{ label: 'model', value: (n: string) => escapeHtml(n) },
    ...['cvr_auc', 'cvr_gauc', 'ctcvr_auc', 'ctcvr_gauc', 'cvr_logloss'].map((k) => ({ label: k, value: (n: string) => ciCell(c.models[n] as Record<string, unknown>, k) }))],
  { caption: 'Table 3 shape: AUC and GAUC (CVR on clicked rows, CTCVR on all impressions)' });
}

/** Table 4 shape: precision, recall, F1 of pCVR at the top k%. */
export function table4Html(c: Comparison): string {
  const names = Object.keys(c.models);
  const cols = ['top0_1', 'top0_6', 'top1'].flatMap((s) => ['precision', 'recall', 'f1'].map((w) => `cvr_${w}_${s}`));
  return htmlTable(names, [{ label: 'model', value: (n: string) => escapeHtml(n) },
    ...cols.map((k) => ({ label: k.replace('cvr_', '').replace('_top', ' @').replace('_', '.') + '%', value: (n: string) => ciCell(c.models[n] as Record<string, unknown>, k) }))],
  { caption: 'Table 4 shape: precision, recall and F1 of pCVR at the global top 0.1%, 0.6%, 1% of clicked rows' });
}

/** Relative lifts over GBDT with paired intervals. */
export function liftTableHtml(c: Comparison): string {
  const keys = ['cvr_auc', 'cvr_gauc', 'ctcvr_auc', 'ctcvr_gauc', 'cvr_f1_top1'];
  return htmlTable(Object.keys(c.lift_over_gbdt), [{ label: 'model', value: (n: string) => escapeHtml(n) },
    ...keys.map((k) => ({ label: k, value: (n: string) => { const l = c.lift_over_gbdt[n]; return typeof l[k] === 'number' && Number.isFinite(l[k] as number) ? `${fmt(l[k], true)} <span class="ci">[${fmt((l[`${k}_ci`] as number[])[0], true)}, ${fmt((l[`${k}_ci`] as number[])[1], true)}]</span>` : '—'; } }))],
  { caption: 'Relative lift over GBDT (paired user bootstrap)' });
}

/** The comparison figures, in reading order. */
export function comparisonFigures(c: Comparison<EpochLog>): { name: string; figure: ReturnType<typeof metricBarsFigure> }[] {
  return [
    { name: 'metrics', figure: metricBarsFigure(c) },
    { name: 'lift_cvr_auc', figure: liftFigure(c, 'cvr_auc') },
    ...(c.space === 'impression' ? [{ name: 'lift_ctcvr_auc', figure: liftFigure(c, 'ctcvr_auc') }] : []),
    { name: 'roc', figure: curvesFigure(c, 'roc') },
    { name: 'pr', figure: curvesFigure(c, 'pr') },
    { name: 'calibration', figure: calibrationFigure(c) },
    ...(Object.keys(c.histories).length ? [{ name: 'training', figure: trainingCurvesFigure(c.histories) }] : []),
  ];
}

const NOTEBOOK_LINKS = '<p class="note">Executed notebooks: <a href="notebooks/00-quickstart.html">00 quick start</a> · <a href="notebooks/01-mine-paths.html">01 paths</a> · ' +
  '<a href="notebooks/02-train-esm2.html">02 training</a> · <a href="notebooks/03-compare.html">03 comparison</a> · numbers: <a href="results.json">results.json</a></p>';

/** The report page. `notebookLinks`: link the executed notebooks beside it (npm start). */
export function reportPage(paths: PathReport, c: Comparison<EpochLog>, meta: { source: string; backend: string; notebookLinks?: boolean }, ablation: Ablation | null = null): string {
  const ord = orderingStatement(c);
  const pf = Object.fromEntries(pathFigures(paths).map((f) => [f.name, f.figure]));
  const cf = Object.fromEntries(comparisonFigures(c).map((f) => [f.name, f.figure]));
  return htmlPage('buypath report', [
    { heading: 'Data and paths', html: funnelTableHtml(paths) + actionTableHtml(paths) + recommendationHtml(paths), figures: [pf.funnel, pf.coverage] },
    ...(ablation ? [{ heading: 'Which actions to model: the DAction ablation', html: ablationTableHtml(ablation), figures: [ablationFigure(ablation)] }] : []),
    { heading: 'Models compared', html: `<p><b>${escapeHtml(ord.statement)}</b></p>` + table3Html(c) + table4Html(c), figures: [cf.metrics] },
    { heading: 'Paired comparisons', html: pairedTableHtml(c) + pairedSentencesHtml(c) },
    { heading: 'Lift over GBDT', html: liftTableHtml(c), figures: [cf.lift_cvr_auc, ...(cf.lift_ctcvr_auc ? [cf.lift_ctcvr_auc] : [])] },
    { heading: 'Curves and calibration', figures: [cf.roc, cf.pr, cf.calibration] },
    ...(cf.training ? [{ heading: 'Training', figures: [cf.training] }] : []),
  ], { intro: `${meta.notebookLinks ? NOTEBOOK_LINKS : ''}<p class="note">${escapeHtml(meta.source)} · ${c.space} space · DAction ${escapeHtml(c.daction.join(' ∪ '))} · features: ${escapeHtml(describeFeatures(c.features))} · split ${c.split.train}/${c.split.validation}/${c.split.test} (train/validation/test, by time) · seed ${c.seed} · data fingerprint ${c.fingerprint} · backend ${escapeHtml(meta.backend)}</p>` });
}

/** Write the page and the numbers to `dir`. */
export function writeReport(dir: string, html: string, results: Record<string, unknown>): { html: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const out = { html: join(dir, 'index.html'), json: join(dir, 'results.json') };
  writeFileSync(out.html, html);
  writeFileSync(out.json, JSON.stringify(results, (_k, v) => (v instanceof Float32Array || v instanceof Int32Array ? undefined : v), 2) + '\n');
  return out;
}
