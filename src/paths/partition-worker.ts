/** The worker of partition-load.ts: loads the partitions it is asked for and hands their arrays back without copies. */
import { serveJobs } from '../spawn-worker';
import { loadPartition, partitionBuffers, type LoaderMemory, type PartitionJob } from './partition-load';

/** Key buffers and buckets, kept from one partition this worker loads to the next. */
const memory: LoaderMemory = {};

serveJobs((job: PartitionJob) => {
  const loaded = loadPartition(job, memory);
  return { result: loaded, transfer: partitionBuffers(loaded) };
});
