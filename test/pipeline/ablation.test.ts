/** The DAction ablation: its candidates, and that it reads no test rows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ablationCandidates, analysePaths, dactionAblation, loadEvents, minePaths, prepareTraining, trainingPaths, writeSimulation, type DActionCandidate,
} from '../../src';
import { cli, needs, tmp, writeTmp } from '../helpers';

const cand = (daction: string[], kind: 'single' | 'greedy', buy_coverage: number) => ({ daction, kind, buy_coverage }) as DActionCandidate;

test('candidates: the single actions with the most purchase coverage, then the greedy unions up to that size', () => {
  const c = [cand(['cart'], 'single', 0.6), cand(['wish'], 'single', 0.2), cand(['share'], 'single', 0.05), cand(['compare'], 'single', 0.3), cand(['gift'], 'single', 0),
    cand(['cart', 'compare'], 'greedy', 0.7), cand(['cart', 'compare', 'wish'], 'greedy', 0.8), cand(['cart', 'compare', 'wish', 'share'], 'greedy', 0.82)];
  assert.deepEqual(ablationCandidates(c, 3).map((x) => x.daction.join('+')), ['cart', 'compare', 'wish', 'cart+compare', 'cart+compare+wish']);
  assert.deepEqual(ablationCandidates(c, 1).map((x) => x.daction.join('+')), ['cart']);
});

test('the ablation scores candidates on validation rows only: changing test-period paths moves the test labels, not the ablation', async () => {
  const dir = tmp();
  const { files } = await writeSimulation(join(dir, 'sim'), { impressions: 30_000, seed: 6 });
  const text = readFileSync(files.events, 'utf8').trim().split('\n');
  const { table } = await loadEvents(files.events, { preset: 'buypath' });
  const paths = minePaths(table);
  const training = trainingPaths(table, paths);
  const candidates = ablationCandidates(analysePaths(training.paths, { bootstrap: 20 }).candidates);
  assert.ok(candidates.length >= 2, `the scenario needs two candidates, got ${candidates.length}`);
  const p = prepareTraining(table, paths, { daction: ['share'] });
  const testStart = p.samples.ts[p.split.test[0]];
  // Every clicked path whose impression is in the test period gets a share one second after its click.
  const [header, ...rows] = text;
  const col = Object.fromEntries(header.split(',').map((c, i) => [c, i]));
  const clickTs = new Map<string, number>(), impTs = new Map<string, number>();
  for (const l of rows) {
    const f = l.split(',');
    if (f[col.event] === 'click') clickTs.set(f[col.impression_id], Number(f[col.ts]));
    if (f[col.event] === 'impression') impTs.set(f[col.impression_id], Number(f[col.ts]));
  }
  const extra = rows.filter((l) => { const f = l.split(','); return f[col.event] === 'click' && impTs.get(f[col.impression_id])! >= testStart; }).map((l) => {
    const f = l.split(',');
    f[col.event] = 'share';
    f[col.ts] = String(clickTs.get(f[col.impression_id])! + 1);
    return f.join(',');
  });
  assert.ok(extra.length >= 20, `${extra.length} test-period clicks`);
  const t2 = (await loadEvents(writeTmp('perturbed.csv', [header, ...rows, ...extra].join('\n') + '\n'), { preset: 'buypath' })).table;
  const p2 = minePaths(t2);
  // The perturbation reaches the test rows' labels …
  const q = prepareTraining(t2, p2, { daction: ['share'] });
  assert.deepEqual(Array.from(q.split.test), Array.from(p.split.test));
  assert.notDeepEqual(Array.from(q.data.test.daction), Array.from(p.data.test.daction), 'the perturbation should change test labels');
  assert.deepEqual(Array.from(q.data.validation.daction), Array.from(p.data.validation.daction));
  // … and not the ablation.
  const o = { config: { epochs: 1 }, replicates: 50, seed: 2 };
  const a = await dactionAblation(table, paths, candidates, o);
  const b = await dactionAblation(t2, p2, ablationCandidates(analysePaths(trainingPaths(t2, p2).paths, { bootstrap: 20 }).candidates), o);
  assert.deepEqual(b, a);
  assert.equal(a.candidates.length, candidates.length);
  assert.equal(a.candidates.filter((c) => c.chosen).length, 1);
  const best = Math.max(...a.candidates.map((c) => c.val_cvr_auc));
  assert.equal(a.candidates.find((c) => c.chosen)!.val_cvr_auc, best);
  for (const c of a.candidates) assert.ok(c.val_cvr_auc_ci[0] <= c.val_cvr_auc && c.val_cvr_auc <= c.val_cvr_auc_ci[1]);
});

test('buypath report: the ablation chooses the DActions; results.json holds the paired comparisons, the minimum detectable difference and every candidate', needs('xgboost'), () => {
  const dir = tmp();
  assert.equal(cli(['simulate', '--out', join(dir, 'sim'), '--impressions', '40000', '--seed', '3']).status, 0);
  const log = join(dir, 'sim', 'events.csv');
  const r = cli(['report', log, '--out', join(dir, 'r'), '--epochs', '1', '--replicates', '40', '--models', 'gbdt,dnn,esmm,esm2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /DAction ablation: .* has the highest validation CVR AUC/);
  assert.match(r.stdout, /CVR AUC ordering esm2 ≥ esmm ≥ dnn ≥ gbdt (holds|is not established) by paired 95% intervals/);
  const j = JSON.parse(readFileSync(join(dir, 'r', 'results.json'), 'utf8'));
  for (const metric of ['cvr_auc', 'ctcvr_auc']) {
    for (const [a, b] of [['esm2', 'esmm'], ['dnn', 'gbdt'], ['esmm', 'gbdt'], ['esm2', 'gbdt']]) {
      const c = j.comparisons.find((x: { a: string; b: string; metric: string }) => x.a === a && x.b === b && x.metric === metric);
      assert.ok(c, `${a} vs ${b} on ${metric}`);
      for (const k of ['diff', 'lift', 'rela_impr']) assert.ok(k in c && Array.isArray(c[`${k}_ci`]), `${a} vs ${b}: ${k}`);
      assert.ok(Math.abs(c.diff - (j.models[a][metric] - j.models[b][metric])) < 1e-12, 'the difference is of the reported AUCs');
    }
  }
  assert.deepEqual(Object.keys(j.minimum_detectable_difference).slice(0, 3), ['metric', 'value', 'positives']);
  assert.equal(j.minimum_detectable_difference.metric, 'cvr_auc');
  assert.ok(j.daction_ablation.length >= 2);
  assert.deepEqual(j.daction_ablation.find((c: { chosen: boolean }) => c.chosen).daction, j.daction);
  assert.equal(j.daction_source, 'validation');
  assert.equal(j.replicates, 40);
  const off = cli(['report', log, '--out', join(dir, 'off'), '--epochs', '1', '--replicates', '20', '--models', 'gbdt,esm2', '--ablation', 'off']);
  assert.equal(off.status, 0, off.stderr);
  const jo = JSON.parse(readFileSync(join(dir, 'off', 'results.json'), 'utf8'));
  assert.equal(jo.daction_ablation, null);
  assert.equal(jo.daction_source, 'train');
  assert.match(cli(['report', log, '--out', join(dir, 'x'), '--ablation', 'maybe']).stderr, /--ablation: expected on or off, got "maybe"/);
});

test('buypath train --daction auto trains on the ablation\'s winner and prints every candidate', () => {
  const dir = tmp();
  assert.equal(cli(['simulate', '--out', join(dir, 'sim'), '--impressions', '30000', '--seed', '5']).status, 0);
  const t = cli(['train', join(dir, 'sim', 'events.csv'), '--daction', 'auto', '--epochs', '1', '--out', join(dir, 'm')]);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /DAction ablation \(ESM2 per candidate set, validation CVR AUC on clicked rows\):/);
  const chosen = /★ (\S+): /.exec(t.stdout);
  assert.ok(chosen, t.stdout);
  assert.match(t.stdout, new RegExp(`DAction ${chosen[1].replace(/[∪]/g, '∪')} \\(chosen by the DAction ablation on the validation rows\\)`));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8')).daction, chosen[1].split('∪'));
});
