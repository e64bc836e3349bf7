/**
 * A seeded simulator of impression-level e-commerce logs with known true
 * probabilities, for testing models against an oracle.
 *
 * Structure (rates from the ESM2 paper, Wen et al., SIGIR 2020, arXiv 1910.07099):
 * impression → click → post-click actions {cart, wish, share, compare} → buy.
 * cart and wish drive purchases (the paper's deterministic actions); share is a
 * noise action that depends on the same features but never on the purchase;
 * compare follows purchase intent (its log-odds rise with the buy score,
 * weight `compareIntent`) without driving purchases: given the features,
 * comparing changes nothing, yet it is likelier on paths that end in a
 * purchase, as in real logs. A `buyNowShare` of purchases skip every action
 * ("buy now": the click leads straight to the purchase).
 * Hidden user/item taste vectors reach the log only through the ids; segment,
 * category, price, activity, level and rating are observed features on
 * impression rows. As in real logs, the two strongest purchase drivers that are
 * properties of one user or one item are observed with some noise: the item's
 * quality through its review `rating`, the user's propensity to buy through a
 * purchase-power `level` (L1–L5, like Taobao's). What only the ids reveal is the
 * user×item taste, weighted by `buyTaste` on the cart, wish and buy side.
 */
import { SIMULATE_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import { Rng } from '../random';

/** Simulator settings; see SIMULATE_DEFAULTS for values and meaning. */
export type SimulateOptions = Partial<typeof SIMULATE_DEFAULTS>;

/** One simulated log held in columns (sorted by time). */
export interface Simulation {
  /** Settings used, defaults filled in (includes the seed). */
  options: typeof SIMULATE_DEFAULTS;
  /** Event rows: impression_id, user_id, item_id, event, ts; features only on impression rows. */
  events: { impression_id: string[]; user_id: string[]; item_id: string[]; event: string[]; ts: Float64Array;
    segment: (string | null)[]; category: (string | null)[]; price: Float64Array; activity: Float64Array;
    level: (string | null)[]; rating: Float64Array };
  /** True probabilities per impression, in impression order. */
  truth: { impression_id: string[]; p_click: Float64Array; p_cart: Float64Array; p_wish: Float64Array;
    p_share: Float64Array; p_compare: Float64Array; p_buy_given_click: Float64Array };
  /** Realised rates of the log. */
  rates: SimulationRates;
}

/** Realised rates, each a share of the named denominator. */
export interface SimulationRates {
  impressions: number; clicks: number; buys: number;
  ctr: number; click_to_cart: number; click_to_wish: number; click_to_share: number; click_to_compare: number; click_to_buy: number;
  cart_to_buy: number; wish_to_buy: number; wish_without_cart_to_buy: number; other_to_buy: number;
  /** Share of purchases with no action on their path ("buy now"). */
  buy_now_share: number;
}

/** Bumped whenever the generator changes what it draws; cached logs of another version are regenerated. */
export const SIMULATOR_VERSION = 4;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Intercept a such that the weighted mean of sigmoid(a + s) equals target (bisection). */
function calibrate(scores: Float64Array, weights: Float64Array, target: number, shift?: (a: number, i: number) => number): number {
  let lo = -20, hi = 20;
  for (let it = 0; it < 80; it++) {
    const a = (lo + hi) / 2;
    let num = 0, den = 0;
    for (let i = 0; i < scores.length; i++) {
      num += weights[i] * (shift ? shift(a, i) : sigmoid(a + scores[i]));
      den += weights[i];
    }
    if (num / den < target) lo = a;
    else hi = a;
  }
  return (lo + hi) / 2;
}

/**
 * Intercept a of p_now = sigmoid(a + s) such that buy-now purchases are `share` of all purchases over
 * the clicks (weights): Σ w·p_now / (Σ w·p_now + Σ w·(1 − p_now)·p_buy) = share (bisection; increasing in a).
 */
function calibrateShare(scores: Float64Array, weights: Float64Array, pBuy: Float64Array, share: number): number {
  let lo = -20, hi = 20;
  for (let it = 0; it < 80; it++) {
    const a = (lo + hi) / 2;
    let now = 0, other = 0;
    for (let i = 0; i < scores.length; i++) {
      const q = sigmoid(a + scores[i]);
      now += weights[i] * q;
      other += weights[i] * (1 - q) * pBuy[i];
    }
    if (now / (now + other) < share) lo = a;
    else hi = a;
  }
  return (lo + hi) / 2;
}

function cumulative(w: Float64Array): Float64Array {
  const c = new Float64Array(w.length);
  let s = 0;
  w.forEach((v, i) => (c[i] = s += v));
  return c.map((v) => v / s);
}

function draw(cum: Float64Array, u: number): number {
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkOptions(o: typeof SIMULATE_DEFAULTS): void {
  for (const k of ['impressions', 'users', 'items', 'categories', 'segments', 'days', 'latentDim'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new OptionError(`simulate ${k}: expected a positive integer, got ${o[k]}. Pass e.g. ${SIMULATE_DEFAULTS[k]}.`);
  }
  for (const k of ['ctr', 'cartRate', 'wishRate', 'shareRate', 'buyGivenCart', 'buyGivenWish', 'buyGivenOther'] as const) {
    if (!(o[k] > 0 && o[k] < 1)) throw new OptionError(`simulate ${k}: expected a rate strictly between 0 and 1, got ${o[k]}. Pass e.g. ${SIMULATE_DEFAULTS[k]}.`);
  }
  for (const k of ['compareRate', 'buyNowShare'] as const) {
    if (!(o[k] >= 0 && o[k] < 1)) throw new OptionError(`simulate ${k}: expected a rate from 0 (none) up to but not including 1, got ${o[k]}. Pass e.g. ${SIMULATE_DEFAULTS[k]}.`);
  }
  for (const k of ['buyTaste', 'compareIntent'] as const) {
    if (!(o[k] >= 0)) throw new OptionError(`simulate ${k}: expected a weight of at least 0, got ${o[k]}. Pass e.g. ${SIMULATE_DEFAULTS[k]}.`);
  }
  if (Number.isNaN(Date.parse(o.start))) throw new OptionError(`simulate start: expected an ISO-8601 date, got "${o.start}". Pass e.g. ${SIMULATE_DEFAULTS.start}.`);
}

/** Generate a log in memory. Same options and seed, same log, on every machine. */
export function simulate(options: SimulateOptions = {}): Simulation {
  const o = withDefaults(SIMULATE_DEFAULTS, options);
  checkOptions(o);
  const root = new Rng(o.seed);
  const world = root.fork('world');
  const d = o.latentDim, scale = 1 / Math.sqrt(d);
  const vec = () => Float64Array.from({ length: d }, () => world.normal());
  // Users
  const uTaste = Array.from({ length: o.users }, vec);
  const uSeg = Int32Array.from({ length: o.users }, () => world.int(o.segments));
  const uActivity = Float64Array.from({ length: o.users }, () => Math.exp(world.normal(0, 0.7)));
  const uBuyer = Float64Array.from({ length: o.users }, () => world.normal(0, 0.6));
  // Purchase-power level: the buyer propensity seen through noise, cut at the normal quintiles.
  const LEVEL_CUTS = [-0.8416, -0.2533, 0.2533, 0.8416];
  const uLevel = Int32Array.from(uBuyer, (b) => { const z = (b + world.normal(0, 0.15)) / Math.hypot(0.6, 0.15); return LEVEL_CUTS.filter((c) => z > c).length; });
  // Items
  const iTaste = Array.from({ length: o.items }, vec);
  const iBuyTaste = Array.from({ length: o.items }, vec);
  const iCat = Int32Array.from({ length: o.items }, () => world.int(o.categories));
  const catPrice = Float64Array.from({ length: o.categories }, () => world.normal(3.5, 0.8));
  const iLogPrice = Float64Array.from(iCat, (c) => catPrice[c] + world.normal(0, 0.5));
  const iPop = Float64Array.from({ length: o.items }, () => world.normal(0, 0.8));
  const iQuality = Float64Array.from({ length: o.items }, () => world.normal(0, 0.5));
  // Review rating: the quality seen through noise, on a 1–5 scale with one decimal.
  const iRating = Float64Array.from(iQuality, (q) => Math.min(5, Math.max(1, Math.round((4 + 0.8 * (q + world.normal(0, 0.1))) * 10) / 10)));
  const affinity = Array.from({ length: o.segments }, () => Float64Array.from({ length: o.categories }, () => world.normal(0, 0.5)));
  // Purchase intent by segment × category: observable through the features, shared by cart, wish and buy.
  const buyAffinity = Array.from({ length: o.segments }, () => Float64Array.from({ length: o.categories }, () => world.normal(0, 0.6)));
  const meanLP = iLogPrice.reduce((s, v) => s + v, 0) / o.items;
  const sdLP = Math.sqrt(iLogPrice.reduce((s, v) => s + (v - meanLP) ** 2, 0) / o.items) || 1;
  const userCum = cumulative(uActivity);
  const itemCum = cumulative(iPop.map((p) => Math.exp(p)));
  const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let k = 0; k < d; k++) s += a[k] * b[k]; return s * scale; };
  const bt = o.buyTaste;
  const scores = (u: number, i: number) => {
    const zp = (iLogPrice[i] - meanLP) / sdLP, za = Math.log(uActivity[u]);
    const aff = affinity[uSeg[u]][iCat[i]], buyAff = buyAffinity[uSeg[u]][iCat[i]];
    return {
      click: 0.5 * dot(uTaste[u], iTaste[i]) + aff + 0.4 * iPop[i] - 0.3 * zp + 0.2 * za,
      cart: bt * dot(uTaste[u], iBuyTaste[i]) + 0.5 * uBuyer[u] + 0.4 * iQuality[i] - 0.5 * zp + 0.5 * buyAff,
      wish: 0.75 * bt * dot(uTaste[u], iTaste[i]) + 0.5 * iQuality[i] + 0.3 * zp + 0.3 * buyAff,
      share: 0.6 * aff + 0.3 * za,
      buy: bt * dot(uTaste[u], iBuyTaste[i]) + 0.5 * uBuyer[u] + 0.4 * iQuality[i] - 0.7 * zp + 0.6 * buyAff,
    };
  };
  // Calibrate intercepts on a sample of the impression distribution.
  const cal = root.fork('calibration');
  const M = 20000;
  const S = { click: new Float64Array(M), cart: new Float64Array(M), wish: new Float64Array(M), share: new Float64Array(M), buy: new Float64Array(M) };
  for (let m = 0; m < M; m++) {
    const s = scores(draw(userCum, cal.uniform()), draw(itemCum, cal.uniform()));
    S.click[m] = s.click; S.cart[m] = s.cart; S.wish[m] = s.wish; S.share[m] = s.share; S.buy[m] = s.buy;
  }
  const ones = new Float64Array(M).fill(1);
  const aClick = calibrate(S.click, ones, o.ctr);
  const pc = S.click.map((s) => sigmoid(aClick + s));
  const aCart = calibrate(S.cart, pc, o.cartRate);
  const aWish = calibrate(S.wish, pc, o.wishRate);
  const aShare = calibrate(S.share, pc, o.shareRate);
  const pk = S.cart.map((s) => sigmoid(aCart + s)), pw = S.wish.map((s) => sigmoid(aWish + s));
  const BOTH = 0.5; // extra log-odds when both cart and wish happen
  const bCart = calibrate(S.buy, pc.map((v, i) => v * pk[i]), o.buyGivenCart,
    (a, i) => (1 - pw[i]) * sigmoid(a + S.buy[i]) + pw[i] * sigmoid(a + BOTH + S.buy[i]));
  const bWish = calibrate(S.buy, pc.map((v, i) => v * pw[i] * (1 - pk[i])), o.buyGivenWish);
  const bNone = calibrate(S.buy, pc.map((v, i) => v * (1 - pw[i]) * (1 - pk[i])), o.buyGivenOther);
  const pbOf = (i: number, a: number) => sigmoid(a + S.buy[i]);
  const pBuyCal = S.buy.map((_, i) => pk[i] * pw[i] * pbOf(i, bCart + BOTH) + pk[i] * (1 - pw[i]) * pbOf(i, bCart) + (1 - pk[i]) * pw[i] * pbOf(i, bWish) + (1 - pk[i]) * (1 - pw[i]) * pbOf(i, bNone));
  const aCompare = o.compareRate > 0 ? calibrate(S.buy.map((v) => o.compareIntent * v), pc, o.compareRate) : -Infinity;
  const aNow = o.buyNowShare > 0 ? calibrateShare(S.buy, pc, pBuyCal, o.buyNowShare) : -Infinity;
  // Generate impressions.
  const gen = root.fork('events');
  const n = o.impressions;
  // Compare and buy-now draw from their own stream, so the other outcomes stay the same draws across their settings.
  const intent = root.fork('intent');
  const truth = { impression_id: new Array<string>(n), p_click: new Float64Array(n), p_cart: new Float64Array(n), p_wish: new Float64Array(n), p_share: new Float64Array(n), p_compare: new Float64Array(n), p_buy_given_click: new Float64Array(n) };
  const rows: { imp: number; u: number; i: number; ev: string; ts: number }[] = [];
  const start = Date.parse(o.start) / 1000, gap = (o.days * 86400) / n;
  let t = start;
  const c = { clicks: 0, carts: 0, wishes: 0, shares: 0, compares: 0, buys: 0, buyNow: 0, cartBuys: 0, wishOnly: 0, wishBuys: 0, wishAnyBuys: 0, other: 0, otherBuys: 0 };
  for (let k = 0; k < n; k++) {
    t += gen.exponential(gap);
    const u = draw(userCum, gen.uniform()), i = draw(itemCum, gen.uniform());
    const s = scores(u, i);
    const p = { click: sigmoid(aClick + s.click), cart: sigmoid(aCart + s.cart), wish: sigmoid(aWish + s.wish), share: sigmoid(aShare + s.share) };
    const pb = (cart: number, wish: number) => sigmoid((cart ? bCart + (wish ? BOTH : 0) : wish ? bWish : bNone) + s.buy);
    const pBuy = p.cart * p.wish * pb(1, 1) + p.cart * (1 - p.wish) * pb(1, 0) + (1 - p.cart) * p.wish * pb(0, 1) + (1 - p.cart) * (1 - p.wish) * pb(0, 0);
    // Buy now: the click leads straight to a purchase, with no action; otherwise the action path as above.
    const pNow = sigmoid(aNow + s.buy), pCompare = sigmoid(aCompare + o.compareIntent * s.buy);
    const rest = 1 - pNow;
    truth.impression_id[k] = `i${k + 1}`;
    truth.p_click[k] = p.click; truth.p_cart[k] = rest * p.cart; truth.p_wish[k] = rest * p.wish; truth.p_share[k] = rest * p.share;
    truth.p_compare[k] = rest * pCompare; truth.p_buy_given_click[k] = pNow + rest * pBuy;
    const ts0 = Math.floor(t);
    rows.push({ imp: k, u, i, ev: 'impression', ts: ts0 });
    // Draw every outcome for every impression so the stream stays aligned across settings.
    const clicked = gen.uniform() < p.click, carted = gen.uniform() < p.cart, wished = gen.uniform() < p.wish, shared = gen.uniform() < p.share;
    const buyU = gen.uniform();
    const tClick = ts0 + 1 + Math.floor(gen.exponential(20));
    const tCart = tClick + 1 + Math.floor(gen.exponential(600)), tWish = tClick + 1 + Math.floor(gen.exponential(900)), tShare = tClick + 1 + Math.floor(gen.exponential(300));
    const buyDelay = 1 + Math.floor(gen.exponential(1800));
    const buyNow = intent.uniform() < pNow, compared = intent.uniform() < pCompare;
    const tCompare = tClick + 1 + Math.floor(intent.exponential(400)), tNow = tClick + 1 + Math.floor(intent.exponential(120));
    if (!clicked) continue;
    c.clicks++;
    rows.push({ imp: k, u, i, ev: 'click', ts: tClick });
    if (buyNow) {
      rows.push({ imp: k, u, i, ev: 'buy', ts: tNow });
      c.buys++; c.buyNow++; c.other++; c.otherBuys++;
      continue;
    }
    let last = tClick;
    if (carted) { rows.push({ imp: k, u, i, ev: 'cart', ts: tCart }); c.carts++; last = Math.max(last, tCart); }
    if (wished) { rows.push({ imp: k, u, i, ev: 'wish', ts: tWish }); c.wishes++; last = Math.max(last, tWish); }
    if (shared) { rows.push({ imp: k, u, i, ev: 'share', ts: tShare }); c.shares++; }
    if (compared) { rows.push({ imp: k, u, i, ev: 'compare', ts: tCompare }); c.compares++; }
    const bought = buyU < pb(carted ? 1 : 0, wished ? 1 : 0);
    if (bought) { rows.push({ imp: k, u, i, ev: 'buy', ts: last + buyDelay }); c.buys++; }
    if (wished) c.wishAnyBuys += +bought;
    if (carted) c.cartBuys += +bought;
    else if (wished) { c.wishOnly++; c.wishBuys += +bought; }
    else { c.other++; c.otherBuys += +bought; }
  }
  const order = Uint32Array.from(rows.keys()).sort((a, b) => rows[a].ts - rows[b].ts || a - b);
  const N = rows.length;
  const ev = { impression_id: new Array<string>(N), user_id: new Array<string>(N), item_id: new Array<string>(N), event: new Array<string>(N), ts: new Float64Array(N),
    segment: new Array<string | null>(N), category: new Array<string | null>(N), price: new Float64Array(N), activity: new Float64Array(N),
    level: new Array<string | null>(N), rating: new Float64Array(N) };
  order.forEach((r, j) => {
    const x = rows[r], isImp = x.ev === 'impression';
    ev.impression_id[j] = `i${x.imp + 1}`; ev.user_id[j] = `u${x.u + 1}`; ev.item_id[j] = `p${x.i + 1}`; ev.event[j] = x.ev; ev.ts[j] = x.ts;
    ev.segment[j] = isImp ? `s${uSeg[x.u] + 1}` : null;
    ev.category[j] = isImp ? `c${iCat[x.i] + 1}` : null;
    ev.price[j] = isImp ? Math.round(Math.exp(iLogPrice[x.i]) * 100) / 100 : NaN;
    ev.activity[j] = isImp ? Math.round(uActivity[x.u] * 1000) / 1000 : NaN;
    ev.level[j] = isImp ? `L${uLevel[x.u] + 1}` : null;
    ev.rating[j] = isImp ? iRating[x.i] : NaN;
  });
  const div = (a: number, b: number) => (b ? a / b : NaN);
  const rates: SimulationRates = {
    impressions: n, clicks: c.clicks, buys: c.buys,
    ctr: div(c.clicks, n), click_to_cart: div(c.carts, c.clicks), click_to_wish: div(c.wishes, c.clicks), click_to_share: div(c.shares, c.clicks), click_to_compare: div(c.compares, c.clicks),
    click_to_buy: div(c.buys, c.clicks), cart_to_buy: div(c.cartBuys, c.carts), wish_to_buy: div(c.wishAnyBuys, c.wishes), wish_without_cart_to_buy: div(c.wishBuys, c.wishOnly), other_to_buy: div(c.otherBuys, c.other),
    buy_now_share: div(c.buyNow, c.buys),
  };
  return { options: o, events: ev, truth, rates };
}
