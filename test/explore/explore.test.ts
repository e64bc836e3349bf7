import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadEvents, minePaths, groupPaths, breakdown, correlationScan, eventColumns, pathSequences, transitionGraph, stepMatrix, sequenceFunnel,
  timeToBuy, samplePaths, cellPaths, kaplanMeier, survivalCells, MISSING, PATH_FLAGS, OptionError,
} from '../../src';
import { writeTmp } from '../helpers';

const T0 = 1_600_000_000, D = 86400;

/** One clicked path per (user, item): click at `t`, then each action / purchase a few seconds later; `props` on every row. */
function pathRows(k: number, t: number, actions: string[], buy: boolean, props: (string | number)[]): string[] {
  const r = (e: string, dt: number) => [`u${k}`, `i${k}`, e, T0 + t + dt, ...props].join(',');
  return [r('click', 0), ...actions.map((a, j) => r(a, 5 + j)), ...(buy ? [r('buy', 60)] : [])];
}

async function mine(header: string, rows: string[]) {
  const { table } = await loadEvents(writeTmp('log.csv', [header, ...rows].join('\n') + '\n'), { categorical: ['segment', 'promo', 'colour', 'badge'] });
  return { table, paths: minePaths(table) };
}

/** Group `seg`: `cartBuys` of 50 cart paths and `otherBuys` of 150 paths without cart buy. */
function groupRows(seg: string, start: number, cartBuys: number, otherBuys: number): string[] {
  const out: string[] = [];
  for (let j = 0; j < 200; j++) {
    const cart = j < 50, buy = cart ? j < cartBuys : j - 50 < otherBuys;
    out.push(...pathRows(start + j, (start + j) * 100, cart ? ['cart'] : [], buy, [seg]));
  }
  return out;
}

describe('breakdown by a column', () => {
  test('a two-group log where the lift of cart differs by construction', async () => {
    // A: cart paths buy 25/50, others 3/150 (lift 25); B: 5/50 vs 15/150 (lift 1).
    const { table, paths } = await mine('user_id,item_id,event,ts,segment', [...groupRows('A', 0, 25, 3), ...groupRows('B', 1000, 5, 15)]);
    const b = breakdown(paths, groupPaths(table, paths, 'segment'));
    assert.deepEqual(b.groups.map((g) => [g.value, g.clicked_paths, g.buys]), [['A', 200, 28], ['B', 200, 20]]);
    const cart = (v: string) => b.groups.find((g) => g.value === v)!.actions.find((a) => a.action === 'cart')!;
    assert.ok(Math.abs(cart('A').lift - 25) < 1e-9 && Math.abs(cart('B').lift - 1) < 1e-9);
    assert.deepEqual(b.groups.map((g) => g.recommended), [['cart'], []], 'cart is deterministic in A only');
    // Q = (log 25 − log 1)² / (v_A + v_B), v = 1/a − 1/n1 + 1/c − 1/n0.
    const v = (a: number, n1: number, c: number, n0: number) => 1 / a - 1 / n1 + 1 / c - 1 / n0;
    const h = b.heterogeneity.find((x) => x.action === 'cart')!;
    assert.ok(Math.abs(h.statistic - Math.log(25) ** 2 / (v(25, 50, 3, 150) + v(5, 50, 15, 150))) < 1e-9);
    assert.ok(h.p_value < 1e-3 && h.q_value <= 0.05 && h.q_value >= h.p_value);
    assert.ok(cart('A').q_value < 0.05 && cart('B').q_value > 0.5, 'A differs from 1 after BH, B does not');
    assert.equal(b.groups[0].funnel.find((s) => s.step === 'buy')!.count, 28);
  });

  test('two groups built alike: no heterogeneity', async () => {
    const { table, paths } = await mine('user_id,item_id,event,ts,segment', [...groupRows('A', 0, 25, 3), ...groupRows('B', 1000, 25, 3)]);
    const h = breakdown(paths, groupPaths(table, paths, 'segment')).heterogeneity[0];
    assert.ok(Math.abs(h.statistic) < 1e-12 && h.p_value === 1);
  });

  test('a numeric column is cut into quantile bands; rare values are pooled; missing values are a group', async () => {
    const rows: string[] = [];
    for (let k = 0; k < 400; k++) rows.push(...pathRows(k, k * 100, [], k % 7 === 0, [5 + 10 * (k % 4), k < 390 ? `c${k % 3}` : `rare${k}`, k === 0 ? '' : 'x']));
    const { table, paths } = await mine('user_id,item_id,event,ts,price,segment,badge', rows);
    const price = groupPaths(table, paths, 'price', { bands: 4 });
    assert.equal(price.kind, 'numeric');
    // Quartiles of 100 × {5, 15, 25, 35}: 5, 12.5, 20, 27.5, 35.
    assert.deepEqual(price.labels, ['[5, 12.5)', '[12.5, 20)', '[20, 27.5)', '[27.5, 35]']);
    assert.deepEqual(price.labels.map((_, g) => price.code.filter((c) => c === g).length), [100, 100, 100, 100]);
    const seg = groupPaths(table, paths, 'segment', { maxGroups: 3 });
    assert.deepEqual(seg.labels, ['c0', 'c1', 'c2', '(other)']);
    assert.equal(seg.pooled, 10);
    assert.deepEqual(groupPaths(table, paths, 'badge').labels, ['x', MISSING]);
    assert.throws(() => groupPaths(table, paths, 'nope'), OptionError);
  });
});

