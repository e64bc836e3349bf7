import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { executeNotebook } from '../../src';
import { ROOT, taobaoPath, tmp, needs } from '../helpers';

const NB = join(ROOT, 'notebooks');

describe('notebooks are committed clean and match their sources', () => {
  for (const f of readdirSync(NB).filter((f) => f.endsWith('.ipynb'))) {
    test(f, () => {
      const nb = JSON.parse(readFileSync(join(NB, f), 'utf8'));
      for (const c of nb.cells) {
        assert.ok(!(c.outputs ?? []).length && !c.execution_count, `${f}: strip outputs (npm run notebooks)`);
      }
      assert.ok(nb.cells.some((c: { metadata: { tags?: string[] } }) => c.metadata.tags?.includes('parameters')), `${f}: needs a parameters cell`);
      const out = join(tmp(), f);
      const r = spawnSync('python3', [join(ROOT, 'scripts', 'make_notebook.py'), join(NB, 'src', f.replace(/\.ipynb$/, '.ts')), out]);
      assert.equal(r.status, 0, String(r.stderr));
      assert.equal(readFileSync(join(NB, f), 'utf8'), readFileSync(out, 'utf8'), `${f} differs from notebooks/src: run npm run notebooks`);
    });
  }
});

describe('notebook 00-quickstart runs headless', needs('jupyter'), () => {
  test('on the embedded simulated data', async () => {
    const r = await executeNotebook(join(NB, '00-quickstart.ipynb'), { outDir: tmp() });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.stderr, []);
    assert.ok(r.ok);
    const res = r.results as { rows: number; events: Record<string, number>; backend: string };
    assert.ok(res.rows > 200_000);
    assert.equal(res.events.impression, 200_000);
    assert.ok(res.events.buy > 0);
    assert.match(r.stdout, /tfjs backend/);
  });

  test('on the Taobao sample', needs('taobao'), async () => {
    const r = await executeNotebook(join(NB, '00-quickstart.ipynb'), { outDir: tmp(), params: { dataPath: taobaoPath(), preset: 'taobao-userbehavior' } });
    assert.ok(r.ok, [...r.errors, ...r.stderr].join('\n'));
    assert.deepEqual((r.results as { events: object }).events, { click: 75693, cart: 4494, wish: 2351, buy: 1749 });
  });

  test('a failing cell fails the run (stderr is caught)', async () => {
    const r = await executeNotebook(join(NB, '00-quickstart.ipynb'), { outDir: tmp(), params: { dataPath: '/nonexistent/log.csv' } });
    assert.equal(r.ok, false);
    assert.match([...r.errors, ...r.stderr].join('\n'), /got nothing at that path/);
  });
});

