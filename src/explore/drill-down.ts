/**
 * Drill-down: sample paths behind any cell of the exploration tables (a
 * group, an action, a scan finding, a transition, bought or not), as event
 * sequences with their times.
 */
import { EXPLORE_DEFAULTS } from '../defaults';
import { OptionError } from '../errors';
import { Rng } from '../random';
import { PATH_FLAGS, type PathSet } from '../paths/path-set';
import type { PathGroups } from './groups';
import type { EventColumns, Sequences } from './sequences';

/** Which paths a cell holds; every field given must match (clicked paths only). */
export interface CellSelector {
  /** A group of a breakdown or a scanned property value: the groups of the column and the label. */
  groups?: PathGroups;
  value?: string;
  /** Paths holding this action (before the purchase). */
  action?: string;
  /** Bought or not. */
  bought?: boolean;
  /** Paths where `to` directly follows `from` somewhere. */
  transition?: [string, string];
}

/** One sampled path. */
export interface SamplePath {
  path: number;
  user: string;
  item: string;
  /** The click, ISO time. */
  start: string;
  bought: boolean;
  /** Its events: name, seconds from the click (negative before it), ISO time. */
  events: { event: string; t_s: number; at: string }[];
}

const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

/** The clicked paths of a cell. */
export function cellPaths(e: EventColumns, seqs: Sequences, paths: PathSet, cell: CellSelector): number[] {
  if (seqs.unit !== 'paths') throw new OptionError(`drill-down: expected path sequences (pathSequences), got ${seqs.unit}. Pass pathSequences(…) of the same paths.`);
  const g = cell.groups ? cell.groups.labels.indexOf(cell.value ?? '') : -1;
  if (cell.groups && g < 0) throw new OptionError(`drill-down value: expected a group of ${cell.groups.column} (${cell.groups.labels.slice(0, 12).join(', ')}), got "${cell.value}". Pass one of these labels as value.`);
  const bit = cell.action === undefined ? 0 : 1 << paths.actions.indexOf(cell.action);
  if (cell.action !== undefined && !paths.actions.includes(cell.action)) throw new OptionError(`drill-down action: expected one of ${paths.actions.join(', ')}, got "${cell.action}". Pass one of these as action.`);
  const [from, to] = (cell.transition ?? []).map((x) => {
    const c = e.names.indexOf(x);
    if (c < 0) throw new OptionError(`drill-down transition: expected events of this log (${e.names.join(', ')}), got "${x}". Pass two of these as transition.`);
    return c;
  });
  const out: number[] = [];
  for (let p = 0; p < paths.n; p++) {
    const f = paths.flags[p];
    if (!(f & PATH_FLAGS.CLICK)) continue;
    if (cell.groups && cell.groups.code[p] !== g) continue;
    if (bit && !(paths.mask[p] & bit)) continue;
    if (cell.bought !== undefined && Boolean(f & PATH_FLAGS.BUY) !== cell.bought) continue;
    if (cell.transition) {
      let hit = false;
      for (let q = seqs.offsets[p]; q + 1 < seqs.offsets[p + 1] && !hit; q++) hit = e.ev[seqs.rows[q]] === from && e.ev[seqs.rows[q + 1]] === to;
      if (!hit) continue;
    }
    out.push(p);
  }
  return out;
}

/** Up to `n` paths of a cell, drawn without replacement by a seeded stream, in path order. */
export function samplePaths(e: EventColumns, seqs: Sequences, paths: PathSet, cell: CellSelector, { n = EXPLORE_DEFAULTS.samples, seed = EXPLORE_DEFAULTS.seed } = {}): SamplePath[] {
  const pool = cellPaths(e, seqs, paths, cell);
  const rng = new Rng(seed).fork('drill-down');
  for (let k = 0; k < Math.min(n, pool.length); k++) {
    const j = k + Math.floor(rng.uniform() * (pool.length - k));
    [pool[k], pool[j]] = [pool[j], pool[k]];
  }
  return pool.slice(0, n).sort((a, b) => a - b).map((p) => {
    const t0 = paths.start[p];
    const events = [];
    for (let q = seqs.offsets[p]; q < seqs.offsets[p + 1]; q++) {
      const i = seqs.rows[q];
      events.push({ event: e.names[e.ev[i]], t_s: e.ts[i] - t0, at: iso(e.ts[i]) });
    }
    return { path: p, user: paths.users[paths.user[p]], item: paths.items[paths.item[p]], start: iso(t0), bought: Boolean(paths.flags[p] & PATH_FLAGS.BUY), events };
  });
}

/** A sampled path on one line: `click 0s → cart +12s → buy +2.1h`. */
export function formatSamplePath(s: SamplePath): string {
  const d = (t: number) => {
    const a = Math.abs(t), sign = t < 0 ? '−' : '+';
    return t === 0 ? '0s' : `${sign}${a < 120 ? `${a}s` : a < 7200 ? `${+(a / 60).toFixed(1)}m` : a < 172800 ? `${+(a / 3600).toFixed(1)}h` : `${+(a / 86400).toFixed(1)}d`}`;
  };
  return `user ${s.user}, item ${s.item}, ${s.start}${s.bought ? ' (bought)' : ''}: ${s.events.map((x) => `${x.event} ${d(x.t_s)}`).join(' → ')}`;
}
