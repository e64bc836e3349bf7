/**
 * The second core after a log is read in one piece (mine-duckdb.ts). A worker thread (mine-worker.ts)
 * puts the second half of the row groups in time order and finds their exact duplicates, then walks
 * them, while this thread does the same with the first half. The log's columns and groups are in
 * shared memory, read where they are; the worker's paths come back without copies and are appended
 * after this thread's, so the paths, their order and the anomaly examples are those of one thread.
 * If the worker fails, its half runs here.
 *
 * `BUYPATH_MINE_THREAD=0` turns it off; `=1` uses it whatever the size or core count; unset, it is used
 * on 2+ cores for logs of `PARTITION_DEFAULTS.threadRows` events or more.
 */
import { availableParallelism } from 'node:os';
import { sizeOnlyDictionary, type EventLog, type RowGroups } from '../data/event-log';
import { findDuplicates, formGroups, impressionGroups, placeImpressions, sortGroups } from '../data/log-finish';
import { firstRows, numericFirstRows, type KeyParts } from '../data/key-groups';
import type { GroupFinisher } from '../data/read-events';
import { PARTITION_DEFAULTS } from '../defaults';
import { inSharedMemory, SpareMemory, transferables } from '../shared-memory';
import { JobWorker } from '../spawn-worker';
import { finishPaths, logEvents, mineSettings, pathKeyOf, walkLog, type MineOptions, type WalkedLog } from './mine-paths';
import type { PathSet } from './path-set';
import { PathSetBuilder, type PathColumns } from './path-set';

/** The columns of a log a job reads (in shared memory: views of the same bytes on both threads). */
export type ThreadLog = Pick<EventLog, 'n' | 'user' | 'item' | 'event' | 'ts' | 'line' | 'impression' | 'events'>;

/** A job for the worker: a range of key buckets to find first rows in, or of groups of a log to sort (and find duplicates in) or to walk. */
export type MineJob =
  | { kind: 'keys'; keys: KeyParts; codes: Int32Array; range: [number, number] }
  | { kind: 'place'; codes: Int32Array; size: number; range: [number, number]; groups: RowGroups }
  | { kind: 'sort'; log: ThreadLog; groups: RowGroups; range: [number, number]; dedupe: boolean }
  | {
    kind: 'walk'; log: ThreadLog; groups: RowGroups; range: [number, number]; settings: ReturnType<typeof mineSettings>; actions: string[]; hasImpressions: boolean;
    /** Where the paths go: shared columns, from index `at`, room for `room` paths. */
    into: { columns: PathColumns; at: number; room: number };
  };

function eventLog(l: ThreadLog, groups: RowGroups): EventLog {
  const none = sizeOnlyDictionary(0, 'a mining job');
  return { ...l, users: none, items: none, impressions: null, features: [], groups };
}

/** Place the rows of the job's impression codes in their groups (log-finish.ts `placeImpressions`). */
function placeJob(job: Extract<MineJob, { kind: 'place' }>): number {
  placeImpressions(job.codes, job.size, ...job.range, job.groups.order, job.groups.offsets);
  return 0;
}

/** Sort the job's groups in place and find their exact duplicates: pairs [row, first occurrence], flattened. */
export function sortJob(job: Extract<MineJob, { kind: 'sort' }>): Int32Array {
  const log = eventLog(job.log, job.groups);
  const [g0, g1] = job.range;
  sortGroups(log, job.groups, g0, g1);
  return Int32Array.from(job.dedupe ? findDuplicates(log, job.groups, undefined, g0, g1).flat() : []);
}

/**
 * Paths the impression groups `0` … `g1 - 1` give: one per group with an impression id and an
 * impression or a click (walk.ts `walkImpression`: the others are orphans).
 */
function impressionPaths(log: ThreadLog, groups: RowGroups, g1: number): number {
  const anchor = Uint8Array.from(log.events, (e) => (e === 'impression' || e === 'click' ? 1 : 0));
  const { order, offsets } = groups, event = log.event, imp = log.impression!;
  let k = 0;
  for (let g = 0; g < g1; g++) {
    const s = offsets[g], e = offsets[g + 1];
    if (s === e || imp[order[s]] < 0) continue;
    for (let p = s; p < e; p++) {
      if (anchor[event[order[p]]]) {
        k++;
        break;
      }
    }
  }
  return k;
}

/**
 * Walk the job's groups: the paths, with anomaly examples named by the first row of their group (`String(row)`).
 * In impression mode they are written right after the paths of the groups before (counted first), so that the
 * two halves meet without a move.
 */
export function walkJob(job: Extract<MineJob, { kind: 'walk' }>): PathColumns {
  const log = eventLog(job.log, job.groups);
  const at = job.settings.mode === 'impression' ? impressionPaths(job.log, job.groups, job.range[0]) : job.into.at;
  const into = PathSetBuilder.into(job.actions, job.into.columns, at, job.into.room + job.into.at - at);
  const w = walkLog(log, job.settings, job.actions, job.hasImpressions, { into, range: job.range, rowAnomalies: false, keyOf: String, rows: false });
  return { ...w.builder.columns(), events: w.events, end: w.end, at } as WalkedHalf;
}

