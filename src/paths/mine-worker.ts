/** The worker of mine-thread.ts: runs the mining jobs it is sent and hands their answers back without copies. */
import { parentPort } from 'node:worker_threads';
import { runMineJob, type MineJob } from './mine-thread';

parentPort!.on('message', ({ id, job }: { id: number; job: MineJob }) => {
  try {
    const { result, transfer } = runMineJob(job);
    parentPort!.postMessage({ id, result }, transfer);
  } catch (e) {
    parentPort!.postMessage({ id, error: String((e as Error)?.stack ?? e) });
  }
});
