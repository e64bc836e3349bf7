/**
 * Worker threads running a module of this library, from the compiled files (dist/) or from the TypeScript
 * sources (tests and benchmarks run through tsx: workers do not inherit it, so the worker registers it). A
 * worker that cannot load its module says so: the error event, and, for a main thread that may be blocked
 * waiting on it, `workerData.broken[0]` set to 1 (notified) with the error's text in `workerData.err`.
 */
import { extname, join } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';

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

/**
 * Jobs answered on a worker thread that runs `serveJobs` (one answer per job, in any order). A job sent
 * once the worker has failed, or whose worker fails, runs on this thread instead (`here`); `counts`
 * tallies where jobs ran.
 */
export class JobWorker<J, R> {
  private worker: Worker | null;
  private readonly waiting = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  private requests = 0;

  /** `module`: as for `spawnWorker`; `name`: the worker, in the error of an unexpected exit. */
  constructor(module: string, name: string, private readonly counts: { worker: number; here: number }) {
    this.worker = spawnWorker(module, {});
    this.worker.on('message', (m: { id: number; result?: R; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!this.waiting.size) this.worker?.unref();
      if (m.error === undefined) w?.resolve(m.result as R);
      else w?.reject(new Error(m.error));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', () => this.fail(new Error(`the ${name} exited`)));
  }

  private fail(e: Error): void {
    this.worker = null;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  /**
   * The answer to `job` from the worker, or from `here` on this thread once the worker has failed (tallied in `counts`,
   * default the worker's). `again`: a job that failed on the worker runs here (false: its error is thrown; a job that
   * may have done part of its work, such as appending to files, must not run twice).
   */
  async run(job: J, here: () => R, counts = this.counts, again = true): Promise<R> {
    const worker = this.worker;
    if (worker) {
      try {
        const id = ++this.requests;
        const r = await new Promise<R>((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          worker.ref(); // a pending job keeps the process alive (the worker is unreferenced otherwise)
          worker.postMessage({ id, job });
        });
        counts.worker++;
        return r;
      } catch (e) {
        this.close(); // the same job, here
        if (!again) throw e;
      }
    }
    counts.here++;
    return here();
  }

  /** Stop the worker. */
  close(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}

/** The worker side of `JobWorker`: answer each job with `answer` (its result, and the memory to hand back without copies). */
export function serveJobs<J, R>(answer: (job: J) => { result: R; transfer: ArrayBuffer[] }): void {
  parentPort!.on('message', ({ id, job }: { id: number; job: J }) => {
    try {
      const { result, transfer } = answer(job);
      parentPort!.postMessage({ id, result }, transfer);
    } catch (e) {
      parentPort!.postMessage({ id, error: String((e as Error)?.stack ?? e) });
    }
  });
}