/** A half walked on the worker: its paths (in the shared columns from `at`, unless they outgrew their room), events walked, last time. */
type WalkedHalf = PathColumns & { events: number; end: number; at: number };

/** The memory of a job's answer handed back without copies (shared memory is never in it). */
function buffersOf(x: Int32Array | PathColumns): ArrayBuffer[] {
  return transferables(x instanceof Int32Array ? [x] : [x.user, x.item, x.start, x.row, x.flags, x.mask, x.delayRow, x.tBuy, ...x.tAction]);
}

/** Answer one job (on the worker). */
export function runMineJob(job: MineJob): { result: number | Int32Array | PathColumns; transfer: ArrayBuffer[] } {
  if (job.kind === 'keys') return { result: firstRows(job.keys, job.codes, ...job.range), transfer: [] };
  if (job.kind === 'place') return { result: placeJob(job), transfer: [] };
  const result = job.kind === 'sort' ? sortJob(job) : walkJob(job);
  return { result, transfer: buffersOf(result) };
}

/** The group where work is split in two: about as many rows plus groups on each side (both cost). */
function middle(offsets: Int32Array): number {
  const G = offsets.length - 1, half = (offsets[G] + G) / 2;
  let lo = 0, hi = G;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (offsets[m] + m < half) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Jobs run so far on the worker and on this thread in its place. */
const stats = { worker: 0, here: 0 };

/** How many halves ran on the worker thread, and how many on the main thread in its place (after a failure). */
export function mineThreadStats(): { worker: number; here: number } {
  return { ...stats };
}

/** A worker thread that takes half of the work after a one-piece read. */
export class MineThread implements GroupFinisher {
  private readonly jobs = new JobWorker<MineJob, unknown>('paths/mine-worker', 'mining worker', stats);

  /** A thread for a log of about `rows` events, or null when the work stays on this thread (see the file comment). */
  static start(rows: number): MineThread | null {
    const want = process.env.BUYPATH_MINE_THREAD;
    if (want === '0') return null;
    if (want !== '1' && (availableParallelism() < 2 || rows < PARTITION_DEFAULTS.threadRows)) return null;
    return new MineThread();
  }

  private constructor() {}

  /** The impression keys' memory once they are encoded: the row groups and the first path columns are made in it (no page faults). */
  private spare = new SpareMemory(null);
  /** The codes `firstRows` found groups for, and how many: their number of groups, without a pass to find the largest code. */
  private coded: { codes: Int32Array; groups: number } | null = null;

  /** Run `job` on the worker, or here once it has failed. */
  private run<T>(job: MineJob, here: () => T): Promise<T> {
    return this.jobs.run(job, here) as Promise<T>;
  }

  /** The log's columns, in shared memory (copied when they are not, e.g. after duplicates were dropped). */
  private static columns(log: EventLog): ThreadLog {
    const { n, user, item, event, ts, line, impression, events } = log;
    return {
      n, user: inSharedMemory(user), item: inSharedMemory(item), event: inSharedMemory(event), ts: inSharedMemory(ts), line: inSharedMemory(line),
      impression: impression && inSharedMemory(impression), events,
    };
  }

  /** Row groups in shared memory (copied when they are not). */
  private static groups(g: RowGroups): RowGroups {
    return { by: g.by, order: inSharedMemory(g.order), offsets: inSharedMemory(g.offsets) };
  }

  async firstRows(keys: KeyParts, codes: Int32Array): Promise<number> {
    // Keys kept as numbers: one pass here, in row order (shorter than handing half of it over).
    const groups = keys.numeric ? numericFirstRows(keys.numeric, codes) : await this.bucketFirstRows(keys, codes);
    // The keys are encoded next (read-events.ts assemble); their memory is not read after that.
    this.spare = new SpareMemory(keys.arena ?? null);
    this.coded = { codes, groups };
    return groups;
  }

  /** `firstRows` over every bucket, half of them on the worker. */
  private async bucketFirstRows(keys: KeyParts, codes: Int32Array): Promise<number> {
    const B = keys.buckets.length, h = B >> 1;
    const job: MineJob = { kind: 'keys', keys, codes: inSharedMemory(codes), range: [h, B] };
    const theirs = this.run(job, () => firstRows(keys, job.codes, h, B));
    // Rows of different buckets are different rows: the threads write disjoint places of `codes`.
    const mine = firstRows(keys, job.codes, 0, h);
    const groups = mine + (await theirs);
    if (job.codes !== codes) codes.set(job.codes);
    return groups;
  }

  async group(log: EventLog, by: RowGroups['by'], dedupe: boolean): Promise<{ groups: RowGroups; pairs: [number, number][] }> {
    let groups: RowGroups, h: number;
    const columns = MineThread.columns(log);
    if (by === 'impression') {
      // Each thread forms the groups of half of the impression codes (the second half with the rows without one).
      // Both halves are placed before either is sorted: the first half's last group ends where the second's begins.
      // The codes encoded here (in order of first appearance, read-events.ts assemble) run over 0 … groups - 1.
      const size = this.coded?.codes === log.impression ? this.coded.groups : impressionGroups(log);
      // Every entry of both is written when the halves are placed.
      groups = { by, order: this.spare.take(Int32Array, log.n), offsets: this.spare.take(Int32Array, size + 2) };
      h = size >> 1;
      const job: MineJob = { kind: 'place', codes: columns.impression!, size, range: [h, size], groups };
      const theirs = this.run(job, () => placeJob(job));
      placeJob({ ...job, range: [0, h] });
      await theirs;
    } else {
      groups = formGroups(log, by, (n) => this.spare.take(Int32Array, n)); // arrays written in full
      h = middle(groups.offsets);
    }
    const G = groups.offsets.length - 1;
    const job: MineJob = { kind: 'sort', log: columns, groups, range: [h, G], dedupe };
    const theirs = this.run(job, () => sortJob(job));
    // This thread's half meanwhile, on the same memory (the halves' rows and groups are disjoint).
    const mine = sortJob({ ...job, range: [0, h] });
    const flat = [...mine, ...(await theirs)];
    const pairs: [number, number][] = [];
    for (let k = 0; k < flat.length; k += 2) pairs.push([flat[k], flat[k + 1]]);
    return { groups, pairs: pairs.sort((a, b) => log.line[a[0]] - log.line[b[0]]) };
  }

  /** Walk every group of `log` (its groups in time order), half on each thread: what `walkLog` gives on one. */
  async walk(log: EventLog, settings: ReturnType<typeof mineSettings>, actions: string[], hasImpressions: boolean): Promise<WalkedLog> {
    const groups = log.groups!;
    const G = groups.offsets.length - 1, h = middle(groups.offsets);
    const c = { log: MineThread.columns(log), groups: MineThread.groups(groups) };
    // Paths of each half, at most: one per impression group; in user-item mode, one per click or impression.
    const anchor = Uint8Array.from(log.events, (e) => (e === 'click' || e === 'impression' ? 1 : 0));
    const most = (g0: number, g1: number): number => {
      if (settings.mode === 'impression') return g1 - g0;
      let k = 0;
      for (let p = groups.offsets[g0]; p < groups.offsets[g1]; p++) k += anchor[log.event[groups.order[p]]];
      return k;
    };
    const mine = most(0, h), room = most(h, G);
    // One set of columns in shared memory: this thread's paths from 0, the worker's from `mine` (moved down after).
    const builder = new PathSetBuilder(actions, mine + room, true, this.spare), all = builder.columns(0, mine + room);
    // The path columns only: the worker keeps delays of its own (these are in this thread's memory, and would be copied).
    const job: MineJob = { kind: 'walk', ...c, range: [h, G], settings, actions, hasImpressions, into: { columns: { ...all, tBuy: new Float32Array(0), tAction: [] }, at: mine, room } };
    const theirs = this.run(job, () => walkJob(job)) as Promise<WalkedHalf>;
    const w = walkLog(log, settings, actions, hasImpressions, { into: builder, range: [0, h], rows: false });
    const other = await theirs;
    const keyOf = pathKeyOf(log, settings.mode);
    // Paths the worker wrote into the shared columns are seen through this thread's own views of them (the
    // views it got back wrap the same memory in other objects): they then move only if they must. Their delays
    // were in the worker's own memory, handed back.
    const part = <T extends Int32Array | Float64Array | Float32Array | Uint8Array | Uint32Array>(a: T): T => a.subarray(other.at, other.at + other.n) as T;
    const written: PathColumns = other.user.buffer instanceof SharedArrayBuffer
      ? { n: other.n, user: part(all.user), item: part(all.item), start: part(all.start), row: part(all.row), flags: part(all.flags), mask: part(all.mask), delayRow: part(all.delayRow), tBuy: other.tBuy, tAction: other.tAction, anomalies: other.anomalies }
      : other;
    builder.append(written, (e) => keyOf(Number(e)));
    return { ...w, events: w.events + other.events, end: Math.max(w.end, other.end) };
  }

  /** Stop the worker. */
  close(): void {
    this.jobs.close();
  }
}

/** `minePaths` of a read log, the work shared with `thread`: the same paths (pointing at no table row). */
export async function minePathsOn(thread: MineThread, log: EventLog, options: MineOptions = {}): Promise<PathSet> {
  const settings = mineSettings(log, options);
  const { actions, hasImpressions } = logEvents(log);
  if (log.groups?.by !== settings.mode) {
    // Grouped for reading by another key (impression ids, mined per user and item): grouped again, as walkLog would.
    log = { ...log, groups: (await thread.group(log, settings.mode, false)).groups };
  }
  return finishPaths(log, await thread.walk(log, settings, actions, hasImpressions));
}
