/**
 * Paths of a labelled impression table (data/load-labelled.ts): one path per
 * row, built from its flags instead of walking events, with `row` pointing at
 * that row so that samples, training and the path analysis work unchanged
 * (impression space).
 *
 * Rules: every row is an impression. A clicked row carries its actions and its
 * purchase. A purchase or an action on a row without a click is counted as an
 * anomaly (`buy_without_click`, `action_without_click`) and is no label: the
 * row is an unclicked impression. Delays are unknown (the flags hold no times),
 * and there is no attribution window: the table's labels are taken as final.
 */
import { OptionError } from '../errors';
import { loadLabelled, type LabelledFlags, type LabelledLoadOptions, type LabelledTable } from '../data/load-labelled';
import { PATH_FLAGS as F, PathSetBuilder, type PathSet } from './path-set';

/** The paths of a labelled table, one per row, in row order; actions most frequent first (as the event miner orders them). */
export function labelledPaths(t: LabelledTable): PathSet {
  const n = t.click.length;
  if (t.actions.length > 32) throw new OptionError(`labelled: expected at most 32 action flags, got ${t.actions.length} (${t.actions.slice(0, 8).join(', ')}, …). Name fewer with --labelled.`);
  const count = t.action.map((a) => a.reduce((s, v) => s + v, 0));
  const order = t.actions.map((_, k) => k).sort((a, b) => count[b] - count[a] || (t.actions[a] < t.actions[b] ? -1 : 1));
  const actions = order.map((k) => t.actions[k]);
  const flagsOf = order.map((k) => t.action[k]);
  const b = new PathSetBuilder(actions, n);
  const users = new Map<string, number>(), items = new Map<string, number>();
  const code = (m: Map<string, number>, v: string) => m.get(v) ?? (m.set(v, m.size), m.size - 1);
  const uid = t.table.array('user_id') as string[], iid = t.table.array('item_id') as string[];
  const ts = t.table.array('ts') as Float64Array;
  const nan = new Float64Array(actions.length).fill(NaN);
  const key = (i: number) => () => `row ${t.row[i]} (user ${uid[i]}, item ${iid[i]})`;
  let end = -Infinity;
  for (let i = 0; i < n; i++) {
    let mask = 0;
    for (let a = 0; a < actions.length; a++) if (flagsOf[a][i]) mask |= 1 << a;
    let flags = F.IMPRESSION;
    if (t.click[i]) {
      flags |= F.CLICK;
      if (t.buy[i]) flags |= F.BUY;
    } else {
      if (t.buy[i]) b.anomaly('buy_without_click', key(i));
      if (mask) b.anomaly('action_without_click', key(i));
      mask = 0;
    }
    b.add(code(users, uid[i]), code(items, iid[i]), ts[i], flags, mask >>> 0, NaN, nan, i);
    if (ts[i] > end) end = ts[i];
  }
  const p = b.finish({ mode: 'impression', window: 0, preClick: 'drop', hasImpressions: true, events: n, end, users: [...users.keys()], items: [...items.keys()] });
  return { ...p, labelled: { rowOrder: t.rowOrder } };
}

/** A labelled table read and turned into paths: what `mineLog` and `prepareLog` use for this input kind. */
export async function loadLabelledPaths(path: string, flags: LabelledFlags = {}, options: LabelledLoadOptions = {}): Promise<{ labelled: LabelledTable; paths: PathSet }> {
  const labelled = await loadLabelled(path, flags, options);
  return { labelled, paths: labelledPaths(labelled) };
}
