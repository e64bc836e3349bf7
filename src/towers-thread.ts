/**
 * A second thread for the fused towers kernels (fused-dense.ts) where matrix products run on
 * WebAssembly (no BLAS): tfjs's wasm backend runs XNNPACK on one thread in Node (tfjs#3830), so
 * without it a training step uses one core of two. The thread is a worker with a tfjs wasm
 * backend of its own (towers-worker.ts); the main thread hands it some towers (their inputs
 * copied into a SharedArrayBuffer), runs the others meanwhile, and blocks until the worker is
 * done. Each tower runs the same operations in the same order on either thread, so results are
 * the same bit for bit (test/fused-dense.test.ts).
 *
 * `BUYPATH_TOWER_THREAD=0` turns it off; `=1` uses it whatever the core count or size; unset,
 * it runs when the machine has two cores or more and a job is big enough to pay for its copies.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawn-worker';

/** What the worker runs: an operation over float32 inputs, writing outputs of the given sizes. */
export interface ThreadJob {
  op: string;
  attrs: object;
  /** Sizes (floats) of the inputs, then of the outputs, laid one after another in `buf`. */
  inputs: number[];
  outputs: number[];
  buf: SharedArrayBuffer;
}

/** Job states in `ctl[0]`; `ctl[1]`: length of the error text in `err`. */
export const RUNNING = 0, DONE = 1, FAILED = 2;
/** Multiply-adds per job below which copying and waking the worker costs more than it saves (auto mode). */
const MIN_MACS = 2_000_000;
/** How long the main thread waits for one job before it gives up (ms). */
const TIMEOUT_MS = 600_000;

/** The main thread's side of the worker. */
export class TowersThread {
  private readonly worker: Worker;
  /** [0] job state, [1] length of the error text in `err`. */
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8));
  /** [0] 1 once the worker cannot run jobs at all (it did not load or start), [1] length of the error text in `err`. */
  private readonly broken = new Int32Array(new SharedArrayBuffer(8));
  private readonly err = new Uint8Array(new SharedArrayBuffer(4096));
  private buf = new SharedArrayBuffer(0);
  private pending: ThreadJob | null = null;

  constructor(matMul: string) {
    this.worker = spawnWorker('towers-worker', { matMul, ctl: this.ctl, broken: this.broken, err: this.err });
    this.worker.on('error', () => undefined); // failures reach the main thread through ctl and broken (or its timeout)
  }

  /** Stop the worker. */
  close(): void {
    void this.worker.terminate();
  }

  /** Copy `inputs` into the shared buffer and hand the job over; `finish` waits for it. */
  start(op: string, attrs: object, inputs: Float32Array[], outputs: number[]): void {
    const total = [...inputs.map((v) => v.length), ...outputs].reduce((s, n) => s + n, 0);
    if (this.buf.byteLength < 4 * total) this.buf = new SharedArrayBuffer(4 * Math.ceil(total * 1.25));
    const f = new Float32Array(this.buf);
    let o = 0;
    for (const v of inputs) f.set(v, o), (o += v.length);
    Atomics.store(this.ctl, 0, RUNNING);
    jobs++;
    this.pending = { op, attrs, inputs: inputs.map((v) => v.length), outputs, buf: this.buf };
    this.worker.postMessage(this.pending);
  }

  /** Wait for the job handed over; views of its outputs in the shared buffer (valid until the next `start`). */
  finish(): Float32Array[] {
    const job = this.pending;
    if (!job) throw new Error('TowersThread.finish: expected a job started with start(), got none.');
    this.pending = null;
    const t0 = Date.now();
    while (Atomics.load(this.ctl, 0) === RUNNING && Atomics.load(this.broken, 0) === 0) {
      if (Atomics.wait(this.ctl, 0, RUNNING, 1000) === 'timed-out' && Date.now() - t0 > TIMEOUT_MS) {
        throw new Error(`towers thread: expected job ${job.op} to finish within ${TIMEOUT_MS / 1000} s, got no answer. Set BUYPATH_TOWER_THREAD=0 to run the towers on one thread.`);
      }
    }
    const broken = Atomics.load(this.broken, 0) === 1;
    if (broken || Atomics.load(this.ctl, 0) === FAILED) {
      const text = Buffer.from(this.err.slice(0, Atomics.load(broken ? this.broken : this.ctl, 1))).toString('utf8');
      throw new Error(`towers thread: job ${job.op} failed: ${text}. Set BUYPATH_TOWER_THREAD=0 to run the towers on one thread.`);
    }
    let o = job.inputs.reduce((s, n) => s + n, 0);
    return job.outputs.map((n) => {
      const v = new Float32Array(job.buf, 4 * o, n);
      o += n;
      return v;
    });
  }
}

let thread: TowersThread | null = null;
let threadMode = '';
/** Why the towers thread was dropped (a job failed or timed out), or null. */
let dropped: string | null = null;
/** Jobs handed to a towers thread in this process. */
let jobs = 0;

/** Jobs handed to the towers thread so far, and why it was dropped (null: it was not). */
export function towersThreadStats(): { jobs: number; dropped: string | null } {
  return { jobs, dropped };
}

/** Stop using the towers thread for the rest of the process: `e` says why (the towers then run on the main thread). */
export function dropTowersThread(e: Error): void {
  dropped = e.message;
  thread?.close();
  thread = null;
}

/**
 * The thread to hand `macs` multiply-adds of towers to, or null when they run on the main thread
 * (see the file comment). `matMul`: the wasm product kernel the main thread runs (the worker runs
 * the same).
 */
export function towersThread(matMul: string, macs: number): TowersThread | null {
  const want = process.env.BUYPATH_TOWER_THREAD;
  if (want === '0' || matMul === 'blas' || dropped !== null) return null;
  if (want !== '1' && (availableParallelism() < 2 || macs < MIN_MACS)) return null;
  if (!thread || threadMode !== matMul) {
    thread?.close();
    thread = new TowersThread(matMul);
    threadMode = matMul;
  }
  return thread;
}