describe('correlation scan', () => {
  /** promo=yes drives purchases (40/100 vs 12/300); colour is neutral by construction; badge=gold is too rare to test; wish on every bought promo path. */
  async function scanLog() {
    const rows: string[] = [];
    let k = 0;
    const add = (n: number, buys: number, promo: string, colour: string, wish: boolean) => {
      for (let j = 0; j < n; j++, k++) rows.push(...pathRows(k, k * 100, wish && j < buys ? ['wish'] : [], j < buys, [promo, colour, k % 40 === 0 ? 'gold' : 'none', 5 + 10 * (k % 4)]));
    };
    add(50, 20, 'yes', 'red', true); add(50, 20, 'yes', 'blue', true); add(150, 6, 'no', 'red', false); add(150, 6, 'no', 'blue', false);
    return mine('user_id,item_id,event,ts,promo,colour,badge,price', rows);
  }

  test('the property that drives purchases survives false-discovery control; the neutral one does not', async () => {
    const { table, paths } = await scanLog();
    const s = correlationScan(paths, table, { minSupport: 30 });
    const row = (f: string, v: string) => s.rows.find((r) => r.feature === f && r.value === v);
    const yes = row('promo', 'yes')!;
    assert.deepEqual([yes.support, yes.buys], [100, 40]);
    assert.ok(Math.abs(yes.lift - 0.4 / (12 / 300)) < 1e-9);
    assert.ok(Math.abs(yes.buy_share - 40 / 52) < 1e-12);
    assert.ok(yes.q_value < 1e-6 && yes.lift_ci[0] > 1);
    for (const v of ['red', 'blue']) assert.ok(row('colour', v)!.p_value > 0.999 && row('colour', v)!.q_value > 0.5, `colour ${v} is neutral`);
    assert.equal(row('badge', 'gold'), undefined, 'badge=gold (10 paths) is below the support rule');
    assert.ok(s.below_support >= 2);
    const wish = row('event', 'wish')!;
    assert.equal(wish.lift, 1 / (12 / 360), 'every wish path bought: 40/40 against 12/360');
    assert.ok(wish.lift_ci[0] > 1 && Number.isFinite(wish.lift_ci[1]));
    assert.ok(!s.rows.some((r) => r.feature === 'event' && ['click', 'buy'].includes(r.value)), 'the outcome-defining events are never features');
    assert.deepEqual(s.excluded_events.slice(0, 2), ['click', 'buy']);
    assert.ok(s.rows.slice(0, 2).every((r) => ['wish', 'yes', 'no'].includes(r.value)), 'ranked by q-value');
    assert.ok(s.rows.every((r, i) => i === 0 || s.rows[i - 1].q_value <= r.q_value));
    assert.equal(s.survivors, s.rows.filter((r) => r.q_value <= 0.05).length);
    assert.ok(s.rows.some((r) => r.feature === 'price' && r.value === '[5, 12.5)'), 'numeric columns are scanned by band');
  });

  test('excluding an event leaves it out of the scan', async () => {
    const { table, paths } = await scanLog();
    assert.ok(!correlationScan(paths, table, { excludeEvents: ['wish'] }).rows.some((r) => r.value === 'wish'));
    assert.ok(correlationScan(paths).features.length === 1, 'without a table: actions only');
  });
});

