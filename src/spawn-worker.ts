/**
 * Worker threads running a module of this library, from the compiled files (dist/) or from the TypeScript
 * sources (tests and benchmarks run through tsx: workers do not inherit it, so the worker registers it). A
 * worker that cannot load its module says so: the error event, and, for a main thread that may be blocked
 * waiting on it, `workerData.broken[0]` set to 1 (notified) with the error's text in `workerData.err`.
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Start a worker on `module` (its path under src/ without extension, e.g. 'paths/partition-worker'); it never keeps the process alive. */
export function spawnWorker(module: string, workerData: Record<string, unknown>): Worker {
  const ext = extname(__filename), file = join(__dirname, `${module}${ext}`);
  const boot = `const { workerData: d } = require('node:worker_threads');
    try { ${ext === '.ts' ? "require('tsx/cjs');" : ''} require(${JSON.stringify(file)}); } catch (e) {
      if (d.broken && d.err) {
        const b = Buffer.from(String((e && e.stack) || e)).subarray(0, d.err.length);
        d.err.set(b); Atomics.store(d.broken, 1, b.length); Atomics.store(d.broken, 0, 1); Atomics.notify(d.broken, 0);
      }
      throw e;
    }`;
  const worker = new Worker(boot, { eval: true, workerData });
  worker.unref();
  return worker;
}
