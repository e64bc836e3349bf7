/**
 * Mining a log larger than memory in partitions: one DuckDB pass reads and
 * checks the file (data/read-events.ts `streamLog`) and writes kept rows to
 * per-partition column files by path key — user (user-item mode) or
 * impression id (impression mode) — (data/partition-files.ts); then each
 * partition is read back and grouped (on a worker thread, one partition ahead:
 * partition-load.ts), its groups put in time order and deduplicated, and
 * walked by the same miner (mine-paths.ts `walkLog`; these three on this
 * thread, in partition order) into one path set. No path crosses partitions,
 * so peak memory is two partitions' events plus the paths, not the log.
 */
import { estimateRows, featureValues } from '../data/duck-source';
import { LoadError } from '../errors';
import { adaptLog } from '../data/adapters';
import { resolveLoadOptions, type LoadOptions } from '../data/load-options';
import type { AdapterName } from '../data/presets';
import type { EventLog, RowGroups } from '../data/event-log';
import { assertRowsKept, type LoadReport } from '../data/load-report';
import { dropRows, findDuplicates } from '../data/log-finish';
import { PartitionFiles, partitionSlot } from '../data/partition-files';
import { buildReport, builderStats, streamLog, type ReadOptions } from '../data/read-events';
import { isAction } from '../data/schema';
import { MINE_DEFAULTS, PARTITION_DEFAULTS } from '../defaults';
import type { LogBuilder, RowBatch } from '../data/log-builder';
import { mineSettings, walkLog, type MineOptions } from './mine-paths';
import type { PathSet } from './path-set';
import { PathSetBuilder } from './path-set';
import { finishPartition, PartitionLoader, type LoadedPartition, type PartitionJob } from './partition-load';

/**
 * Events a file holds, as partitioning counts them: estimated from its size, or, for a log read through an
 * adapter (OTTO's sessions, YOOCHOOSE's two files), the adapter's rows (sessions are not events).
 */
export async function eventRowsFor(path: string, options: LoadOptions = {}): Promise<number> {
  const { adapter } = resolveLoadOptions(options) as { adapter?: AdapterName };
  return adapter ? (await adaptLog(path, adapter)).rows : estimateRows(path);
}

/** User partitions for a file: one when it fits in memory, else enough for about `PARTITION_DEFAULTS.rows` events each. */
export async function partitionsFor(path: string, options: LoadOptions = {}): Promise<number> {
  return partitionsForRows(await eventRowsFor(path, options));
}

/** User partitions for a log of `rows` events (see `partitionsFor`). */
export function partitionsForRows(rows: number): number {
  return rows <= PARTITION_DEFAULTS.wholeRows ? 1 : Math.ceil(rows / PARTITION_DEFAULTS.rows);
}

/**
 * The typed log of a partition loaded `unsorted` (codes shared with the whole log's dictionaries), finished on
 * this thread: its row groups in time order and, when `dedupe`, its duplicate pairs.
 */
function partitionLog(l: LoadedPartition, users: EventLog['users'], items: EventLog['items'], events: string[], dedupe: boolean): { log: EventLog; groups: RowGroups; pairs: [number, number][] } {
  const log: EventLog = { n: l.n, user: l.user, users, item: l.item, items, event: l.event, events, ts: l.ts, impression: l.impression, impressions: null, line: l.line, features: [] };
  const done = finishPartition(l, log, dedupe);
  const pairs: [number, number][] = [];
  for (let k = 0; k < done.pairs.length; k += 2) pairs.push([done.pairs[k], done.pairs[k + 1]]);
  return { log, groups: done.groups, pairs };
}

