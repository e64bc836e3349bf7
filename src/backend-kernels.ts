/**
 * Kernels buypath registers on the JavaScript backends (wasm, cpu), where
 * tfjs lacks them or runs them too slowly for training:
 *
 * - UnsortedSegmentSum (the gradient of `gather`, i.e. of every embedding
 *   lookup): missing on wasm, and O(segments × rows) on cpu. Replaced by one
 *   scatter-add pass, O(rows × width).
 *
 * - BatchMatMul on wasm with a transposed operand (every backward pass of a
 *   dense layer) runs ~14× slower than without: XNNPACK's fast path only
 *   takes plain operands. The patched kernel transposes the operand
 *   explicitly with the wasm Transpose kernel (freed after) and takes the fast
 *   path. It wraps tfjs 4.22's kernel; `BUYPATH_WASM_PATCHES=0` turns it off.
 *
 * - Where a native BLAS is installed (OpenBLAS), BatchMatMul on wasm calls its
 *   cblas_sgemm directly on the wasm heap instead (src/native-blas.ts): the
 *   products that dominate training then run at PyTorch's CPU speed.
 *
 * tfjs-node (native TensorFlow) is never touched. Each kernel is tested for
 * equality with a reference and for tensor leaks (test/kernels.test.ts).
 */
import type * as TF from '@tensorflow/tfjs';
import { batchedSgemm, loadSgemm } from './native-blas';
import { fmaGemm, fmaProduct, fmaScratch } from './fma-gemm';
import type { CpuBackend as Cpu, TensorInfo, WasmBackend as Wasm, WasmHeap } from './wasm-heap';

type WasmBackend = Wasm<Float32Array | Int32Array> & WasmHeap;
type CpuBackend = Cpu<Float32Array | Int32Array>;

/** out[ids[i], :] += x[i, :] for ids in [0, numSegments); other ids are skipped, as in TensorFlow. */
export function scatterAdd(x: ArrayLike<number>, ids: ArrayLike<number>, inner: number, out: Float32Array): void {
  const n = ids.length, segs = out.length / inner;
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s < 0 || s >= segs) continue;
    const o = s * inner, xo = i * inner;
    for (let k = 0; k < inner; k++) out[o + k] += x[xo + k];
  }
}

function outShape(x: TensorInfo, numSegments: number): number[] {
  return [numSegments, ...x.shape.slice(1)];
}

const registered = new Set<string>();

/** Which matrix-product kernel runs on wasm: `blas`, `fma`, `transpose-fix` or `stock`. */
export let wasmMatMul: 'blas' | 'fma' | 'transpose-fix' | 'stock' = 'stock';

let stockConfig: TF.KernelConfig | undefined;

/**
 * Choose the wasm BatchMatMul kernel: `blas` (native BLAS, when one is
 * installed; else as `fma`), `fma` (buypath's WebAssembly product with fused
 * multiply-adds, fma-gemm.ts, where relaxed SIMD runs; else as
 * `transpose-fix`), `transpose-fix` (explicit transposes, then XNNPACK's fast
 * path) or `stock` (tfjs as shipped). Returns the mode now registered.
 */