describe('event sequences, transition graph, step matrix and drill-down', () => {
  const rows = [
    // u1/i1: click, cart, buy, then a click 8 days later that starts a second path.
    'u1,i1,click,0', 'u1,i1,cart,10', 'u1,i1,buy,70', 'u1,i1,click,' + 8 * D,
    // u2/i2: wish before the click (pre-click), click, click, buy.
    'u2,i2,wish,0', 'u2,i2,click,100', 'u2,i2,click,130', 'u2,i2,buy,160',
    // u3/i3: click, wish.
    'u3,i3,click,0', 'u3,i3,wish,40',
  ].map((r) => { const [u, i, e, t] = r.split(','); return `${u},${i},${e},${T0 + Number(t)}`; });

  test('each path holds its own events, in time order, pre-click events first', async () => {
    const { table, paths } = await mine('user_id,item_id,event,ts', rows);
    const e = eventColumns(table, paths);
    const seqs = pathSequences(table, paths, e);
    const seqOf = (p: number) => Array.from(seqs.rows.subarray(seqs.offsets[p], seqs.offsets[p + 1]), (i) => e.names[e.ev[i]]).join(' ');
    const byKey = Object.fromEntries(Array.from({ length: paths.n }, (_, p) => [`${paths.users[paths.user[p]]}@${paths.start[p] - T0}`, seqOf(p)]));
    assert.deepEqual(byKey, { 'u1@0': 'click cart buy', [`u1@${8 * D}`]: 'click', 'u2@100': 'wish click click buy', 'u3@0': 'click wish' });
  });

  test('impression mode: an unclicked impression is its own path; events of an impression without a click are in none', async () => {
    const rows = ['i1,u1,p1,impression,0', 'i1,u1,p1,click,5', 'i1,u1,p1,cart,9', 'i2,u1,p2,impression,1', 'i3,u2,p1,impression,2', 'i3,u2,p1,cart,8']
      .map((r) => { const f = r.split(','); return [...f.slice(0, 4), T0 + Number(f[4])].join(','); });
    const { table, paths } = await mine('impression_id,user_id,item_id,event,ts', rows);
    assert.equal(paths.mode, 'impression');
    const e = eventColumns(table, paths);
    const seqs = pathSequences(table, paths, e);
    const seqOf = (p: number) => Array.from(seqs.rows.subarray(seqs.offsets[p], seqs.offsets[p + 1]), (i) => e.names[e.ev[i]]).join(' ');
    const got = Array.from({ length: paths.n }, (_, p) => `${paths.users[paths.user[p]]}/${paths.items[paths.item[p]]}: ${seqOf(p)}`).sort();
    assert.deepEqual(got, ['u1/p1: impression click cart', 'u1/p2: impression', 'u2/p1: impression']);
  });

  test('directly-follows counts, probabilities and times by hand', async () => {
    const { table, paths } = await mine('user_id,item_id,event,ts', rows);
    const e = eventColumns(table, paths);
    const seqs = pathSequences(table, paths, e);
    const g = transitionGraph(e, seqs);
    const edge = (f: string, t: string) => g.edges.find((x) => x.from === f && x.to === t);
    // clicks: 5 occurrences; click→cart, click→click, click→buy, click→wish once each; the second path's lone click ends.
    assert.deepEqual(g.nodes.find((n) => n.event === 'click'), { event: 'click', count: 5, starts: 3, ends: 1 });
    assert.deepEqual(edge('click', 'cart'), { from: 'click', to: 'cart', count: 1, probability: 0.2, median_s: 10, p90_s: 10 });
    assert.equal(edge('click', 'buy')!.median_s, 30);
    assert.equal(edge('wish', 'click')!.probability, 0.5, 'one of two wishes is followed by a click');
    assert.equal(g.sequences, 4);
    const m = stepMatrix(e, seqs, { steps: 3 });
    const at = (ev: string, k: number) => m.share[m.events.indexOf(ev)][k];
    assert.equal(at('click', 0), 0.75);
    assert.equal(at('end', 1), 0.25);
    assert.ok(m.share[0].map((_, k) => m.share.reduce((s, r) => s + r[k], 0)).every((x) => Math.abs(x - 1) < 1e-12), 'each step sums to 1');
  });

  test('drill-down returns the paths of a cell as events with times, drawn by seed', async () => {
    const { table, paths } = await mine('user_id,item_id,event,ts', rows);
    const e = eventColumns(table, paths);
    const seqs = pathSequences(table, paths, e);
    assert.equal(cellPaths(e, seqs, paths, { bought: true }).length, 2);
    assert.equal(cellPaths(e, seqs, paths, { transition: ['click', 'click'] }).length, 1);
    const [s] = samplePaths(e, seqs, paths, { action: 'cart' });
    assert.deepEqual(s.events.map((x) => [x.event, x.t_s]), [['click', 0], ['cart', 10], ['buy', 70]]);
    assert.equal(s.bought, true);
    const a = samplePaths(e, seqs, paths, {}, { n: 2, seed: 7 }), b = samplePaths(e, seqs, paths, {}, { n: 2, seed: 7 });
    assert.deepEqual(a, b);
    assert.throws(() => cellPaths(e, seqs, paths, { action: 'share' }), OptionError);
  });
});

