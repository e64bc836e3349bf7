/** The worker of partition-load.ts: loads the partitions it is asked for and hands their arrays back without copies. */
import { parentPort } from 'node:worker_threads';
import { loadPartition, partitionBuffers, type PartitionJob } from './partition-load';

parentPort!.on('message', ({ id, job }: { id: number; job: PartitionJob }) => {
  try {
    const loaded = loadPartition(job);
    parentPort!.postMessage({ id, loaded }, partitionBuffers(loaded));
  } catch (e) {
    parentPort!.postMessage({ id, error: String((e as Error)?.stack ?? e) });
  }
});
