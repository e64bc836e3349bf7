/**
 * The worker of partition-load.ts: writes the batches of rows it is handed to the partition files (during the
 * read), then loads the partitions it is asked for and hands their arrays back without copies.
 */
import { writeBatch, WriteScratch, type Written } from '../data/partition-files';
import { serveJobs } from '../spawn-worker';
import { loadPartition, partitionBuffers, type LoadedPartition, type LoaderMemory, type PartitionJob, type WriteJob } from './partition-load';

/** Key buffers and buckets, kept from one partition this worker loads to the next; work arrays of the writes. */
const memory: LoaderMemory = {};
const scratch = new WriteScratch();

serveJobs<PartitionJob | WriteJob, LoadedPartition | Written>((job) => {
  if ('write' in job) return { result: writeBatch(job.write, job.batch, scratch), transfer: [] };
  scratch.release(); // the writes are over once partitions are loaded
  const loaded = loadPartition(job, memory);
  return { result: loaded, transfer: partitionBuffers(loaded) };
});