describe('funnel settings', () => {
  const rows = [
    // u1: click, cart, then a purchase two hours later (two 30-minute sessions).
    'u1,i1,click,0', 'u1,i1,cart,10', 'u1,i1,buy,7210',
    // u2: click, wish, cart, buy: in order, but not strictly.
    'u2,i2,click,0', 'u2,i2,wish,5', 'u2,i2,cart,10', 'u2,i2,buy,20',
    // u3: cart before the click: in order only from the click.
    'u3,i3,cart,0', 'u3,i3,click,10', 'u3,i3,buy,20',
    // u4: cart eight days after the click.
    'u4,i4,click,0', 'u4,i4,cart,' + 8 * D,
  ].map((r) => { const [u, i, e, t] = r.split(','); return `${u},${i},${e},${T0 + Number(t)}`; });
  const steps = ['click', 'cart', 'buy'];
  const counts = (f: { steps: { count: number }[] }) => f.steps.map((s) => s.count);

  test('ordered, strict and any order; the conversion window', async () => {
    const { table, paths } = await mine('user_id,item_id,event,ts', rows);
    assert.deepEqual(counts(sequenceFunnel(table, paths, { steps, unit: 'users', order: 'ordered', window: '7d' })), [4, 2, 2]);
    assert.deepEqual(counts(sequenceFunnel(table, paths, { steps, unit: 'users', order: 'ordered', window: '10d' })), [4, 3, 2]);
    assert.deepEqual(counts(sequenceFunnel(table, paths, { steps, unit: 'users', order: 'strict' })), [4, 1, 1]);
    assert.deepEqual(counts(sequenceFunnel(table, paths, { steps, unit: 'users', order: 'any' })), [4, 3, 3]);
    const f = sequenceFunnel(table, paths, { steps, unit: 'users' });
    assert.ok(Math.abs(f.steps[2].rate - 0.5) < 1e-12 && f.steps[2].rate_ci[0] < 0.5 && f.steps[2].rate_ci[1] > 0.5);
    assert.equal(f.steps[2].median_s, (7210 + 20) / 2);
  });

  test('exclusion steps, and counting by sessions', async () => {
    const { table, paths } = await mine('user_id,item_id,event,ts', rows);
    const ex = sequenceFunnel(table, paths, { steps, unit: 'users', exclude: ['wish'] });
    assert.equal(ex.excluded, 1, 'u2 has a wish between click and cart');
    assert.deepEqual(counts(ex), [3, 1, 1]);
    const s = sequenceFunnel(table, paths, { steps, unit: 'sessions', sessionTimeout: '30m', window: '10d' });
    // Sessions: u1 (click, cart) and (buy); u2; u3; u4 (click) and (cart): 6 sessions, 4 with a click.
    assert.equal(s.units, 6);
    assert.deepEqual(counts(s), [4, 2, 1]);
    // Paths: one per user; u4's cart, 8 days after its click, is in no path; u3's cart is a pre-click event of its path.
    assert.deepEqual(counts(sequenceFunnel(table, paths, { steps, unit: 'paths' })), [4, 2, 2]);
    assert.throws(() => sequenceFunnel(table, paths, { steps: ['click', 'nope'] }), OptionError);
  });
});