export function setWasmMatMul(tf: typeof TF, mode: 'blas' | 'fma' | 'transpose-fix' | 'stock'): typeof wasmMatMul {
  stockConfig ??= tf.getKernel('BatchMatMul', 'wasm');
  const stock = stockConfig;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!stock || !transpose) return wasmMatMul;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  if (mode === 'stock') {
    tf.registerKernel(stock);
    return (wasmMatMul = 'stock');
  }
  const swapLast = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  const sgemm = mode === 'blas' ? loadSgemm() : null;
  const wasmBackend = tf.findBackend('wasm') as unknown as WasmBackend | undefined;
  const fma = !sgemm && (mode === 'blas' || mode === 'fma') && wasmBackend ? fmaGemm(wasmBackend.wasm.asm.memory) : null;
  const kernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => {
    const { transposeA, transposeB } = args.attrs;
    if (sgemm || fma) {
      const { a, b } = args.inputs;
      const w = args.backend as WasmBackend;
      const ra = a.shape.length, rb = b.shape.length;
      const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2], k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
      const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
      const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1), batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const batch = outer.reduce((x, y) => x * y, 1);
      // Only plain batches, or one side broadcast whole; other broadcasts go to the stock kernel.
      if (a.dtype === 'float32' && b.dtype === 'float32' && (batchA === batchB || batchA === 1 || batchB === 1) && batch === Math.max(batchA, batchB)) {
        const out = w.makeOutput([...outer, m, n], 'float32');
        const [av, bv, cv] = [w.typedArrayFromHeap(a), w.typedArrayFromHeap(b), w.typedArrayFromHeap(out)] as Float32Array[];
        if (av.length === batchA * m * k && bv.length === batchB * k * n && cv.length === batch * m * n) {
          if (sgemm) batchedSgemm(sgemm, av, bv, cv, batchA, batchB, m, n, k, Boolean(transposeA), Boolean(transposeB));
          else {
            const scratch = w.makeOutput([fmaScratch(m, n, k)], 'float32');
            const [pa, pb, pc, ps] = [a, b, out, scratch].map((t) => w.dataIdMap.get(t.dataId).memoryOffset);
            for (let i = 0; i < batch; i++) {
              fmaProduct(fma!, pa + 4 * (batchA === 1 ? 0 : i) * m * k, pb + 4 * (batchB === 1 ? 0 : i) * k * n, pc + 4 * i * m * n, m, n, k, Boolean(transposeA), Boolean(transposeB), ps);
            }
            w.disposeData(scratch.dataId);
          }
          return out;
        }
        w.disposeData(out.dataId);
      }
    }
    if (!transposeA && !transposeB) return stock.kernelFunc(args as never);
    const backend = args.backend as { disposeData(id: object): void };
    let { a, b } = args.inputs;
    const temps: TensorInfo[] = [];
    if (transposeA) temps.push((a = transpose.kernelFunc({ inputs: { x: a }, backend, attrs: { perm: swapLast(a.shape.length) } } as never) as TensorInfo));
    if (transposeB) temps.push((b = transpose.kernelFunc({ inputs: { x: b }, backend, attrs: { perm: swapLast(b.shape.length) } } as never) as TensorInfo));
    const out = stock.kernelFunc({ inputs: { a, b }, backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } } as never);
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  };
  tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: kernelFunc as unknown as TF.KernelFunc });
  return (wasmMatMul = sgemm ? 'blas' : fma ? 'fma' : 'transpose-fix');
}

/** Register buypath's kernels for a backend ('wasm' or 'cpu'); a no-op for others and on repeat calls. */
export function registerFastKernels(tf: typeof TF, backendName: string): void {
  if (registered.has(backendName) || (backendName !== 'wasm' && backendName !== 'cpu')) return;
  const kernelName = 'UnsortedSegmentSum';
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => {
    const { x, segmentIds } = inputs;
    const numSegments = attrs.numSegments as number;
    const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
    if (backendName === 'wasm') {
      const b = backend as WasmBackend;
      const out = b.makeOutput(outShape(x, numSegments), 'float32');
      const ov = b.typedArrayFromHeap(out) as Float32Array;
      ov.fill(0);
      scatterAdd(b.typedArrayFromHeap(x), b.typedArrayFromHeap(segmentIds), inner, ov);
      return out;
    }
    const b = backend as CpuBackend;
    const ov = new Float32Array(numSegments * inner);
    scatterAdd(b.data.get(x.dataId).values, b.data.get(segmentIds.dataId).values, inner, ov);
    return b.makeTensorInfo(outShape(x, numSegments), 'float32', ov);
  };
  const existing = tf.getKernel(kernelName, backendName);
  if (existing) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as TF.KernelFunc });
  if (backendName === 'wasm' && process.env.BUYPATH_WASM_PATCHES !== '0') setWasmMatMul(tf, 'blas');
  registered.add(backendName);
}
