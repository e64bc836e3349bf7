/** `buypath simulate`: write a seeded simulated log with its true probabilities. */
import { SIMULATE_DEFAULTS } from '../defaults';
import { writeSimulation } from '../data/write-simulation';
import { intFlag, numberFlag, parse, type Command } from './args';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** `buypath simulate`: write a simulated log with its true probabilities. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'write a seeded simulated log (events.csv) with its true probabilities (truth.csv)',
  usage: `Usage: buypath simulate [--out DIR] [--impressions N] [--seed S] [--users N] [--items N] [--days N] [--buy-taste W]
                      [--compare-rate R] [--compare-intent W] [--buy-now-share S] [--json]

Writes DIR/events.csv (canonical log: impression, click, cart, wish, share, compare, buy),
DIR/truth.csv (true p_click, p_cart, p_wish, p_share, p_compare, p_buy_given_click per
impression) and DIR/meta.json, then prints the realised rates. --buy-taste weighs the hidden
user×item taste in cart, wish and buy (what only the ids reveal); raise it for a
harder log. compare follows purchase intent (weight --compare-intent) without driving
purchases; --buy-now-share of purchases skip every action.

Defaults: --out sim (a folder sim/ in the current directory) --impressions ${SIMULATE_DEFAULTS.impressions} --seed ${SIMULATE_DEFAULTS.seed} --users ${SIMULATE_DEFAULTS.users} --items ${SIMULATE_DEFAULTS.items} --days ${SIMULATE_DEFAULTS.days} --buy-taste ${SIMULATE_DEFAULTS.buyTaste}
          --compare-rate ${SIMULATE_DEFAULTS.compareRate} --compare-intent ${SIMULATE_DEFAULTS.compareIntent} --buy-now-share ${SIMULATE_DEFAULTS.buyNowShare}`,
  async run(argv) {
    const { values } = parse('simulate', argv, {
      out: { type: 'string' }, impressions: { type: 'string' }, seed: { type: 'string' },
      users: { type: 'string' }, items: { type: 'string' }, days: { type: 'string' }, 'buy-taste': { type: 'string' }, json: { type: 'boolean' },
      'compare-rate': { type: 'string' }, 'compare-intent': { type: 'string' }, 'buy-now-share': { type: 'string' },
    });
    if (values.help) return console.log(this.usage), 0;
    const out = (values.out as string | undefined) ?? 'sim';
    const D = SIMULATE_DEFAULTS;
    const started = Date.now();
    const { files, simulation } = await writeSimulation(out, {
      impressions: intFlag('simulate', 'impressions', values.impressions as string, D.impressions),
      seed: intFlag('simulate', 'seed', values.seed as string, D.seed),
      users: intFlag('simulate', 'users', values.users as string, D.users),
      items: intFlag('simulate', 'items', values.items as string, D.items),
      days: intFlag('simulate', 'days', values.days as string, D.days),
      buyTaste: numberFlag('simulate', 'buy-taste', values['buy-taste'] as string | undefined, D.buyTaste),
      compareRate: numberFlag('simulate', 'compare-rate', values['compare-rate'] as string | undefined, D.compareRate),
      compareIntent: numberFlag('simulate', 'compare-intent', values['compare-intent'] as string | undefined, D.compareIntent),
      buyNowShare: numberFlag('simulate', 'buy-now-share', values['buy-now-share'] as string | undefined, D.buyNowShare),
    });
    const r = simulation.rates;
    if (values.json) {
      console.log(JSON.stringify({ files, seed: simulation.options.seed, rows: simulation.events.event.length, rates: r }, null, 2));
      return 0;
    }
    console.log(`wrote ${files.events} (${simulation.events.event.length} rows) and ${files.truth} in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${simulation.options.seed}`);
    console.log(`impressions ${r.impressions}, clicks ${r.clicks}, buys ${r.buys}`);
    console.log(`CTR ${pct(r.ctr)} (target ${pct(D.ctr)}); click→cart ${pct(r.click_to_cart)} (${pct(D.cartRate)}); click→wish ${pct(r.click_to_wish)} (${pct(D.wishRate)}); click→share ${pct(r.click_to_share)} (${pct(D.shareRate)}); click→compare ${pct(r.click_to_compare)} (${pct(D.compareRate)})`);
    console.log(`click→buy ${pct(r.click_to_buy)}; cart→buy ${pct(r.cart_to_buy)} (${pct(D.buyGivenCart)}); wish→buy ${pct(r.wish_to_buy)}; other→buy ${pct(r.other_to_buy)} (${pct(D.buyGivenOther)}); buy now ${pct(r.buy_now_share)} of purchases (${pct(D.buyNowShare)})`);
    return 0;
  },
};
