/**
 * History features computed from strictly earlier samples only (samples are in
 * time order; samples sharing a timestamp never see each other): per user and
 * per item, log-counts of impressions, clicks, DActions and purchases and
 * smoothed rates. Nothing from the same or a later time leaks into a row.
 */

/** Names of the history features added to a sample set. */
export const HISTORY_FEATURES = ['hist_user_clicks', 'hist_user_daction_rate', 'hist_user_buys', 'hist_user_ctr', 'hist_item_ctr', 'hist_item_cvr', 'hist_item_daction_rate'];

/** Compute history features for time-ordered samples. */
export function historyFeatures(
  ts: Float64Array, users: string[], items: string[], labels: { click: Float32Array; daction: Float32Array; buy: Float32Array },
): Record<string, Float64Array> {
  const n = ts.length;
  const out = Object.fromEntries(HISTORY_FEATURES.map((k) => [k, new Float64Array(n)]));
  type C = { imp: number; click: number; dact: number; buy: number };
  const u = new Map<string, C>(), it = new Map<string, C>();
  const get = (m: Map<string, C>, k: string) => {
    let c = m.get(k);
    if (!c) m.set(k, (c = { imp: 0, click: 0, dact: 0, buy: 0 }));
    return c;
  };
  // Smoothing priors (rates shrink toward the running global rates).
  let gImp = 0, gClick = 0, gDact = 0, gBuy = 0;
  for (let s = 0; s < n; ) {
    let e = s;
    while (e < n && ts[e] === ts[s]) e++;
    const ctr0 = (gClick + 1) / (gImp + 20), cvr0 = (gBuy + 1) / (gClick + 50), dr0 = (gDact + 1) / (gClick + 20);
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
    for (let i = s; i < e; i++) {
      for (const c of [get(u, users[i]), get(it, items[i])]) {
        c.imp++; c.click += labels.click[i]; c.dact += labels.daction[i]; c.buy += labels.buy[i];
      }
      gImp++; gClick += labels.click[i]; gDact += labels.daction[i]; gBuy += labels.buy[i];
    }
    s = e;
  }
  return out;
}
