/**
 * Kernels buypath registers on the JavaScript backends (wasm, cpu), where
 * tfjs lacks them or runs them too slowly for training:
 *
 * - UnsortedSegmentSum (the gradient of `gather`, i.e. of every embedding
 *   lookup): missing on wasm, and O(segments × rows) on cpu. Replaced by one
 *   scatter-add pass, O(rows × width).
 *
 * tfjs-node (native TensorFlow) is never touched. Each kernel is tested for
 * equality with a reference and for tensor leaks (test/kernels.test.ts).
 */
import type * as TF from '@tensorflow/tfjs';

interface TensorInfo { dataId: object; shape: number[]; dtype: string }
interface WasmBackend { typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array; makeOutput(shape: number[], dtype: string): TensorInfo }
interface CpuBackend { data: { get(id: object): { values: Float32Array | Int32Array } }; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo }

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
  registered.add(backendName);
}
