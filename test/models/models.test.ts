import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import type * as TF from '@tensorflow/tfjs';
import * as aq from 'arquero';
import {
  initBackend, Esm2, Esmm, Dnn, DnnOs, DnnMt, unoversample, createModel, MODEL_CONFIGS, TRAIN_DEFAULTS, train, predict, saveModel, loadModel,
  buildSamples, minePaths, loadEvents, prepareTraining, writeSimulation, rng, resolveProgress, bce, validate, type ModelSpec, type Batch, type TrainData,
} from '../../src';
import { tmp, writeTmp } from '../helpers';

let tf: typeof TF;
before(async () => {
  tf = (await initBackend(undefined, { quiet: true })).tf;
});

const SPEC: ModelSpec = { vocabSizes: [5, 4], numNumeric: 2, space: 'impression' };
const OPTS = (seed = 1) => ({ config: { ...MODEL_CONFIGS.fast, dropout: 0 }, seed, lossWeights: TRAIN_DEFAULTS.lossWeights, oversample: 5 });

/** A small random data set with learnable labels. */
function toyData(n: number, seed: number): TrainData {
  const r = rng(seed);
  const cat = Int32Array.from({ length: n * 2 }, (_, i) => r.int(i % 2 ? 4 : 5));
  const num = Float32Array.from({ length: n * 2 }, () => r.normal());
  const click = new Float32Array(n), daction = new Float32Array(n), buy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    click[i] = num[2 * i] + (cat[2 * i] === 1 ? 1 : 0) > 0.3 ? 1 : 0;
    daction[i] = click[i] && num[2 * i + 1] > 0 ? 1 : 0;
    buy[i] = daction[i] && cat[2 * i + 1] !== 0 ? 1 : 0;
  }
  return { rows: { n, cat, num }, C: 2, N: 2, click, daction, buy };
}

function batchOf(d: TrainData): Batch {
  return {
    cat: tf.tensor2d(d.rows.cat, [d.rows.n, d.C], 'int32'), num: tf.tensor2d(d.rows.num, [d.rows.n, d.N]),
    click: tf.tensor1d(d.click), daction: tf.tensor1d(d.daction), buy: tf.tensor1d(d.buy),
  };
}

