/**
 * Fused dense layers for the wasm backend.
 *
 * - `BuypathTowers` / `BuypathTowersGrad`: whole MLP towers (dense + bias + ReLU + dropout per hidden
 *   layer, then one logit) over one shared input, forward in one kernel and backward in one kernel. ESM2's
 *   four towers are then 2 kernel calls per training step instead of about 120. The products run through
 *   cblas_sgemm on the kernel's arrays when a BLAS is loaded (`wasmMatMul === 'blas'`), otherwise through
 *   the registered wasm BatchMatMul kernel (XNNPACK, with buypath's transpose fix); bias, ReLU, dropout masks
 *   and their gradients run in WebAssembly SIMD on the heap (simd-kernels.ts; branch-free JavaScript loops
 *   where SIMD is missing or BUYPATH_SIMD=0). Same float32 operations in the same order as the unfused
 *   layers, so the same numbers bit for bit (test/fused-dense.test.ts compares values and gradients; the
 *   dropout masks are the same draws as `dropout` in models/layers.ts). On by default on wasm;
 *   `BUYPATH_FUSED=0` turns it off.
 *
 * - `BuypathDense` / `BuypathDenseGrad`: one layer, matMul + bias + ReLU in one kernel (BLAS only;
 *   opt-in with `BUYPATH_FUSED_DENSE=1`, kept for comparison). It used to be 10–50% slower than the
 *   unfused layers because its ReLU and ReLU-gradient loops branched on the sign of each value: on
 *   random activations every other branch is mispredicted (6 ns per value against 1 ns branch-free,
 *   measured on 64k values). Its loops are branch-free now.
 */
import type * as TF from '@tensorflow/tfjs';
import { batchedSgemm, loadSgemm, sgemm1, type Sgemm } from './native-blas';
import { wasmMatMul } from './backend-kernels';
import { Rng } from './random';
import { simdKernels, type SimdKernels, type WasmMemory } from './simd-kernels';
import { fmaGemm, fmaProduct, fmaScratch, type FmaGemm } from './fma-gemm';
import { towersThread, dropTowersThread } from './towers-thread';
import type { TensorInfo, WasmBackend } from './wasm-heap';

/** Names of the fused kernels registered on wasm. */
export const DENSE_KERNEL = 'BuypathDense';
export const DENSE_GRAD_KERNEL = 'BuypathDenseGrad';
export const TOWERS_KERNEL = 'BuypathTowers';
export const TOWERS_GRAD_KERNEL = 'BuypathTowersGrad';

type Args<A> = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: A };

/**
 * The inverted-dropout mask of `models/layers.ts`'s `dropout`: `n` values, each 1/(1−rate) or 0, from buypath's
 * seeded RNG (sfc32 over four words seeded from the stream, one 32-bit draw per unit).
 */
export function dropoutMask(n: number, rate: number, seed: number, mask = new Float32Array(n)): Float32Array {
  let [a, b, c, d] = sfc32State(seed);
  const keep = 1 - rate, scale = 1 / keep, cut = Math.floor(keep * 4294967296);
  for (let i = 0; i < n; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = ((c << 21) | (c >>> 11)) + t | 0;
    mask[i] = t >>> 0 < cut ? scale : 0;
  }
  return mask;
}

/** The four sfc32 words a dropout mask starts from: the first four 32-bit draws of buypath's RNG seeded with `seed`. */
function sfc32State(seed: number): [number, number, number, number] {
  const r = new Rng(seed);
  return [r.nextUint32() | 0, r.nextUint32() | 0, r.nextUint32() | 0, r.nextUint32() | 0];
}

/** The wasm backend's internals the fused kernels use: the heap, tensors' byte offsets on it. */
interface Heap extends WasmBackend {
  wasm: { asm: { memory: WasmMemory }; tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void } };
  dataIdMap: { get(id: object): { id: number; memoryOffset: number }; set(id: object, d: { id: number; memoryOffset: number; shape: number[]; dtype: string; refCount: number }): void; delete(id: object): void };
  dataIdNextNumber: number;
}

/**
 * The arithmetic of the towers kernels on byte offsets of the wasm heap: products (`gemm`), and the element-wise
 * loops in WebAssembly SIMD (simd-kernels.ts) or, where that is missing or a width is not a multiple of 4, in
 * JavaScript on fresh views (views of the heap go stale when it grows; offsets do not).
 */
