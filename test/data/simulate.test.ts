import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { simulate, writeSimulation, loadEvents, SIMULATE_DEFAULTS, OptionError } from '../../src';
import { tmp } from '../helpers';

/** Binomial tolerance: 4 standard errors of a rate p over n trials. */
const tol = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

describe('simulate', () => {
  const sim = simulate({ impressions: 300_000, seed: 7 });
  const r = sim.rates;

  test('realised rates match the paper-like targets', () => {
    assert.ok(Math.abs(r.ctr - SIMULATE_DEFAULTS.ctr) < tol(0.06, r.impressions) + 0.003, `CTR ${r.ctr}`);
    assert.ok(Math.abs(r.click_to_cart - 0.1) < tol(0.1, r.clicks) + 0.01, `click→cart ${r.click_to_cart}`);
    assert.ok(Math.abs(r.click_to_wish - 0.035) < tol(0.035, r.clicks) + 0.005, `click→wish ${r.click_to_wish}`);
    assert.ok(Math.abs(r.click_to_share - 0.05) < tol(0.05, r.clicks) + 0.005, `click→share ${r.click_to_share}`);
    assert.ok(r.click_to_buy > 0.01 && r.click_to_buy < 0.025, `click→buy ${r.click_to_buy}`);
    assert.ok(Math.abs(r.cart_to_buy - 0.12) < tol(0.12, r.clicks * 0.1) + 0.01, `cart→buy ${r.cart_to_buy}`);
    assert.ok(r.other_to_buy < 0.01, `other→buy ${r.other_to_buy}`);
  });

  test('truths agree with the realised log', () => {
    const n = sim.truth.p_click.length;
    const meanClick = sim.truth.p_click.reduce((s, v) => s + v, 0) / n;
    assert.ok(Math.abs(meanClick - r.ctr) < tol(r.ctr, n), `mean p_click ${meanClick} vs CTR ${r.ctr}`);
    // Expected purchases given the clicks that happened vs purchases realised.
    const clicked = new Set<string>();
    sim.events.event.forEach((e, i) => e === 'click' && clicked.add(sim.events.impression_id[i]));
    let expected = 0;
    sim.truth.impression_id.forEach((id, k) => clicked.has(id) && (expected += sim.truth.p_buy_given_click[k]));
    assert.ok(Math.abs(expected - r.buys) < 4 * Math.sqrt(expected), `expected buys ${expected} vs ${r.buys}`);
  });

  test('share is a noise action: purchases do not depend on it', () => {
    const byImp = new Map<string, Set<string>>();
    sim.events.event.forEach((e, i) => {
      const id = sim.events.impression_id[i];
      if (!byImp.has(id)) byImp.set(id, new Set());
      byImp.get(id)!.add(e);
    });
    let shareN = 0, shareBuy = 0, noShareN = 0, noShareBuy = 0;
    for (const ev of byImp.values()) {
      if (!ev.has('click') || ev.has('cart') || ev.has('wish')) continue;
      if (ev.has('share')) { shareN++; shareBuy += +ev.has('buy'); } else { noShareN++; noShareBuy += +ev.has('buy'); }
    }
    const a = shareBuy / shareN, b = noShareBuy / noShareN;
    assert.ok(Math.abs(a - b) < tol(b, shareN) + 0.002, `buy|share ${a} vs buy|no share ${b}`);
  });

  test('compare follows purchase intent without driving purchases', () => {
    assert.ok(Math.abs(r.click_to_compare - SIMULATE_DEFAULTS.compareRate) < tol(0.04, r.clicks) + 0.005, `click→compare ${r.click_to_compare}`);
    // Per clicked impression: whether it compared and bought, and its true p(buy | click), which knows nothing of compare.
    const ev = new Map<string, Set<string>>();
    sim.events.event.forEach((e, i) => { const id = sim.events.impression_id[i]; if (!ev.has(id)) ev.set(id, new Set()); ev.get(id)!.add(e); });
    let n = 0, buys = 0, truth = 0, nWithout = 0, buysWithout = 0;
    sim.truth.impression_id.forEach((id, k) => {
      const e = ev.get(id)!;
      if (!e.has('click')) return;
      if (e.has('compare')) { n++; buys += +e.has('buy'); truth += sim.truth.p_buy_given_click[k]; } else { nWithout++; buysWithout += +e.has('buy'); }
    });
    // Likelier to buy with compare than without (the shared intent) …
    assert.ok(buys / n > 1.5 * (buysWithout / nWithout), `buy | compare ${buys / n} vs without ${buysWithout / nWithout}`);
    // … but no likelier than the true p(buy | click) of the same impressions, which compare does not enter.
    assert.ok(Math.abs(buys - truth) < 4 * Math.sqrt(truth), `buys with compare ${buys}, expected from the truth ${truth}`);
  });

  test('buy now: a share of purchases skips every action', () => {
    assert.ok(Math.abs(r.buy_now_share - SIMULATE_DEFAULTS.buyNowShare) < tol(0.05, r.buys) + 0.005, `buy-now share ${r.buy_now_share}`);
    const ev = new Map<string, string[]>();
    sim.events.event.forEach((e, i) => { const id = sim.events.impression_id[i]; if (!ev.has(id)) ev.set(id, []); ev.get(id)!.push(e); });
    const bare = [...ev.values()].filter((e) => e.includes('buy') && e.length === 3).length; // impression, click, buy
    assert.ok(bare >= r.buy_now_share * r.buys, `${bare} purchases with no action`);
    // Turned off, the other draws stay the same: same clicks, and no buy-now purchase.
    const off = simulate({ impressions: 300_000, seed: 7, buyNowShare: 0, compareRate: 0 });
    assert.equal(off.rates.clicks, r.clicks);
    assert.equal(off.rates.buy_now_share, 0);
    assert.equal(off.rates.click_to_compare, 0);
    assert.ok(off.rates.buys < r.buys);
  });

  test('level and rating are noisy views of the buyer and quality effects: p(buy | click) rises with both', () => {
    const e = sim.events, byLevel = new Map<string, number[]>();
    const ratings: number[] = [], pBuy: number[] = [];
    let k = 0;
    e.event.forEach((ev, i) => {
      if (ev !== 'impression') return;
      const p = sim.truth.p_buy_given_click[k++];
      if (!byLevel.has(e.level[i]!)) byLevel.set(e.level[i]!, []);
      byLevel.get(e.level[i]!)!.push(p);
      ratings.push(e.rating[i]);
      pBuy.push(p);
    });
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const levels = ['L1', 'L2', 'L3', 'L4', 'L5'].map((l) => mean(byLevel.get(l) ?? []));
    for (let l = 1; l < 5; l++) assert.ok(levels[l] > levels[l - 1], `mean p(buy | click) by level: ${levels.map((v) => v.toFixed(4))}`);
    assert.ok(ratings.every((r) => r >= 1 && r <= 5));
    const mr = mean(ratings), mp = mean(pBuy);
    const cov = mean(ratings.map((r, i) => (r - mr) * (pBuy[i] - mp)));
    assert.ok(cov > 0, `rating and p(buy | click) covary positively, got ${cov}`);
  });

  test('same seed, same log; another seed, another log', () => {
    const a = simulate({ impressions: 20_000, seed: 3 }), b = simulate({ impressions: 20_000, seed: 3 }), c = simulate({ impressions: 20_000, seed: 4 });
    assert.deepEqual(a.events.user_id, b.events.user_id);
    assert.deepEqual(Array.from(a.events.ts), Array.from(b.events.ts));
    assert.deepEqual(Array.from(a.truth.p_buy_given_click), Array.from(b.truth.p_buy_given_click));
    assert.notDeepEqual(a.events.user_id, c.events.user_id);
  });

  test('events are time-ordered and every path starts with its impression', () => {
    const ts = sim.events.ts;
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i] >= ts[i - 1]);
    const first = new Map<string, string>();
    sim.events.event.forEach((e, i) => { const id = sim.events.impression_id[i]; if (!first.has(id)) first.set(id, e); });
    assert.ok([...first.values()].every((e) => e === 'impression'));
  });

  test('bad settings are named', () => {
    assert.throws(() => simulate({ ctr: 1.5 }), (e: Error) => e instanceof OptionError && /ctr/.test(e.message));
    assert.throws(() => simulate({ impressions: 0 }), /impressions/);
    assert.throws(() => simulate({ buyTaste: -1 }), /buyTaste/);
    assert.throws(() => simulate({ compareRate: 1 }), /compareRate: expected a rate from 0/);
    assert.throws(() => simulate({ buyNowShare: -0.1 }), /buyNowShare/);
    assert.throws(() => simulate({ compareIntent: -1 }), /compareIntent/);
  });

  test('writeSimulation writes a log that loads cleanly, truths and meta', async () => {
    const dir = tmp();
    const { files, simulation } = await writeSimulation(dir, { impressions: 5_000, seed: 11 });
    const { report } = await loadEvents(files.events, { preset: 'buypath' });
    assert.equal(report.rows_kept, simulation.events.event.length);
    assert.equal(report.events.impression, 5_000);
    assert.equal(report.features.price, 'numeric');
    assert.equal(report.features.segment, 'categorical');
    assert.equal(report.features.level, 'categorical');
    assert.equal(report.features.rating, 'numeric');
    const truth = readFileSync(files.truth, 'utf8').trim().split('\n');
    assert.equal(truth.length, 5_001);
    assert.equal(truth[0], 'impression_id,p_click,p_cart,p_wish,p_share,p_compare,p_buy_given_click');
    assert.equal(JSON.parse(readFileSync(files.meta, 'utf8')).options.seed, 11);
  });
});
