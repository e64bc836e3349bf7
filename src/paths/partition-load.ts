/**
 * One partition of a log mined in partitions (mine-partitions.ts), read back from its column files and made
 * ready to walk: impression ids as codes, rows grouped by path key, exact duplicates found. The walk itself
 * stays on the main thread, in partition order; `PartitionLoader` prepares the next partition on a worker
 * thread (partition-worker.ts) meanwhile, so the two cores share the work after the read. Its results are
 * those of `loadPartition` on the main thread, which it falls back to if the worker fails. Loading is the
 * larger share: the worker can leave the sorting of the groups and the search for duplicates to the walking
 * thread (`unsorted`, `finishPartition`).
 */
import { sizeOnlyDictionary, type EventLog, type RowGroups } from '../data/event-log';
import { KeyGroups } from '../data/key-groups';
import { findDuplicates, formGroups, sortGroups } from '../data/log-finish';
import { readPartition, writeBatch, WriteScratch, type KeyBuffers, type PartitionRows, type PartitionSlot, type Written, type WriteTarget } from '../data/partition-files';
import type { RowBatch } from '../data/log-builder';
import { SpareMemory, transferables } from '../shared-memory';
import { JobWorker } from '../spawn-worker';

/** What loading a partition needs: where its files are and what the whole log's dictionaries hold. */
export interface PartitionJob {
  dir: string;
  p: number;
  /** Impression keys were written (the log has impression ids). */
  keys: boolean;
  /** Look for exact duplicates. */
  dedupe: boolean;
  events: string[];
  users: number;
  items: number;
  /** Where the partition goes (shared memory, reused: the partition before the last one is done with it); without it, into memory of its own. */
  slot?: PartitionSlot;
  /**
   * Leave each group in row order and the duplicates unfound: the thread that walks the partition finishes it
   * (`finishPartition`), so that the two threads' shares of the work are about even.
   */
  unsorted?: boolean;
}

/** What one thread keeps from partition to partition it loads: buffers for the impression keys and buckets to group them in. */
export interface LoaderMemory extends KeyBuffers {
  buckets?: KeyGroups;
}

/**
 * A partition ready to walk: its typed columns, impression codes, row groups, and duplicate pairs [row, first
 * occurrence] flattened (loaded `unsorted`: groups in row order, no pairs yet).
 */
export interface LoadedPartition extends Omit<PartitionRows, 'words' | 'long'> {
  impression: Int32Array | null;
  groups: RowGroups;
  pairs: Int32Array;
}

/**
 * Read partition `job.p` back, give its impression ids codes, group its rows and find its exact duplicates.
 * `memory`: what this thread keeps between the partitions it loads (fresh memory costs page faults).
 */
export function loadPartition(job: PartitionJob, memory: LoaderMemory = {}): LoadedPartition {
  const slot = job.slot;
  const rows = readPartition(job.dir, job.p, job.keys, slot, memory);
  const n = rows.n;
  let impression: Int32Array | null = null, size = 0;
  if (rows.words) {
    // Numbered ids are spread over a range many times their count in a partition (it holds about one in `parts`
    // of them): key-groups.ts ranks them as they arrive when each new one is greater than those before.
    const keys = memory.buckets ? memory.buckets.reset() : (memory.buckets = new KeyGroups(n, false, true));
    impression = (slot && slot.impression.length >= n ? slot.impression.subarray(0, n) : new Int32Array(n)).fill(-1);
    keys.addWordRows(rows.words, rows.long, n);
    size = keys.finish(impression, false).size;
  }
  const what = 'a partition being loaded';
  const log: EventLog = {
    n, user: rows.user, users: sizeOnlyDictionary(job.users, what), item: rows.item, items: sizeOnlyDictionary(job.items, what), event: rows.event, events: job.events,
    ts: rows.ts, impression, impressions: impression && sizeOnlyDictionary(size, what), line: rows.line, features: [],
  };
  // With a slot, the groups are made in its memory: formGroups writes every entry of them.
  const spare = slot && new SpareMemory(slot.groups);
  const groups = formGroups(log, impression ? 'impression' : 'user-item', spare ? (k) => spare.take(Int32Array, k) : undefined);
  const loaded = { n, user: rows.user, item: rows.item, event: rows.event, ts: rows.ts, line: rows.line, impression, groups, pairs: new Int32Array(0) };
  return job.unsorted ? loaded : finishPartition(loaded, log, job.dedupe);
}

/**
 * A partition loaded `unsorted`, finished: each group put in time order and, when `dedupe`, its exact
 * duplicates found (`log`: the partition's typed log). What `loadPartition` gives without `unsorted`.
 */
export function finishPartition(l: LoadedPartition, log: EventLog, dedupe: boolean): LoadedPartition {
  sortGroups(log, l.groups, 0, l.groups.offsets.length - 1);
  return { ...l, pairs: Int32Array.from(dedupe ? findDuplicates(log, l.groups).flat() : []) };
}

/** The memory of a loaded partition's arrays (handed over between threads without copies). */
export function partitionBuffers(l: LoadedPartition): ArrayBuffer[] {
  return transferables([l.user, l.item, l.event, l.ts, l.line, l.impression, l.groups.order, l.groups.offsets, l.pairs]);
}

/** Partitions loaded in this process: on the worker thread, and on the main thread (after a worker failure). */
const loads = { worker: 0, here: 0 };

/** How many partitions were loaded on the worker thread and how many on the main thread. */
export function partitionLoads(): { worker: number; here: number } {
  return { ...loads };
}

/** Batches of rows written to partition files in this process: on the worker thread, and on the main thread (after a worker failure). */
const writes = { worker: 0, here: 0 };

/** How many batches of rows were written to partition files on the worker thread and how many on the main thread. */
export function partitionWrites(): { worker: number; here: number } {
  return { ...writes };
}

/** A batch of kept rows to append to the partition files (`writeBatch`), on the worker while the read goes on. */
export interface WriteJob {
  write: WriteTarget;
  batch: RowBatch;
}

/**
 * Writes batches of rows to the partition files during the read, then loads partitions, on a worker thread, one
 * request at a time, in the order asked; `writeBatch` and `loadPartition` here if the worker fails.
 */
export class PartitionLoader {
  private readonly jobs = new JobWorker<PartitionJob | WriteJob, LoadedPartition | Written>('paths/partition-worker', 'partition worker', loads);
  private readonly scratch = new WriteScratch();

  /** Partition `job.p`, loaded on the worker (or here, once the worker has failed). */
  load(job: PartitionJob): Promise<LoadedPartition> {
    return this.jobs.run(job, () => loadPartition(job)) as Promise<LoadedPartition>;
  }

  /**
   * Append `batch` to the files of `target` on the worker (or here, once the worker has failed before): what it wrote.
   * The batch's arrays are read until then. A write that fails on the worker is not done again: its error is thrown.
   */
  write(target: WriteTarget, batch: RowBatch): Promise<Written> {
    const job: WriteJob = { write: target, batch };
    return this.jobs.run(job, () => writeBatch(target, batch, this.scratch), writes, false) as Promise<Written>;
  }

  /** Stop the worker. */
  close(): void {
    this.jobs.close();
  }
}