class HeapOps {
  private readonly simd: SimdKernels | null;
  private readonly sg: Sgemm | null;
  private readonly fma: FmaGemm | null;
  private readonly mm: (a: Args<Record<string, unknown>>) => TensorInfo;
  private readonly temps: TensorInfo[] = [];
  constructor(tf: typeof TF, private readonly be: Heap) {
    this.simd = simdKernels(be.wasm.asm.memory);
    this.sg = wasmMatMul === 'blas' ? loadSgemm() : null;
    this.fma = wasmMatMul === 'fma' ? fmaGemm(be.wasm.asm.memory) : null;
    this.mm = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc as unknown as (a: Args<Record<string, unknown>>) => TensorInfo;
  }
  ptr(t: TensorInfo): number {
    return this.be.dataIdMap.get(t.dataId).memoryOffset;
  }
  f32(p: number, n: number): Float32Array {
    return new Float32Array(this.be.wasm.asm.memory.buffer, p, n);
  }
  /** A scratch array of n floats on the heap (freed by `free`). */
  temp(n: number): number {
    const t = this.be.makeOutput([Math.max(n, 1)], 'float32');
    this.temps.push(t);
    return this.ptr(t);
  }
  free(): void {
    for (const t of this.temps.splice(0)) this.be.disposeData(t.dataId);
  }
  /** Free `t` with the scratch arrays. */
  adopt(t: TensorInfo): void {
    this.temps.push(t);
  }
  /**
   * C = op(A)·op(B), C m×n: cblas_sgemm when matMul runs on BLAS, buypath's FMA product (fma-gemm.ts) when it runs
   * on that, else the registered wasm BatchMatMul kernel, its operands registered in place on the heap (no copies),
   * its result copied to C. The same calls as the registered kernel makes: the same numbers.
   */
  gemm(a: number, b: number, c: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void {
    if (this.sg) return sgemm1(this.sg, this.f32(a, m * k), this.f32(b, k * n), this.f32(c, m * n), m, n, k, transposeA, transposeB);
    if (this.fma) {
      const scratch = this.be.makeOutput([fmaScratch(m, n, k)], 'float32');
      fmaProduct(this.fma, a, b, c, m, n, k, transposeA, transposeB, this.ptr(scratch));
      return void this.be.disposeData(scratch.dataId);
    }
    const be = this.be;
    const ai = this.inPlace(a, transposeA ? [k, m] : [m, k]), bi = this.inPlace(b, transposeB ? [n, k] : [k, n]);
    try {
      const ci = this.mm({ inputs: { a: ai, b: bi }, backend: be, attrs: { transposeA, transposeB } });
      this.f32(c, m * n).set(this.f32(this.ptr(ci), m * n));
      be.disposeData(ci.dataId);
    } finally {
      for (const t of [ai, bi]) {
        be.wasm.tfjs.disposeData(be.dataIdMap.get(t.dataId).id);
        be.dataIdMap.delete(t.dataId);
      }
    }
  }
  /** A float32 tensor over heap bytes at `p`, registered as the backend's `move` registers one, without memory of its own (released in `gemm`). */
  private inPlace(p: number, shape: number[]): TensorInfo {
    const be = this.be, dataId = {}, id = be.dataIdNextNumber++;
    be.dataIdMap.set(dataId, { id, memoryOffset: p, shape, dtype: 'float32', refCount: 1 });
    be.wasm.tfjs.registerTensor(id, shape[0] * shape[1], p);
    return { dataId, shape, dtype: 'float32' };
  }
  /** Hidden layer after its product: z = h + bias; g = [z > 0]·mask (or [z > 0]); h = z·g (+0 where cut). */
  hidden(h: number, bias: number, mask: number | null, g: number, rows: number, o: number): void {
    if (this.simd && o % 4 === 0) return this.simd.hidden(h, bias, mask ?? 0, g, rows, o, mask === null ? 0 : 1);
    const [hv, bv, gv] = [this.f32(h, rows * o), this.f32(bias, o), this.f32(g, rows * o)];
    const mv = mask === null ? null : this.f32(mask, rows * o);
    for (let r = 0, k = 0; r < rows; r++) {
      for (let j = 0; j < o; j++, k++) {
        const z = Math.fround(hv[k] + bv[j]);
        const gk = mv ? +(z > 0) * mv[k] : +(z > 0);
        gv[k] = gk;
        hv[k] = z * gk + 0;
      }
    }
  }
  /** db = column sums of dz [rows, o], rows in order, float32 sums. */
  colsum(dz: number, db: number, rows: number, o: number): void {
    if (this.simd && o % 4 === 0) return this.simd.colsum(dz, db, rows, o);
    const [dv, bv] = [this.f32(dz, rows * o), this.f32(db, o)];
    bv.fill(0);
    for (let r = 0, k = 0; r < rows; r++) for (let j = 0; j < o; j++, k++) bv[j] += dv[k];
  }
  mul(a: number, b: number, n: number): void {
    if (this.simd) return this.simd.mul(a, b, n);
    const [av, bv] = [this.f32(a, n), this.f32(b, n)];
    for (let k = 0; k < n; k++) av[k] *= bv[k];
  }
  add(a: number, b: number, n: number): void {
    if (this.simd) return this.simd.add(a, b, n);
    const [av, bv] = [this.f32(a, n), this.f32(b, n)];
    for (let k = 0; k < n; k++) av[k] += bv[k];
  }
  /** `dropoutMask(n, rate, seed)` written at `out`. */
  mask(out: number, n: number, rate: number, seed: number): void {
    if (!this.simd) {
      dropoutMask(n, rate, seed, this.f32(out, n));
      return;
    }
    const keep = 1 - rate;
    this.simd.mask(out, n, ...sfc32State(seed), Math.floor(keep * 4294967296) | 0, 1 / keep);
  }
}

/** Attributes of the towers kernels: `sizes` [input, hidden…, 1]; per tower a dropout seed (−1: no dropout). */
interface TowersAttrs { towers: number; sizes: number[]; rate: number; seeds: number[] }

/** Values of one tower's saved activations per row: for each hidden layer, its output (after dropout) and its gate. */
function actsPerRow(sizes: number[]): number {
  let n = 0;
  for (let l = 1; l < sizes.length - 1; l++) n += 2 * sizes[l];
  return n;
}

/**
 * Forward of T towers on x [B, D]: per hidden layer z = h·W + b, gate g = [z > 0]·mask (mask 1/(1−rate) or 0, or 1
 * without dropout), h' = z·g; the last layer gives one logit per row. Writes logits [T, B] and the activations
 * (h', g per hidden layer, tower after tower) that the gradient needs. Arguments are heap offsets.
 */
function towersForward(ops: HeapOps, x: number, params: number[], logits: number, acts: number, B: number, a: TowersAttrs): void {
  const L = a.sizes.length - 1;
  const per = B * actsPerRow(a.sizes);
  const widest = Math.max(...a.sizes.slice(1, -1), 1);
  const mask = a.rate > 0 && a.seeds.some((s) => s >= 0) ? ops.temp(B * widest) : 0;
  for (let t = 0; t < a.towers; t++) {
    let inp = x, off = acts + 4 * t * per;
    for (let l = 0; l < L; l++) {
      const I = a.sizes[l], O = a.sizes[l + 1];
      const w = params[2 * (t * L + l)], bias = params[2 * (t * L + l) + 1];
      if (l === L - 1) {
        const z = logits + 4 * t * B;
        ops.gemm(inp, w, z, B, 1, I, false, false);
        const zv = ops.f32(z, B), b0 = ops.f32(bias, 1)[0];
        for (let r = 0; r < B; r++) zv[r] += b0;
        break;
      }
      const h = off, g = off + 4 * B * O;
      off += 8 * B * O;
      ops.gemm(inp, w, h, B, O, I, false, false);
      const dropout = a.seeds[t] >= 0 && a.rate > 0;
      if (dropout) ops.mask(mask, B * O, a.rate, a.seeds[t] + 7919 * l);
      ops.hidden(h, bias, dropout ? mask : null, g, B, O);
      inp = h;
    }
  }
}

/**
 * Backward of `towersForward`: from dlogits [T, B], the gradients of every weight and bias (dW = hᵀ·dz,
 * db = column sums of dz in row order, dh = dz·Wᵀ, dz = dh·g) and dx, the towers' dx summed from the last
 * tower to the first (the order tfjs's tape accumulates them). Arguments are heap offsets. With `parts`, tower t's dx
 * goes to parts[t] instead (the caller sums them).
 */
function towersBackward(ops: HeapOps, dlogits: number, x: number, acts: number, params: number[], dx: number, grads: number[], B: number, a: TowersAttrs, parts?: number[]): void {
  const L = a.sizes.length - 1, D = a.sizes[0];
  const per = B * actsPerRow(a.sizes);
  const offsets: number[] = [];
  for (let l = 0, o = 0; l < L - 1; l++) offsets.push(o), (o += 2 * B * a.sizes[l + 1]);
  const widest = Math.max(...a.sizes.slice(1, -1), 1);
  const dh = [ops.temp(B * widest), ops.temp(B * widest)];
  const part = a.towers > 1 ? ops.temp(B * D) : 0;
  for (let t = a.towers - 1; t >= 0; t--) {
    let dz = dlogits + 4 * t * B;
    for (let l = L - 1; l >= 0; l--) {
      const I = a.sizes[l], O = a.sizes[l + 1];
      const inp = l === 0 ? x : acts + 4 * (t * per + offsets[l - 1]);
      const w = params[2 * (t * L + l)], dw = grads[2 * (t * L + l)], db = grads[2 * (t * L + l) + 1];
      ops.gemm(inp, dz, dw, I, O, B, true, false);
      ops.colsum(dz, db, B, O);
      if (l === 0) {
        if (parts) ops.gemm(dz, w, parts[t], B, D, O, false, true);
        else if (t === a.towers - 1) ops.gemm(dz, w, dx, B, D, O, false, true);
        else {
          ops.gemm(dz, w, part, B, D, O, false, true);
          ops.add(dx, part, B * D);
        }
        break;
      }
      const next = dh[l & 1];
      ops.gemm(dz, w, next, B, I, O, false, true);
      ops.mul(next, acts + 4 * (t * per + offsets[l - 1] + B * I), B * I);
      dz = next;
    }
  }
}

function sizeOf(t: TensorInfo): number {
  return t.shape.reduce((s, n) => s * n, 1);
}

/** A tensor's values on the heap (a fresh view: views go stale when the heap grows). */
function heapView(ops: HeapOps, t: TensorInfo): Float32Array {
  return ops.f32(ops.ptr(t), sizeOf(t));
}

/** The attributes of towers [from, to). */
function someTowers(a: TowersAttrs, from: number, to: number): TowersAttrs {
  return { ...a, towers: to - from, seeds: a.seeds.slice(from, to) };
}

/** Multiply-adds of one tower per row. */
function towerMacs(sizes: number[]): number {
  let m = 0;
  for (let l = 0; l + 1 < sizes.length; l++) m += sizes[l] * sizes[l + 1];
  return m;
}

/** Attributes of a towers thread job: `keep` (forward), the key to keep the activations under for the backward; `kept`
 * (backward), the key they were kept under (0: they come as an input). */
type JobAttrs = TowersAttrs & { keep?: number; kept?: number };

/** On the towers thread: activations of forwards run under a gradient tape, by key, until their backward takes them. */
const kept = new Map<number, TensorInfo>();
/** Kept activations at most (the oldest go first; a backward that misses its own runs the forward again). */
const MAX_KEPT = 4;

/**
 * Run a job of towers-thread.ts on this thread's wasm heap (the towers thread's side), as the towers kernels do:
 * `forward` takes x and the towers' parameters and gives logits (the activations stay here under `keep`);
 * `backward` takes dlogits, x, the activations unless kept, and the parameters, and gives dx and the parameters' gradients.
 */
export function runTowersJob(tf: typeof TF, op: string, attrs: object, inputs: Float32Array[], outputs: Float32Array[]): void {
  const a = attrs as JobAttrs, be = tf.backend() as unknown as Heap, ops = new HeapOps(tf, be), D = a.sizes[0];
  try {
    const ins = inputs.map((v) => {
      const p = ops.temp(v.length);
      ops.f32(p, v.length).set(v);
      return p;
    });
    const outs = outputs.map((v) => ops.temp(v.length));
    if (op === 'forward') {
      const B = inputs[0].length / D, n = a.towers * B * actsPerRow(a.sizes);
      const acts = a.keep ? be.makeOutput([n], 'float32') : null;
      towersForward(ops, ins[0], ins.slice(1), outs[0], acts ? ops.ptr(acts) : ops.temp(n), B, a);
      if (acts) kept.set(a.keep!, acts);
      for (const [k, t] of kept) {
        if (kept.size <= MAX_KEPT) break;
        be.disposeData(t.dataId);
        kept.delete(k);
      }
    } else if (op === 'backward') {
      const B = inputs[1].length / D;
      const acts = a.kept ? kept.get(a.kept) : undefined;
      const params = ins.slice(a.kept ? 2 : 3);
      let pa = a.kept ? 0 : ins[2];
      if (acts) {
        kept.delete(a.kept!);
        ops.adopt(acts);
        pa = ops.ptr(acts);
      } else if (a.kept) {
        // Not kept (evicted, or another thread ran the forward): the same forward again, same numbers.
        pa = ops.temp(a.towers * B * actsPerRow(a.sizes));
        towersForward(ops, ins[1], params, ops.temp(a.towers * B), pa, B, a);
      }
      towersBackward(ops, ins[0], ins[1], pa, params, outs[0], outs.slice(1), B, a);
    } else throw new Error(`runTowersJob: expected op forward or backward, got ${op}`);
    outputs.forEach((v, i) => v.set(ops.f32(outs[i], v.length)));
  } finally {
    ops.free();
  }
}

/** Whether a gradient tape records now (tfjs's engine state: the kernels then keep what the backward needs). */
function taping(tf: typeof TF): boolean {
  return ((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth ?? 0) > 0;
}

/** Activations whose upper towers, from `split`, stayed on the towers thread under `key`: the data here holds only the lower ones. */
const remoteActs = new WeakMap<object, { split: number; key: number }>();

/** Data of the towers' activations: nothing writes them after the forward kernel. */
const sharedActs = new WeakSet<object>();

/**
 * tfjs clones what a custom gradient saves (Identity, a copy on wasm): 30 MB of activations per `paper` step. Clones of
 * the towers' activations share their memory instead (reference counted, as the wasm backend's Reshape shares); other
 * tensors are copied as before.
 */
function shareActivations(tf: typeof TF): void {
  const stock = tf.getKernel('Identity', 'wasm');
  if (!stock) return;
  const kernelFunc = (args: Args<Record<string, unknown>>) => {
    const x = args.inputs.x;
    if (!sharedActs.has(x.dataId)) return stock.kernelFunc(args as never);
    (args.backend as { incRef(id: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...stock, kernelFunc: kernelFunc as unknown as TF.KernelFunc });
}

/**
 * The towers kernels over `T` towers: the upper half on the towers thread (towers-thread.ts) where one runs,
 * the lower half here meanwhile; all here otherwise, or when the thread fails (it is then dropped).
 */
function registerTowers(tf: typeof TF): void {
  if (tf.getKernel(TOWERS_KERNEL, 'wasm')) return;
  shareActivations(tf);
  const paramList = (inputs: Record<string, TensorInfo>, a: TowersAttrs) =>
    Array.from({ length: 2 * a.towers * (a.sizes.length - 1) }, (_, i) => inputs[`p${i}`]);
  /** Towers [0, split) run here, [split, T) on the thread (split = T: no thread). */
  const splitOf = (a: TowersAttrs, B: number) => {
    const T = a.towers, half = T >> 1;
    if (T < 2) return { split: T, thread: null };
    const thread = towersThread(wasmMatMul, (T - half) * B * towerMacs(a.sizes));
    return { split: thread ? half : T, thread };
  };
  const forward = ({ inputs, backend, attrs }: Args<TowersAttrs>) => {
    const be = backend as Heap, x = inputs.x, B = x.shape[0], L = attrs.sizes.length - 1, T = attrs.towers;
    const ops = new HeapOps(tf, be);
    const per = B * actsPerRow(attrs.sizes);
    const outs = [be.makeOutput([T, B], 'float32'), be.makeOutput([T, per], 'float32')];
    sharedActs.add(outs[1].dataId);
    try {
      const ps = paramList(inputs, attrs), pp = ps.map((p) => ops.ptr(p)), px = ops.ptr(x), logits = ops.ptr(outs[0]), acts = ops.ptr(outs[1]);
      const { split, thread } = splitOf(attrs, B);
      const upper = someTowers(attrs, split, T), upperParams = pp.slice(2 * split * L);
      // Under a gradient tape the thread keeps its towers' activations for the backward (no copies back and forth).
      const keep = thread && taping(tf) ? be.dataIdMap.get(outs[1].dataId).id : 0;
      thread?.start('forward', { ...upper, keep }, [heapView(ops, x), ...ps.slice(2 * split * L).map((p) => heapView(ops, p))], [(T - split) * B]);
      towersForward(ops, px, pp.slice(0, 2 * split * L), logits, acts, B, someTowers(attrs, 0, split));
      if (!thread) return outs;
      // The thread's towers' rows here hold NaN, not stale numbers, while their activations stay there (this thread waits anyway).
      if (keep) ops.f32(acts + 4 * split * per, (T - split) * per).fill(NaN);
      try {
        const [got] = thread.finish();
        ops.f32(logits + 4 * split * B, got.length).set(got);
        if (keep) remoteActs.set(outs[1].dataId, { split, key: keep });
      } catch (e) {
        dropTowersThread(e as Error);
        towersForward(ops, px, upperParams, logits + 4 * split * B, acts + 4 * split * per, B, upper);
      }
    } finally {
      ops.free();
    }
    return outs;
  };
  const backward = ({ inputs, backend, attrs }: Args<TowersAttrs>) => {
    const be = backend as Heap, { dy, x, acts } = inputs, B = x.shape[0], L = attrs.sizes.length - 1, D = attrs.sizes[0], T = attrs.towers;
    const ops = new HeapOps(tf, be);
    const params = paramList(inputs, attrs);
    const outs = [x, ...params].map((t) => be.makeOutput(t.shape, 'float32'));
    try {
      const pp = params.map((p) => ops.ptr(p)), pg = outs.slice(1).map((t) => ops.ptr(t)), px = ops.ptr(x), pdy = ops.ptr(dy), pa = ops.ptr(acts), dx = ops.ptr(outs[0]);
      const per = B * actsPerRow(attrs.sizes);
      let remote = remoteActs.get(acts.dataId);
      /** The activations of towers [from, T) here, computed again (their forward ran on the thread, which cannot give them now). */
      const fetchRemote = () => {
        if (!remote) return;
        towersForward(ops, px, pp.slice(2 * remote.split * L), ops.temp((T - remote.split) * B), pa + 4 * remote.split * per, B, someTowers(attrs, remote.split, T));
        remoteActs.delete(acts.dataId);
        remote = undefined;
      };
      const { split, thread } = splitOf(attrs, B);
      if (remote && remote.split !== split) fetchRemote(); // the thread is off now (split = T), or splits otherwise
      if (!thread) {
        towersBackward(ops, pdy, px, pa, pp, dx, pg, B, attrs);
        return outs;
      }
      const upper = someTowers(attrs, split, T), upperParams = params.slice(2 * split * L);
      const kept = remote?.key ?? 0;
      thread.start('backward', { ...upper, kept }, [
        ops.f32(pdy + 4 * split * B, (T - split) * B), heapView(ops, x), ...(kept ? [] : [ops.f32(pa + 4 * split * per, (T - split) * per)]), ...upperParams.map((p) => heapView(ops, p)),
      ], [B * D, ...upperParams.map((p) => sizeOf(p))]);
      // This thread's towers write their dx apart; they are added after the thread's, in the order of one thread.
      const parts = Array.from({ length: split }, () => ops.temp(B * D));
      towersBackward(ops, pdy, px, pa, pp.slice(0, 2 * split * L), dx, pg.slice(0, 2 * split * L), B, someTowers(attrs, 0, split), parts);
      try {
        const got = thread.finish();
        ops.f32(dx, B * D).set(got[0]);
        got.slice(1).forEach((g, i) => ops.f32(pg[2 * split * L + i], g.length).set(g));
      } catch (e) {
        dropTowersThread(e as Error);
        fetchRemote();
        towersBackward(ops, pdy + 4 * split * B, px, pa + 4 * split * per, pp.slice(2 * split * L), dx, pg.slice(2 * split * L), B, upper);
      }
      for (let t = split - 1; t >= 0; t--) ops.add(dx, parts[t], B * D);
    } finally {
      ops.free();
    }
    return outs;
  };
  tf.registerKernel({ kernelName: TOWERS_KERNEL, backendName: 'wasm', kernelFunc: forward as unknown as TF.KernelFunc });
  tf.registerKernel({ kernelName: TOWERS_GRAD_KERNEL, backendName: 'wasm', kernelFunc: backward as unknown as TF.KernelFunc });
}

/** Whether whole towers run fused now: the wasm backend, unless BUYPATH_FUSED=0. */
export function fusedTowersActive(tf: typeof TF): boolean {
  return process.env.BUYPATH_FUSED !== '0' && tf.getBackend() === 'wasm' && Boolean(tf.getKernel('BatchMatMul', 'wasm'));
}

/** One tower's weights, layer by layer: kernel [in, out] and bias [out]; the last layer has one output. */
export type TowerParams = { w: TF.Tensor2D; b: TF.Tensor1D }[];

/**
 * Logits [T, B] of T towers of the same shape over x [B, D], as one kernel with a one-kernel gradient (to x and
 * every weight). `seeds[t]` is tower t's dropout seed (layer l draws its mask from seed + 7919·l, as `Tower.logits`);
 * undefined: no dropout.
 */
export function towersLogits(tf: typeof TF, x: TF.Tensor2D, towers: TowerParams[], rate: number, seeds: (number | undefined)[]): TF.Tensor2D {
  registerTowers(tf);
  const sizes = [x.shape[1], ...towers[0].map((l) => l.w.shape[1])];
  for (const t of towers) {
    if (t.length !== sizes.length - 1 || t.some((l, i) => l.w.shape[0] !== sizes[i] || l.w.shape[1] !== sizes[i + 1] || l.b.shape[0] !== sizes[i + 1])) {
      throw new Error(`towersLogits: expected towers of the same layer sizes ${sizes.join('→')}, got ${t.map((l) => l.w.shape.join('×')).join(', ')}`);
    }
  }
  if (sizes[sizes.length - 1] !== 1) throw new Error(`towersLogits: expected one output per tower, got ${sizes[sizes.length - 1]}`);
  const attrs: TowersAttrs = { towers: towers.length, sizes, rate, seeds: seeds.map((s) => (s === undefined ? -1 : s)) };
  const params = towers.flatMap((t) => t.flatMap((l) => [l.w, l.b] as TF.Tensor[]));
  const named = (ps: TF.Tensor[]) => Object.fromEntries(ps.map((p, i) => [`p${i}`, p]));
  const f = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as (t: TF.Tensor[]) => void;
    const [xi, ...ps] = args as TF.Tensor[];
    const [logits, acts] = tf.engine().runKernel(TOWERS_KERNEL, { x: xi, ...named(ps) }, attrs as never) as unknown as TF.Tensor[];
    save([xi, acts]);
    return {
      value: logits,
      gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) =>
        tf.engine().runKernel(TOWERS_GRAD_KERNEL, { dy, x: saved[0], acts: saved[1], ...named(ps) }, attrs as never) as unknown as TF.Tensor[],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: TF.Tensor[]) => TF.Tensor;
  return f(x, ...params) as TF.Tensor2D;
}

/** The unfused composition `towersLogits` replaces (for tests): per tower, relu(x·W + b) with dropout per hidden layer, then the logit. */
export function towersLogitsUnfused(tf: typeof TF, x: TF.Tensor2D, towers: TowerParams[], rate: number, seeds: (number | undefined)[]): TF.Tensor2D {
  return tf.stack(towers.map((t, ti) => {
    let h = x;
    t.forEach(({ w, b }, l) => {
      const hidden = l < t.length - 1;
      h = denseUnfused(tf, h, w, b, hidden);
      const seed = seeds[ti];
      if (hidden && seed !== undefined && rate > 0) h = tf.mul(h, tf.tensor(dropoutMask(h.size, rate, seed + 7919 * l), h.shape));
    });
    return h.reshape([-1]);
  })) as TF.Tensor2D;
}

let dz = new Float32Array(0);

function register(tf: typeof TF): boolean {
  if (tf.getKernel(DENSE_KERNEL, 'wasm')) return true;
  const sgemm = loadSgemm();
  if (!sgemm) return false;
  const forward = ({ inputs: { x, w, b }, backend, attrs }: Args<{ relu: boolean }>) => {
    const be = backend as WasmBackend;
    const [B, I] = x.shape, O = w.shape[1];
    const out = be.makeOutput([B, O], 'float32');
    const [xv, wv, bv, yv] = [x, w, b, out].map((t) => be.typedArrayFromHeap(t));
    batchedSgemm(sgemm as Sgemm, xv, wv, yv, 1, 1, B, O, I, false, false);
    const relu = attrs.relu;
    for (let r = 0, k = 0; r < B; r++) {
      for (let o = 0; o < O; o++, k++) {
        const t = Math.fround(yv[k] + bv[o]);
        yv[k] = relu ? t * +(t > 0) + 0 : t; // branch-free ReLU (+0 where cut)
      }
    }
    return out;
  };
  const backward = ({ inputs: { dy, x, w, y }, backend, attrs }: Args<{ relu: boolean }>) => {
    const be = backend as WasmBackend;
    const [B, I] = x.shape, O = w.shape[1];
    const outs = [be.makeOutput([B, I], 'float32'), be.makeOutput([I, O], 'float32'), be.makeOutput([O], 'float32')];
    const [dyv, xv, wv, yv] = [dy, x, w, y].map((t) => be.typedArrayFromHeap(t));
    const [dx, dw, db] = outs.map((t) => be.typedArrayFromHeap(t));
    let g = dyv;
    if (attrs.relu) {
      if (dz.length < B * O) dz = new Float32Array(B * O);
      g = dz.subarray(0, B * O);
      for (let k = 0; k < B * O; k++) g[k] = dyv[k] * +(yv[k] > 0); // tfjs: dy · step(x), branch-free
    }
    batchedSgemm(sgemm as Sgemm, g, wv, dx, 1, 1, B, I, O, false, true); // tfjs's matMul gradient: dy·Wᵀ
    batchedSgemm(sgemm as Sgemm, xv, g, dw, 1, 1, I, O, B, true, false); // and xᵀ·dy
    db.fill(0);
    for (let r = 0, k = 0; r < B; r++) for (let o = 0; o < O; o++, k++) db[o] += g[k]; // row order, float32 sums
    return outs;
  };
  tf.registerKernel({ kernelName: DENSE_KERNEL, backendName: 'wasm', kernelFunc: forward as unknown as TF.KernelFunc });
  tf.registerKernel({ kernelName: DENSE_GRAD_KERNEL, backendName: 'wasm', kernelFunc: backward as unknown as TF.KernelFunc });
  return true;
}

/** Whether single dense layers run fused now: BUYPATH_FUSED_DENSE=1, the wasm backend, and matMul on BLAS. */
export function fusedDenseActive(tf: typeof TF): boolean {
  return process.env.BUYPATH_FUSED_DENSE === '1' && tf.getBackend() === 'wasm' && wasmMatMul === 'blas' && register(tf);
}

/** act(x·W + b) as one kernel with a one-kernel gradient (see `fusedDenseActive`); `relu` false gives x·W + b. */
export function denseFused(tf: typeof TF, x: TF.Tensor2D, w: TF.Tensor2D, b: TF.Tensor1D, relu: boolean): TF.Tensor2D {
  if (tf.getBackend() !== 'wasm' || !register(tf)) {
    throw new Error(`denseFused: expected the wasm backend with a BLAS loaded, got backend ${tf.getBackend()}${loadSgemm() ? '' : ' and no BLAS'}. Call it only when fusedDenseActive(tf) is true (or use denseUnfused).`);
  }
  const f = tf.customGrad(((xi: TF.Tensor, wi: TF.Tensor, bi: TF.Tensor, save: (t: TF.Tensor[]) => void) => {
    const y = tf.engine().runKernel(DENSE_KERNEL, { x: xi, w: wi, b: bi }, { relu }) as TF.Tensor2D;
    save([xi, wi, y]);
    return {
      value: y,
      gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => tf.engine().runKernel(DENSE_GRAD_KERNEL, { dy, x: saved[0], w: saved[1], y: saved[2] }, { relu }) as unknown as TF.Tensor[],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: TF.Tensor[]) => TF.Tensor;
  return f(x, w, b) as TF.Tensor2D;
}

/** The unfused composition the fused layer replaces: relu?(matMul(x, W) + b). */
export function denseUnfused(tf: typeof TF, x: TF.Tensor2D, w: TF.Tensor2D, b: TF.Tensor1D, relu: boolean): TF.Tensor2D {
  const z = tf.add(tf.matMul(x, w), b) as TF.Tensor2D;
  return relu ? tf.relu(z) : z;
}
