/** The worker of mine-thread.ts: runs the mining jobs it is sent and hands their answers back without copies. */
import { serveJobs } from '../spawn-worker';
import { runMineJob } from './mine-thread';

serveJobs(runMineJob);
