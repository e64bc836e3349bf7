/**
 * History features from what was known strictly before each sample: per user
 * and per item, log-counts of impressions, clicks, DActions and purchases and
 * smoothed rates. Every sample is anchored at its time (its impression); each
 * outcome is credited at the time it happened (a purchase 3 days after its
 * click enters histories 3 days after the click, not at the impression), so
 * nothing from the same or a later time leaks into a row, and samples sharing
 * a timestamp never see each other.
 */

/** Names of the history features added to a sample set. */
export const HISTORY_FEATURES = ['hist_user_clicks', 'hist_user_daction_rate', 'hist_user_buys', 'hist_user_ctr', 'hist_item_ctr', 'hist_item_cvr', 'hist_item_daction_rate'];

/** When each sample's outcomes happened, epoch seconds (NaN when they did not); defaults to the sample's own time. */
export interface OutcomeTimes {
  click: Float64Array;
  daction: Float64Array;
  buy: Float64Array;
}

const KINDS = ['imp', 'click', 'dact', 'buy'] as const;

/**
 * Compute history features for samples in time order (`ts` ascending). `at`
 * gives each outcome's own time; without it outcomes count from the sample's
 * time (right only for outcomes known at once, e.g. a click-space log's click).
 */
export function historyFeatures(
  ts: Float64Array, users: string[], items: string[], labels: { click: Float32Array; daction: Float32Array; buy: Float32Array }, at?: OutcomeTimes,
): Record<string, Float64Array> {
  const n = ts.length;
  for (let i = 1; i < n; i++) {
    if (!(ts[i] >= ts[i - 1])) throw new Error(`historyFeatures: expected samples in time order, got ts[${i}] = ${ts[i]} after ${ts[i - 1]}. Sort samples by time first.`);
  }
  const out = Object.fromEntries(HISTORY_FEATURES.map((k) => [k, new Float64Array(n)]));
  type C = { imp: number; click: number; dact: number; buy: number };
  const u = new Map<string, C>(), it = new Map<string, C>();
  const get = (m: Map<string, C>, k: string) => {
    let c = m.get(k);
    if (!c) m.set(k, (c = { imp: 0, click: 0, dact: 0, buy: 0 }));
    return c;
  };
  // Credits: (time, sample, kind), applied in time order before any sample anchored later.
  const cTime: number[] = [], cSample: number[] = [], cKind: number[] = [];
  const label = [null, labels.click, labels.daction, labels.buy];
  const times = [ts, at?.click ?? ts, at?.daction ?? ts, at?.buy ?? ts];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 4; k++) {
      if (k && !(label[k]![i] > 0)) continue;
      const t = times[k][i];
      if (!(t >= ts[i])) throw new Error(`historyFeatures: expected outcome times at or after their sample's time, got ${KINDS[k]} at ${t} for a sample at ${ts[i]}.`);
      cTime.push(t); cSample.push(i); cKind.push(k);
    }
  }
  const credits = Uint32Array.from(cTime.keys()).sort((a, b) => cTime[a] - cTime[b] || a - b);
  // Smoothing priors (rates shrink toward the running global rates).
  const g = { imp: 0, click: 0, dact: 0, buy: 0 };
  let next = 0;
  for (let s = 0; s < n; ) {
    let e = s;
    while (e < n && ts[e] === ts[s]) e++;
    for (; next < credits.length && cTime[credits[next]] < ts[s]; next++) {
      const c = credits[next], i = cSample[c], kind = KINDS[cKind[c]];
      get(u, users[i])[kind]++;
      get(it, items[i])[kind]++;
      g[kind]++;
    }
    const ctr0 = (g.click + 1) / (g.imp + 20), cvr0 = (g.buy + 1) / (g.click + 50), dr0 = (g.dact + 1) / (g.click + 20);
    for (let i = s; i < e; i++) {
      const cu = get(u, users[i]), ci = get(it, items[i]);
      out.hist_user_clicks[i] = Math.log1p(cu.click);
      out.hist_user_buys[i] = Math.log1p(cu.buy);
      out.hist_user_ctr[i] = (cu.click + 20 * ctr0) / (cu.imp + 20);
      out.hist_user_daction_rate[i] = (cu.dact + 10 * dr0) / (cu.click + 10);
      out.hist_item_ctr[i] = (ci.click + 20 * ctr0) / (ci.imp + 20);
      out.hist_item_cvr[i] = (ci.buy + 20 * cvr0) / (ci.click + 20);
      out.hist_item_daction_rate[i] = (ci.dact + 10 * dr0) / (ci.click + 10);
    }
    s = e;
  }
  return out;
}
