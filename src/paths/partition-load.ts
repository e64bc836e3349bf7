/**
 * One partition of a log mined in partitions (mine-partitions.ts), read back from its column files and made
 * ready to walk: impression ids as codes, rows grouped by path key, exact duplicates found. The walk itself
 * stays on the main thread, in partition order; `PartitionLoader` prepares the next partition on a worker
 * thread (partition-worker.ts) meanwhile, so the two cores share the work after the read. Its results are
 * those of `loadPartition` on the main thread, which it falls back to if the worker fails.
 */
import type { Worker } from 'node:worker_threads';
import type { Dictionary, EventLog, RowGroups } from '../data/event-log';
import { KeyGroups } from '../data/key-groups';
import { findDuplicates, groupRows } from '../data/log-finish';
import { readPartition, type PartitionRows } from '../data/partition-files';
import { spawnWorker } from '../spawn-worker';

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
}

/** A partition ready to walk: its typed columns, impression codes, row groups, and duplicate pairs [row, first occurrence] flattened. */
export interface LoadedPartition extends Omit<PartitionRows, 'keys' | 'long'> {
  impression: Int32Array | null;
  groups: RowGroups;
  pairs: Int32Array;
}

/** A dictionary known only by its size (grouping needs no values). */
function sized(size: number): Dictionary {
  return { size, get: () => { throw new Error('a partition being loaded has no dictionary values'); }, values: () => [] };
}

/** Read partition `job.p` back, give its impression ids codes, group its rows and find its exact duplicates. */
export function loadPartition(job: PartitionJob): LoadedPartition {
  const rows = readPartition(job.dir, job.p, job.keys);
  let impression: Int32Array | null = null;
  if (rows.keys) {
    const groups = new KeyGroups(rows.n);
    impression = new Int32Array(rows.n).fill(-1);
    const k = rows.keys;
    for (let i = 0; i < rows.n; i++) if (k[4 * i] >= 0) groups.addWords(k[4 * i], k[4 * i + 1], k[4 * i + 2], k[4 * i + 3], i, rows.long);
    groups.finish(impression, false);
  }
  const log: EventLog = {
    n: rows.n, user: rows.user, users: sized(job.users), item: rows.item, items: sized(job.items), event: rows.event, events: job.events,
    ts: rows.ts, impression, impressions: null, line: rows.line, features: [],
  };
  const groups = groupRows(log, impression ? 'impression' : 'user-item');
  const pairs = job.dedupe ? findDuplicates(log, groups) : [];
  return { n: rows.n, user: rows.user, item: rows.item, event: rows.event, ts: rows.ts, line: rows.line, impression, groups, pairs: Int32Array.from(pairs.flat()) };
}

/** The memory of a loaded partition's arrays (handed over between threads without copies). */
export function partitionBuffers(l: LoadedPartition): ArrayBuffer[] {
  const arrays = [l.user, l.item, l.event, l.ts, l.line, l.impression, l.groups.order, l.groups.offsets, l.pairs];
  return [...new Set(arrays.flatMap((a) => (a ? [a.buffer as ArrayBuffer] : [])))];
}

/** Partitions loaded in this process: on the worker thread, and on the main thread (after a worker failure). */
const loads = { worker: 0, here: 0 };

/** How many partitions were loaded on the worker thread and how many on the main thread. */
export function partitionLoads(): { worker: number; here: number } {
  return { ...loads };
}

/** Loads partitions on a worker thread, one request at a time, in the order asked; `loadPartition` here if the worker fails. */
export class PartitionLoader {
  private worker: Worker | null;
  private readonly waiting = new Map<number, { resolve: (l: LoadedPartition) => void; reject: (e: Error) => void }>();
  private requests = 0;

  constructor() {
    this.worker = spawnWorker('paths/partition-worker', {});
    this.worker.on('message', (m: { id: number; loaded?: LoadedPartition; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!this.waiting.size) this.worker?.unref();
      if (m.loaded) w?.resolve(m.loaded);
      else w?.reject(new Error(m.error));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', () => this.fail(new Error('the partition worker exited')));
  }

  private fail(e: Error): void {
    this.worker = null;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  /** Partition `job.p`, loaded on the worker (or here, once the worker has failed). */
  async load(job: PartitionJob): Promise<LoadedPartition> {
    if (this.worker) {
      try {
        const worker = this.worker;
        const id = ++this.requests;
        const loaded = await new Promise<LoadedPartition>((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          worker.ref(); // a pending request keeps the process alive (the worker is unreferenced otherwise)
          worker.postMessage({ id, job });
        });
        loads.worker++;
        return loaded;
      } catch {
        this.close(); // the same partition, here
      }
    }
    loads.here++;
    return loadPartition(job);
  }

  /** Stop the worker. */
  close(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}