describe('ESM2 composition (Wen et al. 2020)', () => {
  test('matches hand-computed values; with y2 = 0, pCVR equals y4', () => {
    const m = new Esm2(tf, SPEC, OPTS());
    const t = (v: number[]) => tf.tensor1d(v);
    const out = m.compose({ y1: t([0.5, 0.2]), y2: t([0.3, 0]), y3: t([0.9, 0.4]), y4: t([0.1, 0.6]) });
    const close = (a: TF.Tensor | null, b: number[]) => Array.from(a!.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${v} vs ${b[i]}`));
    close(out.pctr, [0.5, 0.2]);
    close(out.pctavr, [0.15, 0]);
    close(out.pcvr, [0.34, 0.6]);
    close(out.pctcvr, [0.17, 0.12]);
    m.dispose();
  });

  test('outputs are products of tower probabilities, not of logits', () => {
    const m = new Esm2(tf, SPEC, OPTS());
    const b = batchOf(toyData(16, 3));
    const y = m.towerProbs(b);
    const o = m.forward(b);
    const [y1, y2, y3, y4] = [y.y1!, y.y2, y.y3, y.y4].map((x) => x.dataSync());
    const [pctavr, pcvr, pctcvr] = [o.pctavr!, o.pcvr, o.pctcvr!].map((x) => x.dataSync());
    for (let i = 0; i < 16; i++) {
      for (const v of [y1[i], y2[i], y3[i], y4[i]]) assert.ok(v > 0 && v < 1);
      assert.ok(Math.abs(pctavr[i] - y1[i] * y2[i]) < 1e-7);
      assert.ok(Math.abs(pcvr[i] - (y2[i] * y3[i] + (1 - y2[i]) * y4[i])) < 1e-7);
      assert.ok(Math.abs(pctcvr[i] - y1[i] * pcvr[i]) < 1e-7);
    }
    m.dispose();
  });

  test('gradients reach all four towers and the shared embedding', () => {
    const m = new Esm2(tf, SPEC, OPTS());
    const b = batchOf(toyData(64, 4));
    const vars = m.weights();
    const { grads, value } = tf.variableGrads(() => m.loss(m.forward(b), b), vars.map((w) => w.variable));
    for (const tower of ['y1_click', 'y2_daction', 'y3_buy_given_daction', 'y4_buy_given_other', 'embedding']) {
      const g = vars.filter((w) => w.name.startsWith(tower)).map((w) => grads[w.variable.name]);
      assert.ok(g.length, tower);
      const norm = g.reduce((s, t) => s + tf.norm(t).dataSync()[0], 0);
      assert.ok(norm > 0, `no gradient reaches ${tower}`);
    }
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    m.dispose();
  });

  test('click space: no CTR tower, pCTR absent, loss on y2 and pCVR', () => {
    const m = new Esm2(tf, { ...SPEC, space: 'click' }, OPTS());
    assert.deepEqual(Object.keys(m.towers), ['y2_daction', 'y3_buy_given_daction', 'y4_buy_given_other']);
    const b = batchOf(toyData(16, 5));
    const o = m.forward(b);
    assert.equal(o.pctr, null);
    assert.equal(o.pctcvr, null);
    assert.ok(Number.isFinite(m.loss(o, b).dataSync()[0]));
    m.dispose();
  });
});

describe('every model', () => {
  for (const name of ['esm2', 'esmm', 'dnn', 'dnn_os', 'dnn_mt']) {
    test(`${name}: overfits a tiny data set, same seed gives same weights, no tensor leaks`, async () => {
      const d = toyData(256, 7);
      const before = tf.memory().numTensors;
      const m = createModel(name, tf, SPEC, { ...OPTS(11), config: { ...MODEL_CONFIGS.fast, dropout: 0, learningRate: 0.02 } });
      const twin = createModel(name, tf, SPEC, { ...OPTS(11), config: { ...MODEL_CONFIGS.fast, dropout: 0, learningRate: 0.02 } });
      const other = createModel(name, tf, SPEC, OPTS(12));
      const w = (x: typeof m) => x.weights().map((v) => Array.from(v.variable.dataSync()));
      assert.deepEqual(w(m), w(twin));
      assert.notDeepEqual(w(m), w(other));
      const first = predict(m, d).loss;
      const r = await train(m, d, d, { epochs: 60, batchSize: 64, learningRate: 0.02, patience: 100, seed: 1, progress: 'none' });
      const last = predict(m, d).loss;
      assert.ok(last < first * 0.5, `${name}: loss ${first} → ${last}`);
      assert.equal(r.history.length, 60);
      for (const x of [m, twin, other]) x.dispose();
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });
  }

  test('progress: auto resolves to live in Jupyter kernels; live rewrites one line in place', async () => {
    const saved = process.env.JPY_PARENT_PID;
    process.env.JPY_PARENT_PID = '1';
    try {
      assert.equal(resolveProgress('auto'), process.stdout.isTTY ? 'bar' : 'live');
    } finally {
      if (saved === undefined) delete process.env.JPY_PARENT_PID;
      else process.env.JPY_PARENT_PID = saved;
    }
    if (!process.stdout.isTTY && saved === undefined) assert.equal(resolveProgress('auto'), 'lines');
    assert.equal(resolveProgress('none'), 'none');
    const m = createModel('esm2', tf, SPEC, OPTS(3));
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await train(m, toyData(256, 5), toyData(64, 6), { epochs: 2, batchSize: 32, learningRate: 0.01, patience: 5, seed: 1, progress: 'live', progressIntervalMs: 0 });
    } finally {
      process.stdout.write = write;
      m.dispose();
    }
    const text = written.filter((c) => c.includes('esm2 epoch')).join(''); // the test runner may write in between
    assert.match(text, /^\resm2 epoch 1\/2: \d+% of 256 samples, \d+ samples\/s, train loss \d/);
    assert.equal(text.split('\n').length - 1, 2, 'one finished line per epoch');
    assert.ok(text.split('\n').every((line) => line === '' || line.startsWith('\r')), 'every line is rewritten in place');
  });

  test('training stops on the validation CVR log-loss of clicked rows, not on the model\'s own loss, and keeps that epoch', async () => {
    // Validation purchases flipped on clicked rows: learning buy makes the CVR log-loss worse while the CTR term still improves.
    const trainSet = toyData(1000, 12), val = toyData(400, 13);
    for (let i = 0; i < val.rows.n; i++) if (val.click[i]) val.buy[i] = 1 - val.buy[i];
    // A small purchase weight: ESM2's own loss is then mostly its CTR and DAction terms, which keep improving.
    const m = new Esm2(tf, SPEC, { ...OPTS(7), lossWeights: { ctr: 1, ctavr: 1, ctcvr: 0.05 } });
    const r = await train(m, trainSet, val, { epochs: 6, batchSize: 100, learningRate: 0.01, patience: 10, seed: 1, progress: 'none' });
    const argmin = (a: number[]) => a.indexOf(Math.min(...a));
    const crit = r.history.map((h) => h.val_cvr_logloss), own = r.history.map((h) => h.val_loss);
    assert.notEqual(argmin(own), argmin(crit), `the scenario needs the two criteria to disagree, got own loss ${own} and CVR log-loss ${crit}`);
    assert.equal(r.bestEpoch, argmin(crit) + 1);
    assert.ok(Math.abs(validate(m, val).cvr_logloss - crit[r.bestEpoch - 1]) < 1e-6, 'the kept weights are not the best epoch\'s');
    m.dispose();
  });

  test('DNN-OS weighs purchases in the CVR loss; DNN does not', () => {
    const b = batchOf(toyData(64, 8));
    const dnn = new Dnn(tf, SPEC, OPTS(3)), os = new DnnOs(tf, SPEC, OPTS(3));
    const l1 = dnn.loss(dnn.forward(b), b).dataSync()[0], l2 = os.loss(os.forward(b), b).dataSync()[0];
    assert.notEqual(l1, l2);
    const esmm = new Esmm(tf, SPEC, OPTS());
    assert.equal(esmm.name, 'esmm');
    dnn.dispose(); os.dispose(); esmm.dispose();
  });

  test('DNN-OS maps its oversampled q back to the base rate: pCVR = q / (q + k(1 − q)), pCTCVR = pCTR · pCVR', () => {
    // By hand: q = 0.5 with k = 5 → 0.5 / (0.5 + 2.5) = 1/6; q = 0.2 with k = 4 → 0.2 / (0.2 + 3.2) = 1/17.
    assert.ok(Math.abs(unoversample(0.5, 5) - 1 / 6) < 1e-15);
    assert.ok(Math.abs(unoversample(0.2, 4) - 1 / 17) < 1e-15);
    assert.equal(unoversample(0.3, 1), 0.3);
    const b = batchOf(toyData(32, 9));
    // Same seed, same architecture: DNN's pCVR is DNN-OS's q.
    const dnn = new Dnn(tf, SPEC, OPTS(4)), os = new DnnOs(tf, SPEC, OPTS(4));
    const d = dnn.forward(b), o = os.forward(b);
    const q = d.pcvr.dataSync(), p = o.pcvr.dataSync(), pctr = o.pctr!.dataSync(), pctcvr = o.pctcvr!.dataSync(), aux = o.aux!.q.dataSync();
    for (let i = 0; i < 32; i++) {
      assert.ok(Math.abs(aux[i] - q[i]) < 1e-7);
      assert.ok(Math.abs(p[i] - unoversample(q[i], 5)) < 1e-6, `row ${i}: ${p[i]} vs ${unoversample(q[i], 5)}`);
      assert.ok(Math.abs(pctcvr[i] - pctr[i] * p[i]) < 1e-7);
    }
    dnn.dispose(); os.dispose();
  });

  test('DNN-OS trained with purchases × 5 predicts the original base rate on average; its q is inflated', async () => {
    // Purchases at 5% of clicks, independent of the features: the calibrated pCVR is 0.05 everywhere, the oversampled q 0.05·5 / (1 + 0.05·4) ≈ 0.21.
    const d = toyData(4000, 10), r = rng(10);
    for (let i = 0; i < d.rows.n; i++) d.buy[i] = d.click[i] && r.uniform() < 0.05 ? 1 : 0;
    const m = new DnnOs(tf, SPEC, { ...OPTS(5), config: { ...MODEL_CONFIGS.fast, dropout: 0 } });
    await train(m, d, d, { epochs: 4, batchSize: 200, learningRate: 0.005, patience: 100, seed: 1, progress: 'none' });
    const p = predict(m, d).pcvr;
    const clicked = Array.from({ length: d.rows.n }, (_, i) => i).filter((i) => d.click[i] > 0.5);
    const mean = (f: (i: number) => number) => clicked.reduce((s, i) => s + f(i), 0) / clicked.length;
    const rate = mean((i) => d.buy[i]), mapped = mean((i) => p[i]), q = mean((i) => p[i] / (p[i] + (1 - p[i]) / 5)); // q from p: the inverse map
    assert.ok(Math.abs(mapped - rate) < 0.25 * rate, `mean pCVR ${mapped} vs purchase rate ${rate}`);
    assert.ok(q > 1.5 * rate, `the oversampled q (${q}) should sit above the rate (${rate})`);
    m.dispose();
  });

  test('DNN is single-task: its CVR and CTR networks share no weight; DNN-MT shares the embeddings', () => {
    const b = batchOf(toyData(64, 11));
    const grads = (m: Dnn | DnnMt, which: 'ctr' | 'cvr') => {
      const vars = m.weights();
      const f = () => {
        const o = m.forward(b);
        return which === 'ctr' ? bce(tf, o.pctr!, b.click) : bce(tf, o.pcvr, b.buy, b.click);
      };
      const { grads: g, value } = tf.variableGrads(f, vars.map((w) => w.variable));
      const norms = Object.fromEntries(vars.map((w) => [w.name, g[w.variable.name] ? tf.norm(g[w.variable.name]).dataSync()[0] : 0]));
      value.dispose();
      Object.values(g).forEach((t) => t.dispose());
      return norms;
    };
    const dnn = new Dnn(tf, SPEC, OPTS(6));
    assert.deepEqual(dnn.weights().filter((w) => w.name.includes('embedding')).map((w) => w.name), ['embedding', 'cvr/embedding']);
    const ctr = grads(dnn, 'ctr'), cvr = grads(dnn, 'cvr');
    assert.ok(ctr.embedding > 0 && ctr['ctr/dense0/kernel'] > 0);
    assert.equal(ctr['cvr/embedding'], 0, 'the CTR loss reaches the CVR network');
    assert.equal(ctr['cvr/dense0/kernel'], 0);
    assert.ok(cvr['cvr/embedding'] > 0 && cvr['cvr/dense0/kernel'] > 0);
    assert.equal(cvr.embedding, 0, 'the CVR loss reaches the CTR network');
    assert.equal(cvr['ctr/dense0/kernel'], 0);
    const mt = new DnnMt(tf, SPEC, OPTS(6));
    assert.ok(grads(mt, 'cvr').embedding > 0, 'DNN-MT: the CVR loss should reach the shared embeddings');
    // In click space the DNN is the CVR network alone, with one table.
    const click = new Dnn(tf, { ...SPEC, space: 'click' }, OPTS(6));
    assert.deepEqual(click.weights().filter((w) => w.name.includes('embedding')).map((w) => w.name), ['embedding']);
    for (const m of [dnn, mt, click]) m.dispose();
  });

  test('unknown model names are named', () => {
    assert.throws(() => createModel('gbdt2', tf, SPEC, OPTS()), /expected one of esm2, esmm, dnn, dnn_os, dnn_mt/);
  });
});

describe('samples, saving and resuming', () => {
  test('no label column can become a feature', async () => {
    const lines = ['impression_id,user_id,item_id,event,ts,click,buy,label,colour', 'a,u1,i1,impression,1600000000,1,1,1,red', 'a,u1,i1,click,1600000005,,,,', 'b,u2,i1,impression,1600000010,0,0,0,blue'];
    const { table } = await loadEvents(writeTmp('l.csv', lines.join('\n') + '\n'), { actions: [] });
    // A two-row log ends within one window of its rows: keep them (censoring has its own tests).
    const s = buildSamples(table, minePaths(table), { daction: [], keepCensored: true });
    assert.deepEqual(Object.keys(s.categorical).sort(), ['colour', 'item_id', 'user_id']);
    assert.deepEqual(Object.keys(s.numeric), []);
    assert.deepEqual(Object.keys(s.excluded).sort(), ['buy', 'click', 'label']);
    assert.deepEqual(Array.from(s.labels.click), [1, 0]);
  });

  test('crosses join categorical columns; excluded ids stay keys but not features; bad crosses are named', async () => {
    const lines = ['impression_id,user_id,item_id,event,ts,colour,size', 'a,u1,i1,impression,1600000000,red,S', 'a,u1,i1,click,1600000005,,', 'b,u2,i1,impression,1600000010,blue,', 'c,u2,i2,impression,1600000020,blue,M'];
    const { table } = await loadEvents(writeTmp('x.csv', lines.join('\n') + '\n'), { actions: [] });
    const paths = minePaths(table);
    const s = buildSamples(table, paths, { daction: [], exclude: ['user_id'], crosses: [['colour', 'size'], ['user_id', 'colour']], keepCensored: true });
    assert.deepEqual(Object.keys(s.categorical), ['item_id', 'colour', 'size', 'colour_x_size', 'user_id_x_colour']);
    assert.deepEqual(s.categorical.colour_x_size, ['red|S', null, 'blue|M'], 'a missing part gives a missing cross');
    assert.deepEqual(s.categorical.user_id_x_colour, ['u1|red', 'u2|blue', 'u2|blue']);
    assert.deepEqual(s.user_id, ['u1', 'u2', 'u2'], 'an excluded id is still the key');
    assert.match(s.excluded.user_id, /kept as a key/);
    assert.throws(() => buildSamples(table, paths, { daction: [], crosses: [['colour', 'weight']] }), /crosses: expected two or more categorical columns .*"colour:weight" \(weight is not categorical here\)/);
    assert.throws(() => buildSamples(table, paths, { daction: [], crosses: [['colour']] }), /crosses: expected two or more/);
  });

  test('save, load, predict the same; resume continues from the checkpoint', async () => {
    const dir = tmp();
    const { files } = await writeSimulation(dir, { impressions: 20_000, seed: 2 });
    const { table } = await loadEvents(files.events, { preset: 'buypath' });
    const p = prepareTraining(table, minePaths(table), { daction: ['cart', 'wish'] });
    assert.equal(p.samples.space, 'impression');
    assert.deepEqual(Object.keys(p.samples.numeric).sort(), ['activity', 'price', 'rating']);
    assert.deepEqual(p.encoder.categorical.map((c) => c.name), ['user_id', 'item_id', 'segment', 'category', 'level']);
    assert.deepEqual(p.encoder.numeric.map((f) => [f.name, f.transform]), [['price', 'log1p'], ['activity', 'log1p'], ['rating', 'none']]);
    // Nothing from the future trains.
    const maxTrain = Math.max(...Array.from(p.split.train, (i) => p.samples.ts[i]));
    const minTest = Math.min(...Array.from(p.split.test, (i) => p.samples.ts[i]));
    assert.ok(maxTrain <= minTest);
    const m = new Esm2(tf, p.spec, OPTS(5));
    const ck = `${dir}/ck`;
    await train(m, p.data.train, p.data.validation, { epochs: 1, batchSize: 1000, learningRate: 2e-3, patience: 5, seed: 5, checkpointDir: ck, progress: 'none' });
    const resumed = new Esm2(tf, p.spec, OPTS(5));
    const r = await train(resumed, p.data.train, p.data.validation, { epochs: 2, batchSize: 1000, learningRate: 2e-3, patience: 5, seed: 5, checkpointDir: ck, resume: true, progress: 'none' });
    assert.deepEqual(r.history.map((h) => h.epoch), [1, 2]);
    await saveModel(`${dir}/model`, resumed, { config: resumed.options.config, encoder: p.encoder, daction: ['cart', 'wish'], fingerprint: p.samples.fingerprint, history: r.history, backend: 'test', source: { path: files.events, preset: 'buypath', window: '7d', preClick: 'attach' } });
    const { model: loaded, meta } = await loadModel(`${dir}/model`);
    assert.equal(meta.fingerprint, p.samples.fingerprint);
    assert.deepEqual(Array.from(predict(loaded, p.data.test).pcvr), Array.from(predict(resumed, p.data.test).pcvr));
    for (const x of [m, resumed, loaded]) x.dispose();
  });
});