/** Mine a log file in `parts` user partitions. */
export async function minePartitions(path: string, parts: number, options: ReadOptions & MineOptions = {}): Promise<{ paths: PathSet; report: LoadReport; timings: { read: number; walk: number } }> {
  const started = Date.now();
  let files: PartitionFiles | undefined;
  // Impression mode: partitions by impression id (paths are per impression id); user-item mode: by user.
  const open = (bb: LogBuilder) => {
    const hasImp = bb.impressionWords !== null;
    const by = hasImp && (options.mode ?? MINE_DEFAULTS.mode) !== 'user-item' ? 'impression' : 'user';
    return new PartitionFiles(parts, hasImp, by);
  };
  // During the read, a worker thread writes each batch of rows to the partition files while this one encodes the
  // next (the builder goes on in the arrays of the batch before, once written: two sets in shared memory); after it,
  // partition p + 1 is read back and grouped on the worker while this thread walks partition p.
  const loader = new PartitionLoader();
  const write = (f: PartitionFiles, batch: RowBatch) =>
    loader.write(f.target(), batch).then((w) => f.written(w), (e: Error) => {
      throw new LoadError(`${path}: expected to write the rows of ${parts} partitions to files under ${f.dir}, got an error: ${e.message.split('\n')[0]}. Free space there, or point TMPDIR to a folder with room (about 40 bytes per event).`);
    });
  let writing: Promise<unknown> = Promise.resolve(), done: RowBatch | undefined;
  const flush = async (bb: LogBuilder): Promise<void> => {
    const f = (files ??= open(bb));
    await writing;
    const batch = bb.takeBatch(done);
    done = undefined;
    writing = write(f, batch).then(() => (done = batch));
    writing.catch(() => undefined); // awaited at the next batch or after the read
  };
  try {
    const { o, src, b, problems } = await streamLog(path, options, {
      features: false, keyWords: true, shared: true,
      flush: { rows: PARTITION_DEFAULTS.batchRows, write: flush },
    });
    // The last batch: written from the builder's arrays (nothing is read after it).
    await writing;
    files ??= open(b);
    if (b.n) await write(files, b.batch());
    b.drain();
    files.close();
    const read = (Date.now() - started) / 1000;
    const settings = mineSettings({ impression: src.layout.impression >= 0 ? new Int32Array(0) : null } as EventLog, options);
    // Actions in order of frequency, as read (duplicates may reorder them: fixed at the end).
    const asRead = new Float64Array(b.events.length);
    b.rawOrder.forEach((raw) => (asRead[b.canonicalCode(raw)] += b.rawCounts[raw]));
    const byFrequency = (counts: Float64Array) => b.events.map((e, c) => [e, counts[c] ?? 0] as const).filter(([e, c]) => c > 0 && isAction(e))
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([e]) => e);
    const actions = byFrequency(asRead);
    const count = (name: string) => asRead[b.events.indexOf(name)] ?? 0;
    const hasImpressions = count('impression') > 0;
    // Paths expected: about one per impression (impression mode), else at most one per click or impression.
    const expect = settings.mode === 'impression' ? count('impression') + Math.ceil(count('click') / 16) : count('impression') + count('click');
    // Delays only for clicked paths: at most one per click.
    const builder = new PathSetBuilder(actions, expect, false, undefined, count('click'));
    const users = b.users, items = b.items, events = b.events;
    const dropped: number[] = [];
    let walked = 0, end = -Infinity;
    const duplicates: [number, number][] = [];
    const mine = (log: EventLog, groups: RowGroups, pairs: [number, number][]) => {
      for (const [i, j] of pairs) duplicates.push([log.line[i], log.line[j]]);
      if (pairs.length) {
        const drop = new Uint8Array(log.n);
        for (const [i] of pairs) {
          drop[i] = 1;
          dropped.push(log.event[i]);
        }
        ({ log, groups } = dropRows(log, groups, drop));
      }
      log.groups = groups;
      const w = walkLog(log, settings, actions, hasImpressions, { into: builder, rows: false });
      walked += w.events;
      end = Math.max(end, w.end);
    };
    const deferred: number[] = [];
    const candidateLines: number[] = [];
    // Two slots of shared memory, taken in turn: partition p + 1 is read into one while p, in the other, is walked.
    const most = Math.max(...files.rows), slots = [partitionSlot(most, files.keys), partitionSlot(most, files.keys)];
    // The worker reads, encodes and groups; this thread sorts the groups, finds duplicates and walks (partitionLog).
    const job = (p: number, dedupe: boolean): PartitionJob => ({ dir: files!.dir, p, keys: files!.keys, dedupe, events, users: users.size, items: items.size, slot: slots[p % 2], unsorted: true });
    let next = loader.load(job(0, o.dedupe));
    for (let p = 0; p < parts; p++) {
      const loaded = await next;
      if (p + 1 < parts) next = loader.load(job(p + 1, o.dedupe));
      void next.catch(() => undefined); // awaited next round; an error here must not leave it unhandled
      const { log, groups, pairs } = partitionLog(loaded, users, items, events, o.dedupe);
      if (pairs.length && src.layout.features.length) {
        // Rows that agree on everything read: their features decide, after one more pass over the file.
        deferred.push(p);
        for (const [i, j] of pairs) candidateLines.push(log.line[i], log.line[j]);
        continue;
      }
      files.release(p);
      mine(log, groups, pairs);
    }
    if (deferred.length) {
      const values = await featureValues(path, src, candidateLines);
      const text = (line: number) => JSON.stringify(values.get(line));
      for (const p of deferred) {
        const { log, groups } = partitionLog(await loader.load(job(p, false)), users, items, events, false);
        mine(log, groups, findDuplicates(log, groups, (a, c) => text(log.line[a]) === text(log.line[c])));
      }
    }
    duplicates.sort((x, y) => x[0] - y[0]);
    for (const [line, first] of duplicates) problems.add('duplicate', line, `exact duplicate of line ${first}`);
    const paths = builder.finish({ mode: settings.mode, window: settings.window, preClick: settings.preClick, hasImpressions, events: walked, end, users: users.values(), items: items.values() });
    const kept = builderStats(b, dropped);
    const final = byFrequency(kept.perCode);
    if (final.join() !== actions.join()) reorderActions(paths, final);
    const report = buildReport(path, src, b, kept, {}, problems, o.notes);
    assertRowsKept(report);
    report.seconds = (Date.now() - started) / 1000;
    return { paths, report, timings: { read, walk: report.seconds - read } };
  } finally {
    await writing.catch(() => undefined); // a read that failed: the batch being written is done with before the files go
    loader.close();
    await files?.remove();
  }
}

/** Put a path set's actions in another order (mask bits and delay columns follow). */
function reorderActions(paths: PathSet, order: string[]): void {
  const from = order.map((a) => paths.actions.indexOf(a));
  for (let k = 0; k < paths.n; k++) {
    let m = 0;
    for (let a = 0; a < from.length; a++) if (paths.mask[k] & (1 << from[a])) m |= 1 << a;
    paths.mask[k] = m;
  }
  paths.tAction = from.map((f) => paths.tAction[f]);
  paths.actions = order;
}
