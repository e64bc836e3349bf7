/**
 * A fused dense layer for the wasm backend with a native BLAS: y = act(x·W + b) in one kernel
 * (`BuypathDense`: cblas_sgemm on the wasm heap, then bias and ReLU in one pass), and its gradient in
 * one kernel (`BuypathDenseGrad`: the ReLU mask, dx = dz·Wᵀ and dW = xᵀ·dz through the same sgemm calls
 * tfjs's matMul gradient makes, db as column sums in the order of the wasm Sum kernel). A tower layer
 * is then 2 kernel calls instead of about 9, with the same float32 numbers (test/fused-dense.test.ts
 * compares values and gradients with the unfused composition). Opt-in with `BUYPATH_FUSED_DENSE=1`, and only
 * while matMul runs on BLAS (`wasmMatMul === 'blas'`): on the loaded 2-core machine it measured no faster than
 * the unfused layers (a tower's forward + backward 10–50% slower, README Performance), so it is off by default.
 */
import type * as TF from '@tensorflow/tfjs';
import { batchedSgemm, loadSgemm } from './native-blas';
import { wasmMatMul } from './backend-kernels';

/** Names of the fused dense kernels registered on wasm. */
export const DENSE_KERNEL = 'BuypathDense';
export const DENSE_GRAD_KERNEL = 'BuypathDenseGrad';

interface TensorInfo { dataId: object; shape: number[]; dtype: string }
interface WasmBackend { typedArrayFromHeap(t: TensorInfo): Float32Array; makeOutput(shape: number[], dtype: string): TensorInfo }
type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: { relu: boolean } };

let dz = new Float32Array(0);

function register(tf: typeof TF): boolean {
  if (tf.getKernel(DENSE_KERNEL, 'wasm')) return true;
  const sgemm = loadSgemm();
  if (!sgemm) return false;
  const forward = ({ inputs: { x, w, b }, backend, attrs }: Args) => {
    const be = backend as WasmBackend;
    const [B, I] = x.shape, O = w.shape[1];
    const out = be.makeOutput([B, O], 'float32');
    const [xv, wv, bv, yv] = [x, w, b, out].map((t) => be.typedArrayFromHeap(t));
    batchedSgemm(sgemm, xv, wv, yv, 1, 1, B, O, I, false, false);
    for (let r = 0, k = 0; r < B; r++) {
      for (let o = 0; o < O; o++, k++) {
        const t = yv[k] + bv[o];
        yv[k] = attrs.relu && !(Math.fround(t) > 0) ? 0 : t;
      }
    }
    return out;
  };
  const backward = ({ inputs: { dy, x, w, y }, backend, attrs }: Args) => {
    const be = backend as WasmBackend;
    const [B, I] = x.shape, O = w.shape[1];
    const outs = [be.makeOutput([B, I], 'float32'), be.makeOutput([I, O], 'float32'), be.makeOutput([O], 'float32')];
    const [dyv, xv, wv, yv] = [dy, x, w, y].map((t) => be.typedArrayFromHeap(t));
    const [dx, dw, db] = outs.map((t) => be.typedArrayFromHeap(t));
    let g = dyv;
    if (attrs.relu) {
      if (dz.length < B * O) dz = new Float32Array(B * O);
      g = dz.subarray(0, B * O);
      for (let k = 0; k < B * O; k++) g[k] = yv[k] > 0 ? dyv[k] : dyv[k] * 0; // tfjs: dy · step(x)
    }
    batchedSgemm(sgemm, g, wv, dx, 1, 1, B, I, O, false, true); // tfjs's matMul gradient: dy·Wᵀ
    batchedSgemm(sgemm, xv, g, dw, 1, 1, I, O, B, true, false); // and xᵀ·dy
    db.fill(0);
    for (let r = 0, k = 0; r < B; r++) for (let o = 0; o < O; o++, k++) db[o] += g[k]; // row order, float32 sums
    return outs;
  };
  tf.registerKernel({ kernelName: DENSE_KERNEL, backendName: 'wasm', kernelFunc: forward as unknown as TF.KernelFunc });
  tf.registerKernel({ kernelName: DENSE_GRAD_KERNEL, backendName: 'wasm', kernelFunc: backward as unknown as TF.KernelFunc });
  return true;
}

/** Whether dense layers run fused now: BUYPATH_FUSED_DENSE=1, the wasm backend, and matMul on BLAS. */
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