describe('time to purchase that respects the log end', () => {
  test('a censored log: Kaplan–Meier checked against a hand computation', async () => {
    // Log end at 8 days. Purchases 10 s, 100 s and 200 s after their clicks; no purchase: a path seen for its
    // whole window (censored at 7 d), and paths clicked 0 s, 50 s and 150 s before the log's end.
    const E = 8 * D;
    const r = (k: number, t: number, buy?: number) => [`u${k},i${k},click,${T0 + t}`, ...(buy === undefined ? [] : [`u${k},i${k},buy,${T0 + t + buy}`])];
    const { paths } = await mine('user_id,item_id,event,ts', [...r(1, 0, 10), ...r(2, 0, 100), ...r(3, 0), ...r(4, E - 50), ...r(5, E - 500, 200), ...r(6, E - 150), ...r(7, E)]);
    const t = timeToBuy(paths, undefined, { replicates: 50 });
    assert.equal(t.paths, 7);
    assert.equal(t.buys, 3);
    assert.equal(t.censored, 3, 'three paths cut short by the log end');
    // Same as the hand-worked curve of stats: 5/6 at 10 s, 5/8 at 100 s, 5/16 at 200 s.
    assert.deepEqual(t.km.map((p) => [p.t_s, p.survival]), [[10, 5 / 6], [100, 5 / 8], [200, 5 / 16]]);
    assert.ok(Math.abs(t.buy_within_window - 11 / 16) < 1e-12, 'not 3/7: open paths are not non-buyers');
    // Median among buyers: first t where 1 − S(t) ≥ 0.5 · 11/16 = 0.34375 → 100 s (1 − 5/8 = 0.375).
    assert.equal(t.percentiles.find((p) => p.q === 0.5)!.t_s, 100);
    const direct = kaplanMeier(survivalCells([10, 100, 604800, 50, 200, 150, 0], [1, 1, 0, 0, 1, 0, 0]));
    assert.deepEqual(t.km.map((p) => p.low), direct.map((s) => s.low));
  });

  test('per group, with seeded intervals', async () => {
    const { table, paths } = await mine('user_id,item_id,event,ts,segment', [...groupRows('A', 0, 25, 3), ...groupRows('B', 1000, 5, 15)]);
    const g = groupPaths(table, paths, 'segment');
    const a = timeToBuy(paths, g, { replicates: 100, seed: 3 }), b = timeToBuy(paths, g, { replicates: 100, seed: 3 });
    assert.deepEqual(a, b);
    assert.deepEqual(a.groups!.map((x) => [x.value, x.paths, x.buys]), [['A', 200, 28], ['B', 200, 20]]);
    const p = a.percentiles[0];
    assert.ok(p.low <= p.t_s && p.t_s <= p.high);
    assert.ok(Array.from(paths.flags).every((f) => f & PATH_FLAGS.CLICK));
  });
});
