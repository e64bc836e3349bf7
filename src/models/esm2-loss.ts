/**
 * ESM2's impression-space loss as one kernel on the wasm backend (`BuypathEsm2Loss`), from the four towers'
 * logits [4, B] to the scalar loss, with the gradient to the logits computed in the same pass and applied
 * by one multiplication in the backward pass:
 *   y_t = sigmoid(logit_t); pCTR = y1, pCTAVR = y1·y2, pCVR = y2·y3 + (1−y2)·y4, pCTCVR = y1·pCVR;
 *   loss = w_ctr·BCE(pCTR, click) + w_ctavr·BCE(pCTAVR, daction) + w_ctcvr·BCE(pCTCVR, buy),
 * with BCE as `bce` in layers.ts (probabilities clipped to [BCE_CLIP, 1 − BCE_CLIP], no gradient outside the clip).
 * It replaces about 40 kernels forward and 60 backward. The products are float32 as in the unfused
 * composition; sigmoid and log run in double precision and are rounded to float32 (tfjs's wasm kernels use
 * float32 approximations), so values differ from the unfused composition by a few float32 ulps
 * (test/models/esm2-loss.test.ts: relative 1e-5 on the loss and its gradient).
 */
import type * as TF from '@tensorflow/tfjs';
import type { TensorInfo, WasmBackend } from '../wasm-heap';
import type { Batch } from './model';
import { BCE_CLIP } from './layers';

export const ESM2_LOSS_KERNEL = 'BuypathEsm2Loss';

type Weights = { ctr: number; ctavr: number; ctcvr: number };
type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Weights };

const f = Math.fround;
const LO = f(BCE_CLIP), HI = f(1 - BCE_CLIP);

/** Loss and its gradient to the logits (written to `grad`, [4, B]); see the module comment. */
export function esm2Loss(logits: Float32Array, click: ArrayLike<number>, daction: ArrayLike<number>, buy: ArrayLike<number>, w: Weights, grad: Float32Array): number {
  const B = click.length;
  let loss = 0;
  // One BCE term: adds to the loss, returns d(loss)/dp.
  const term = (p: number, y: number, weight: number) => {
    const q = p < LO ? LO : p > HI ? HI : p;
    const lq = f(Math.log(q)), l1q = f(Math.log(f(1 - q)));
    loss -= weight * (y * lq + (1 - y) * l1q);
    return p >= LO && p <= HI ? (-weight / B) * (y / q - (1 - y) / f(1 - q)) : 0;
  };
  for (let r = 0; r < B; r++) {
    const y1 = f(1 / (1 + Math.exp(-logits[r]))), y2 = f(1 / (1 + Math.exp(-logits[B + r])));
    const y3 = f(1 / (1 + Math.exp(-logits[2 * B + r]))), y4 = f(1 / (1 + Math.exp(-logits[3 * B + r])));
    const pcvr = f(f(y2 * y3) + f(f(1 - y2) * y4));
    const gCtr = term(y1, click[r], w.ctr), gCtavr = term(f(y1 * y2), daction[r], w.ctavr), gCtcvr = term(f(y1 * pcvr), buy[r], w.ctcvr);
    const dPcvr = gCtcvr * y1;
    const d1 = gCtr + gCtavr * y2 + gCtcvr * pcvr;
    const d2 = gCtavr * y1 + dPcvr * (y3 - y4);
    const d3 = dPcvr * y2, d4 = dPcvr * (1 - y2);
    grad[r] = d1 * y1 * (1 - y1);
    grad[B + r] = d2 * y2 * (1 - y2);
    grad[2 * B + r] = d3 * y3 * (1 - y3);
    grad[3 * B + r] = d4 * y4 * (1 - y4);
  }
  return loss / B;
}

function register(tf: typeof TF): void {
  if (tf.getKernel(ESM2_LOSS_KERNEL, 'wasm')) return;
  const kernelFunc = ({ inputs: { logits, click, daction, buy }, backend, attrs }: Args) => {
    const be = backend as WasmBackend;
    const outs = [be.makeOutput([], 'float32'), be.makeOutput(logits.shape, 'float32')];
    const [lv, gv] = outs.map((t) => be.typedArrayFromHeap(t));
    const [xv, cv, dv, bv] = [logits, click, daction, buy].map((t) => be.typedArrayFromHeap(t));
    lv[0] = esm2Loss(xv, cv, dv, bv, attrs, gv);
    return outs;
  };
  tf.registerKernel({ kernelName: ESM2_LOSS_KERNEL, backendName: 'wasm', kernelFunc: kernelFunc as unknown as TF.KernelFunc });
}

/** ESM2's impression-space loss from the towers' logits [4, B] (y1…y4) as one kernel (wasm only). */
export function esm2LossFused(tf: typeof TF, logits: TF.Tensor2D, b: Batch, w: Weights): TF.Scalar {
  register(tf);
  const fn = tf.customGrad(((l: TF.Tensor, save: (t: TF.Tensor[]) => void) => {
    const [loss, grad] = tf.engine().runKernel(ESM2_LOSS_KERNEL, { logits: l, click: b.click, daction: b.daction, buy: b.buy }, { ...w }) as unknown as TF.Tensor[];
    save([grad]);
    return { value: loss, gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => tf.mul(saved[0], dy) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (l: TF.Tensor) => TF.Tensor;
  return fn(logits) as TF.Scalar;
}
