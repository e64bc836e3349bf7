import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, writeTmp } from '../helpers';

const T0 = 1_600_000_000;

/** Segment A: cart paths buy 25/50, others 3/150; B: 5/50 and 15/150 (cart's lift differs by construction); price 10 or 20. */
function log(): string {
  const rows = ['user_id,item_id,event,ts,segment,price'];
  let k = 0;
  for (const [seg, cartBuys, otherBuys] of [['A', 25, 3], ['B', 5, 15]] as const) {
    for (let j = 0; j < 200; j++, k++) {
      const cart = j < 50, buy = cart ? j < cartBuys : j - 50 < otherBuys;
      const r = (e: string, dt: number) => `u${k},i${k},${e},${T0 + k * 100 + dt},${seg},${10 + 10 * (k % 2)}`;
      rows.push(r('click', 0), ...(cart ? [r('cart', 5)] : []), ...(buy ? [r('buy', 60)] : []));
    }
  }
  return rows.join('\n') + '\n';
}

describe('buypath mine --by --scan --graph', () => {
  test('JSON carries breakdown, scan, graph and time_to_buy with the contract keys', () => {
    const file = writeTmp('two-groups.csv', log());
    const r = cli(['mine', file, '--by', 'segment', '--scan', '--graph', '--json', '-']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.breakdown.column, 'segment');
    for (const g of j.breakdown.groups) for (const k of ['value', 'paths', 'funnel', 'actions', 'recommended']) assert.ok(k in g, `breakdown group: ${k}`);
    assert.deepEqual(j.breakdown.groups.map((g: { value: string; recommended: string[] }) => [g.value, g.recommended]), [['A', ['cart']], ['B', []]]);
    const h = j.breakdown.heterogeneity.find((x: { action: string }) => x.action === 'cart');
    assert.ok(h.p_value < 1e-3 && h.q_value < 0.05, JSON.stringify(h));
    for (const row of j.scan) for (const k of ['feature', 'value', 'support', 'buy_share', 'lift', 'lift_ci', 'q_value']) assert.ok(k in row, `scan: ${k}`);
    assert.ok(j.scan.some((x: { feature: string; value: string }) => x.feature === 'segment' && x.value === 'A'));
    assert.ok(j.scan.some((x: { feature: string; value: string }) => x.feature === 'price' && x.value.startsWith('[')), 'numeric column scanned by band');
    assert.ok(Array.isArray(j.graph.nodes));
    for (const e of j.graph.edges) for (const k of ['from', 'to', 'count', 'probability', 'median_s', 'p90_s']) assert.ok(k in e, `graph edge: ${k}`);
    assert.deepEqual(j.graph.edges.find((e: { from: string; to: string }) => e.from === 'click' && e.to === 'cart'), { from: 'click', to: 'cart', count: 100, probability: 0.25, median_s: 5, p90_s: 5 });
    for (const p of j.time_to_buy.km) for (const k of ['t_s', 'survival', 'low', 'high']) assert.ok(k in p, `km: ${k}`);
    assert.equal(typeof j.time_to_buy.censored, 'number');
    assert.equal(j.time_to_buy.buys, 48);
  });

  test('text and HTML outputs include the views; --engine duckdb is refused with them', () => {
    const file = writeTmp('two-groups.csv', log());
    const html = join(tmp(), 'mine.html');
    const r = cli(['mine', file, '--by', 'segment', '--scan', '--graph', '--html', html]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /breakdown by segment/);
    assert.match(r.stdout, /correlation scan: \d+ values tested/);
    assert.match(r.stdout, /transitions within 400 clicked paths/);
    assert.match(r.stdout, /time to purchase \(Kaplan–Meier/);
    const page = readFileSync(html, 'utf8');
    for (const h of ['Breakdown by segment', 'Correlation scan', 'Transitions', 'Time to purchase']) assert.ok(page.includes(`<h2>${h}</h2>`), h);
    const bad = cli(['mine', file, '--scan', '--engine', 'duckdb']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--engine memory/);
    const col = cli(['mine', file, '--by', 'colour']);
    assert.notEqual(col.status, 0);
    assert.match(col.stderr, /expected a column of the log .*got "colour"/);
  });
});