describe('notebook 01-mine-paths runs headless', needs('jupyter'), () => {
  test('on the embedded simulated data: recommends cart and wish', async () => {
    const r = await executeNotebook(join(NB, '01-mine-paths.ipynb'), { outDir: tmp(), html: true });
    assert.ok(r.ok, [...r.errors, ...r.stderr].join('\n'));
    const res = r.results as { mode: string; recommended: string[]; funnel: Record<string, number> };
    assert.equal(res.mode, 'impression');
    assert.deepEqual([...res.recommended].sort(), ['cart', 'wish']);
    assert.ok(Math.abs(res.funnel.ctr - 0.06) < 0.005);
    const html = readFileSync(r.html!, 'utf8');
    assert.equal((html.match(/class=\"buypath-plot\"/g) ?? []).length, 10, 'five figures of the path analysis and five of the exploration views');
    const x = r.results as { breakdown: { column: string; heterogeneity: { action: string; p_value: number }[] }; scan: { survivors: number; top: { feature: string; value: string; q_value: number }[] } };
    assert.equal(x.breakdown.column, 'category');
    // The simulator's cart effect does not depend on the category: no heterogeneity to find.
    assert.ok(x.breakdown.heterogeneity.find((h) => h.action === 'cart')!.p_value > 0.05);
    assert.ok(x.scan.top.some((f) => f.feature === 'event' && f.value === 'cart' && f.q_value <= 0.05));
  });

  test('on the Taobao sample (click space)', needs('taobao'), async () => {
    const r = await executeNotebook(join(NB, '01-mine-paths.ipynb'), { outDir: tmp(), params: { dataPath: taobaoPath(), preset: 'taobao-userbehavior' } });
    assert.ok(r.ok, [...r.errors, ...r.stderr].join('\n'));
    const res = r.results as { mode: string; funnel: Record<string, number | null>; anomalies: Record<string, number> };
    assert.equal(res.mode, 'user-item');
    assert.equal(res.funnel.ctr, null);
    assert.ok(res.anomalies.buy_without_click > 0);
    // Exploration: the action table by category (top 8 + the rest), the scan with false-discovery control, time to purchase.
    const x = r.results as {
      breakdown: { column: string; groups: { value: string; clicked_paths: number; recommended: string[] }[]; heterogeneity: { action: string; q_value: number }[] };
      scan: { tested: number; survivors: number; fdr: number; top: { feature: string; value: string; q_value: number }[] };
      time_to_buy: { paths: number; buys: number; censored: number; buy_within_window: number }; samples: number; funnels: { unit: string; counts: number[] }[];
    };
    assert.equal(x.breakdown.column, 'category_id');
    assert.equal(x.breakdown.groups.length, 9);
    assert.equal(x.breakdown.groups[8].value, '(other)');
    assert.deepEqual(x.breakdown.heterogeneity.map((h) => h.action).sort(), ['cart', 'wish']);
    assert.ok(x.scan.tested > 50 && x.scan.survivors >= 2 && x.scan.survivors < x.scan.tested);
    assert.equal(x.scan.top.filter((f) => f.q_value <= x.scan.fdr).length, Math.min(20, x.scan.survivors), 'ranked by q-value');
    for (const a of ['cart', 'wish']) assert.ok(x.scan.top.some((f) => f.feature === 'event' && f.value === a && f.q_value <= x.scan.fdr), `${a} survives`);
    assert.ok(!x.scan.top.some((f) => f.feature === 'event' && (f.value === 'buy' || f.value === 'click')));
    assert.ok(x.time_to_buy.censored > 0.5 * x.time_to_buy.paths, 'most paths of the 9-day sample are still open at its end');
    assert.ok(x.time_to_buy.buy_within_window > x.time_to_buy.buys / x.time_to_buy.paths, 'censored paths are not counted as non-buyers');
    assert.deepEqual(x.funnels.map((f) => f.unit), ['paths', 'users', 'sessions']);
    assert.equal(x.samples, 5);
  });
});

describe('notebook 02-train-esm2 runs headless', needs('jupyter'), () => {
  test('on the embedded simulated data, against the oracle', async () => {
    const r = await executeNotebook(join(NB, '02-train-esm2.ipynb'), { outDir: tmp(), params: { epochs: 2 } });
    assert.ok(r.ok, [...r.errors, ...r.stderr].join('\n'));
    const res = r.results as { space: string; oracle_cvr_auc: number; models: Record<string, { cvr_auc: number; ctcvr_auc: number; ctr_auc: number }>; split: Record<string, number> };
    assert.equal(res.space, 'impression');
    assert.deepEqual(Object.keys(res.models), ['esm2', 'esmm', 'dnn']);
    assert.ok(res.oracle_cvr_auc > 0.7);
    for (const m of Object.values(res.models)) {
      assert.ok(m.cvr_auc > 0.5 && m.cvr_auc <= res.oracle_cvr_auc + 0.05, JSON.stringify(m));
      assert.ok(m.ctcvr_auc > 0.5 && m.ctr_auc > 0.5, JSON.stringify(m));
    }
    // Every impression is a sample, or left out and counted (its window runs past the log's end).
    const left = (r.results as { left_out: { no_impression: number; window_past_log_end: number } }).left_out;
    assert.equal(left.no_impression, 0);
    assert.ok(left.window_past_log_end > 0);
    assert.equal(res.split.train + res.split.validation + res.split.test + left.window_past_log_end, 200_000);
    assert.equal((r.results as { daction_source: string }).daction_source, 'train');
    // auto features on the embedded log: ids stay keys, segment × category is crossed.
    assert.deepEqual((r.results as { features: unknown }).features, { exclude: ['user_id', 'item_id'], crosses: [['segment', 'category']], history: false });
    // In a kernel, progress is one line rewritten in place (a carriage return before each update).
    assert.match(r.stdout, /\resm2 epoch 1\/2: train loss \d/);
  });

  test('on the Taobao sample (click space: no CTR-side metrics)', needs('taobao'), async () => {
    const r = await executeNotebook(join(NB, '02-train-esm2.ipynb'), { outDir: tmp(), params: { dataPath: taobaoPath(), preset: 'taobao-userbehavior', models: 'esm2', epochs: 1 } });
    assert.ok(r.ok, [...r.errors, ...r.stderr].join('\n'));
    const res = r.results as { space: string; models: Record<string, { cvr_auc: number; ctcvr_auc: number | null }> };
    assert.equal(res.space, 'click');
    assert.ok(res.models.esm2.cvr_auc > 0.5);
    assert.equal(res.models.esm2.ctcvr_auc, null);
    assert.deepEqual((r.results as { features: unknown }).features, { exclude: [], crosses: [], history: false }, 'auto means no feature choices on other logs');
  });
});

describe('notebook 03-compare runs headless', needs('jupyter', 'xgboost'), () => {
  test('on the embedded simulated data: the DAction ablation, the five models, intervals, paired comparisons, and the written report', async () => {
    const reportDir = tmp();
    const r = await executeNotebook(join(NB, '03-compare.ipynb'), { outDir: tmp(), params: { epochs: 2, replicates: 30, reportDir } });
    assert.ok(r.ok, [...r.errors, ...r.stderr].join('\n'));
    const res = r.results as { models: Record<string, Record<string, unknown>>; lift_over_gbdt: Record<string, Record<string, unknown>>; ordering: { statement: string }; split: Record<string, number> };
    assert.deepEqual(Object.keys(res.models), ['gbdt', 'dnn', 'dnn_os', 'esmm', 'esm2']);
    for (const [name, m] of Object.entries(res.models)) {
      for (const k of ['cvr_auc', 'ctcvr_auc', 'ctcvr_gauc', 'cvr_f1_top1']) {
        assert.equal(typeof m[k], 'number', `${name}.${k}`);
        const ci = m[`${k}_ci`] as number[];
        assert.ok(Array.isArray(ci) && ci[0] <= (m[k] as number) && (m[k] as number) <= ci[1], `${name}.${k}_ci`);
      }
    }
    assert.deepEqual(Object.keys(res.lift_over_gbdt), ['dnn', 'dnn_os', 'esmm', 'esm2']);
    assert.match(res.ordering.statement, /CVR AUC ordering esm2 ≥ esmm ≥ dnn ≥ gbdt (holds|is not established) by paired 95% intervals/);
    assert.match(res.ordering.statement, /the smallest CVR AUC \(clicked rows\) difference this test set detects with 80% power at α = 0\.05 is 0\.\d{4}/);
    const written = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8'));
    for (const k of ['models', 'lift_over_gbdt', 'split', 'seed', 'fingerprint', 'comparisons', 'minimum_detectable_difference', 'daction_ablation', 'daction_source']) assert.ok(k in written, k);
    // Contract: every stated difference, paired, on CVR and CTCVR AUC.
    const pairs = (written.comparisons as { a: string; b: string; metric: string; diff: number; diff_ci: number[]; lift_ci: number[]; rela_impr_ci: number[] }[]);
    for (const metric of ['cvr_auc', 'ctcvr_auc']) {
      for (const [a, b] of [['esm2', 'esmm'], ['dnn', 'gbdt'], ['dnn_os', 'gbdt'], ['esmm', 'gbdt'], ['esm2', 'gbdt']]) {
        const x = pairs.find((p) => p.a === a && p.b === b && p.metric === metric);
        assert.ok(x, `comparison ${a} vs ${b} on ${metric}`);
        assert.ok(x.diff_ci[0] <= x.diff && x.diff <= x.diff_ci[1] && x.lift_ci.length === 2 && x.rela_impr_ci.length === 2, `${a} vs ${b} ${metric}`);
      }
    }
    assert.equal(written.minimum_detectable_difference.metric, 'cvr_auc');
    assert.ok(written.minimum_detectable_difference.value > 0 && written.minimum_detectable_difference.positives > 0);
    const ablation = written.daction_ablation as { daction: string[]; val_cvr_auc: number; val_cvr_auc_ci: number[]; chosen: boolean }[];
    assert.ok(ablation.length >= 2, 'the embedded log offers several candidate sets');
    assert.equal(ablation.filter((c) => c.chosen).length, 1);
    assert.deepEqual(ablation.find((c) => c.chosen)!.daction, written.daction, 'the report models the ablation\'s choice');
    assert.equal(written.daction_source, 'validation');
    const html = readFileSync(join(reportDir, 'index.html'), 'utf8');
    assert.match(html, /<script type="text\/javascript">\/\*\*\s*\* plotly\.js/);
    assert.match(html, /DAction ablation/);
    assert.match(html, /Paired comparisons/);
  });
});
