/** The worker of partition-load.ts: loads the partitions it is asked for and hands their arrays back without copies. */
import { serveJobs } from '../spawn-worker';
import { loadPartition, partitionBuffers, type PartitionJob } from './partition-load';

serveJobs((job: PartitionJob) => {
  const loaded = loadPartition(job);
  return { result: loaded, transfer: partitionBuffers(loaded) };
});
