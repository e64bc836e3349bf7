/**
 * A model's input as one kernel on the wasm backend: the embedding rows of every categorical field looked up
 * in the one shared table (field f's index i at row offsets[f] + i) and the numeric fields after them,
 * x = [table[cat + offsets] flattened, num], in place of add + reshape + gather + reshape + concat; its gradient
 * is one scatter-add of dx's embedding columns into a dense table gradient, in place of slice + reshape +
 * UnsortedSegmentSum. The values are copies and the sums run in the same order as the unfused gradient, so
 * both equal the unfused composition bit for bit (test/fused-embedding.test.ts). On wherever the fused
 * towers are (fused-dense.ts: the wasm backend, unless BUYPATH_FUSED=0).
 */
import type * as TF from '@tensorflow/tfjs';
import type { TensorInfo, WasmBackend as Wasm } from './wasm-heap';

export const EMBED_KERNEL = 'BuypathEmbed';
export const EMBED_GRAD_KERNEL = 'BuypathEmbedGrad';

type WasmBackend = Wasm<Float32Array | Int32Array>;
type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, number> };

function register(tf: typeof TF): void {
  if (tf.getKernel(EMBED_KERNEL, 'wasm')) return;
  const forward = ({ inputs: { table, cat, offsets, num }, backend }: Args) => {
    const be = backend as WasmBackend;
    const [B, C] = cat.shape, dim = table.shape[1], N = num.shape[1], D = C * dim + N;
    const out = be.makeOutput([B, D], 'float32');
    const tv = be.typedArrayFromHeap(table) as Float32Array, cv = be.typedArrayFromHeap(cat) as Int32Array, ov = be.typedArrayFromHeap(offsets) as Int32Array;
    const nv = be.typedArrayFromHeap(num) as Float32Array, xv = be.typedArrayFromHeap(out) as Float32Array;
    const rows = table.shape[0];
    for (let r = 0; r < B; r++) {
      let o = r * D;
      for (let f = 0; f < C; f++) {
        const row = cv[r * C + f] + ov[f];
        if (row < 0 || row >= rows) throw new Error(`embedding: expected indices in [0, ${rows}), got ${row} (row ${r}, field ${f})`);
        for (let k = row * dim, e = k + dim; k < e; k++) xv[o++] = tv[k];
      }
      for (let j = r * N, e = j + N; j < e; j++) xv[o++] = nv[j];
    }
    return out;
  };
  const backward = ({ inputs: { dx, cat, offsets }, backend, attrs }: Args) => {
    const be = backend as WasmBackend;
    const [B, C] = cat.shape, { rows, dim } = attrs, D = dx.shape[1];
    const out = be.makeOutput([rows, dim], 'float32');
    const gv = be.typedArrayFromHeap(out) as Float32Array, dv = be.typedArrayFromHeap(dx) as Float32Array;
    const cv = be.typedArrayFromHeap(cat) as Int32Array, ov = be.typedArrayFromHeap(offsets) as Int32Array;
    gv.fill(0);
    for (let r = 0; r < B; r++) {
      for (let f = 0; f < C; f++) {
        const o = (cv[r * C + f] + ov[f]) * dim, s = r * D + f * dim;
        for (let k = 0; k < dim; k++) gv[o + k] += dv[s + k];
      }
    }
    return out;
  };
  tf.registerKernel({ kernelName: EMBED_KERNEL, backendName: 'wasm', kernelFunc: forward as unknown as TF.KernelFunc });
  tf.registerKernel({ kernelName: EMBED_GRAD_KERNEL, backendName: 'wasm', kernelFunc: backward as unknown as TF.KernelFunc });
}

/**
 * [table[cat + offsets] (B × C·dim), num (B × N)] as one kernel with a one-kernel gradient to the table (wasm only;
 * cat, offsets and num get no gradient).
 */
export function embedFused(tf: typeof TF, table: TF.Tensor2D, cat: TF.Tensor2D, offsets: TF.Tensor1D, num: TF.Tensor2D): TF.Tensor2D {
  register(tf);
  const [rows, dim] = table.shape;
  const f = tf.customGrad(((t: TF.Tensor, _save: unknown) => ({
    value: tf.engine().runKernel(EMBED_KERNEL, { table: t, cat, offsets, num }, {}) as TF.Tensor2D,
    gradFunc: (dy: TF.Tensor) => tf.engine().runKernel(EMBED_GRAD_KERNEL, { dx: dy, cat, offsets }, { rows, dim }) as TF.Tensor,
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (t: TF.Tensor) => TF.Tensor;
  return f(table) as TF.Tensor2D;
}

/** The unfused composition `embedFused` replaces: concat([reshape(gather(table, cat + offsets)), num], 1). */
export function embedUnfused(tf: typeof TF, table: TF.Tensor2D, cat: TF.Tensor2D, offsets: TF.Tensor1D, num: TF.Tensor2D): TF.Tensor2D {
  const [b, c] = cat.shape;
  const e = c === 0 ? tf.zeros([b, 0]) : tf.gather(table, tf.add(cat, offsets).reshape([-1])).reshape([b, c * table.shape[1]]);
  return num.shape[1] ? (tf.concat([e, num], 1) as TF.Tensor2D) : (e as TF.Tensor2D);
}
