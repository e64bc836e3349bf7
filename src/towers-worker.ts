/**
 * The worker of towers-thread.ts: a tfjs wasm backend of its own, with the main thread's product
 * kernel, runs the towers jobs it is handed (fused-dense.ts `runTowersJob`) on the shared buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as TF from '@tensorflow/tfjs';
import { setWasmMatMul } from './backend-kernels';
import { runTowersJob } from './fused-dense';
import { DONE, FAILED, type ThreadJob } from './towers-thread';

const { matMul, ctl, broken, err } = workerData as { matMul: 'fma' | 'transpose-fix' | 'stock'; ctl: Int32Array; broken: Int32Array; err: Uint8Array };

/** Fail the job at hand; `always`: and every later one (the worker could not start). */
function fail(e: unknown, always = false): void {
  const bytes = Buffer.from(String((e as Error)?.stack ?? e), 'utf8').subarray(0, err.length);
  err.set(bytes);
  const state = always ? broken : ctl;
  Atomics.store(state, 1, bytes.length);
  Atomics.store(state, 0, always ? 1 : FAILED);
  Atomics.notify(state, 0);
  if (always) Atomics.notify(ctl, 0);
}

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof TF;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start in the worker');
  await tf.ready();
  // The same products as the main thread's, or none: towers must not depend on the thread they run on.
  const got = setWasmMatMul(tf, matMul);
  if (got !== matMul) throw new Error(`the worker's product kernel is ${got}, not the main thread's ${matMul}`);
  // The job runs from setImmediate, not in the message callback: WebAssembly ran about half as fast there (measured
  // on Node 20 with the towers' backward: 680 ms against 340 ms).
  parentPort!.on('message', (job: ThreadJob) => setImmediate(run, job));
  function run(job: ThreadJob): void {
    try {
      const f = new Float32Array(job.buf);
      let o = 0;
      const view = (n: number) => {
        const v = f.subarray(o, o + n);
        o += n;
        return v;
      };
      const inputs = job.inputs.map(view), outputs = job.outputs.map(view);
      runTowersJob(tf, job.op, job.attrs, inputs, outputs);
      Atomics.store(ctl, 0, DONE);
      Atomics.notify(ctl, 0);
    } catch (e) {
      fail(e);
    }
  }
}

main().catch((e) => fail(e, true)); // a job may already wait: it fails, and so does every later one
