/**
 * Adam with one fused kernel per variable. tfjs's Adam runs about fifteen element-wise kernels per
 * variable per step (moments, bias corrections, square root, update), each a dispatch with tensors
 * to track; on small models (the `fast` preset: 25 variables) that is most of a training step.
 * `BuypathAdam` does the same arithmetic in one pass over the variable, its gradient and its two
 * moments, on the wasm heap (wasm) or the typed arrays (cpu), in the same float32 operations in the
 * same order as tfjs's Adam, so the numbers are tfjs's (test/train/fused-adam.test.ts checks them bit for
 * bit against tf.train.adam). On wasm the pass runs in WebAssembly SIMD on the heap (simd-kernels.ts), for
 * variables of every size; without SIMD (or with BUYPATH_SIMD=0) it runs in JavaScript, and variables over
 * FUSED_ADAM_MAX_SIZE values keep tfjs's kernels. The optimizer is a tf.AdamOptimizer: its weights, checkpoints and
 * resume are unchanged. tfjs-node keeps tf.train.adam; `BUYPATH_FUSED_ADAM=0` turns it off.
 */
import type * as TF from '@tensorflow/tfjs';
import { simdKernels, type SimdKernels } from '../simd-kernels';
import type { CpuBackend, TensorInfo, WasmBackend as Wasm, WasmHeap } from '../wasm-heap';

/** Name of the fused Adam kernel registered on the wasm and cpu backends. */
export const ADAM_KERNEL = 'BuypathAdam';

/**
 * Without SIMD, variables with more values than this take tfjs's element-wise kernels instead (same numbers): measured on the
 * 2-core machine, one fused pass is 3× faster on the `fast` preset's variables and 10% slower on the `paper`
 * preset's 3.7M values, where SIMD beats the saved dispatches.
 */
export const FUSED_ADAM_MAX_SIZE = 1 << 16;

/** Settings of one fused Adam step (float32 scalars, as tfjs's Adam makes them). */
export interface AdamStepAttrs {
  beta1: number;
  beta2: number;
  /** 1 − beta1^t and 1 − beta2^t (the bias corrections, as float32). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  learningRate: number;
  epsilon: number;
}

const f = Math.fround;

/**
 * One Adam step from gradient `g`, with tfjs's float32 operations in tfjs's order, written to `xo`, `mo`, `vo`
 * (in place on `x`, `m`, `v` by default): m ← m·β1 + g·(1−β1); v ← v·β2 + g²·(1−β2);
 * x ← (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε) · (−lr) + x.
 */
export function adamStep(x: ArrayLike<number>, g: ArrayLike<number>, m: ArrayLike<number>, v: ArrayLike<number>, a: AdamStepAttrs,
  xo = x as Float32Array, mo = m as Float32Array, vo = v as Float32Array): void {
  const b1 = f(a.beta1), b2 = f(a.beta2), c1 = f(1 - a.beta1), c2 = f(1 - a.beta2);
  const o1 = f(a.oneMinusAccBeta1), o2 = f(a.oneMinusAccBeta2), eps = f(a.epsilon), nlr = f(-a.learningRate);
  for (let i = 0, n = x.length; i < n; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = f(f(f(f(mi / o1) / f(f(Math.sqrt(f(vi / o2))) + eps)) * nlr) + x[i]);
  }
}

/** The wasm backend as this kernel reads it: its heap may be missing (another backend). */
type WasmBackend = Wasm & Partial<Pick<WasmHeap, 'wasm'>> & Pick<WasmHeap, 'dataIdMap'>;

/** The SIMD Adam on the wasm heap (simd-kernels.ts), or null where WebAssembly SIMD is missing or BUYPATH_SIMD=0. */
function wasmSimd(backend: unknown): SimdKernels | null {
  const memory = (backend as WasmBackend).wasm?.asm?.memory;
  return memory ? simdKernels(memory) : null;
}

/** Register `BuypathAdam` (inputs x, g, m, v; outputs new x, m, v) on `backendName` ('wasm' or 'cpu'); false elsewhere. */
export function registerAdamKernel(tf: typeof TF, backendName: string): boolean {
  if (backendName !== 'wasm' && backendName !== 'cpu') return false;
  if (tf.getKernel(ADAM_KERNEL, backendName)) return true;
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: AdamStepAttrs }) => {
    const { x, g, m, v } = inputs;
    if (backendName === 'wasm') {
      const w = backend as WasmBackend;
      const outs = [x, m, v].map((t) => w.makeOutput(t.shape, 'float32'));
      const simd = wasmSimd(backend);
      if (simd) {
        const p = (t: TensorInfo) => w.dataIdMap.get(t.dataId).memoryOffset, a = attrs;
        simd.adam(p(x), p(g), p(m), p(v), p(outs[0]), p(outs[1]), p(outs[2]), x.shape.reduce((s, d) => s * d, 1),
          f(a.beta1), f(a.beta2), f(1 - a.beta1), f(1 - a.beta2), f(a.oneMinusAccBeta1), f(a.oneMinusAccBeta2), f(a.epsilon), f(-a.learningRate));
        return outs;
      }
      const [xo, mo, vo] = outs.map((t) => w.typedArrayFromHeap(t));
      const [xi, gi, mi, vi] = [x, g, m, v].map((t) => w.typedArrayFromHeap(t));
      adamStep(xi, gi, mi, vi, attrs, xo, mo, vo);
      return outs;
    }
    const c = backend as CpuBackend;
    const [xo, mo, vo] = [x, m, v].map((t) => new Float32Array(c.data.get(t.dataId).values.length));
    const [xi, gi, mi, vi] = [x, g, m, v].map((t) => c.data.get(t.dataId).values);
    adamStep(xi, gi, mi, vi, attrs, xo, mo, vo);
    return [c.makeTensorInfo(x.shape, 'float32', xo), c.makeTensorInfo(m.shape, 'float32', mo), c.makeTensorInfo(v.shape, 'float32', vo)];
  };
  tf.registerKernel({ kernelName: ADAM_KERNEL, backendName, kernelFunc: kernelFunc as unknown as TF.KernelFunc });
  return true;
}

type Slot = { originalName: string; variable: TF.Variable };
interface AdamInternals { beta1: number; beta2: number; epsilon: number; learningRate: number; accBeta1: TF.Variable; accBeta2: TF.Variable;
  accumulatedFirstMoment: Slot[]; accumulatedSecondMoment: Slot[]; incrementIterations(): void }

const classes = new WeakMap<object, new (lr: number) => TF.Optimizer>();

function fusedAdamClass(tf: typeof TF): new (lr: number) => TF.Optimizer {
  let C = classes.get(tf);
  if (C) return C;
  C = class FusedAdam extends tf.AdamOptimizer {
    constructor(lr: number) { super(lr, 0.9, 0.999); }
    override applyGradients(grads: TF.NamedTensorMap | { name: string; tensor: TF.Tensor }[]): void {
      const s = this as unknown as AdamInternals;
      const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
      const acc1 = s.accBeta1.dataSync()[0], acc2 = s.accBeta2.dataSync()[0];
      const attrs: AdamStepAttrs = { beta1: s.beta1, beta2: s.beta2, oneMinusAccBeta1: 1 - acc1, oneMinusAccBeta2: 1 - acc2, learningRate: s.learningRate, epsilon: s.epsilon };
      const vars = tf.engine().registeredVariables;
      const simd = tf.getBackend() === 'wasm' && wasmSimd(tf.backend());
      tf.tidy(() => {
        let oneMinusAccBeta1: TF.Tensor | undefined, oneMinusAccBeta2: TF.Tensor | undefined;
        names.forEach((name, i) => {
          const value = vars[name];
          s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          const g = Array.isArray(grads) ? grads[i].tensor : grads[name];
          if (g == null) return;
          const m = s.accumulatedFirstMoment[i].variable, v = s.accumulatedSecondMoment[i].variable;
          if (value.size > FUSED_ADAM_MAX_SIZE && !simd) {
            // tfjs's own composition (its SIMD kernels beat one scalar JavaScript pass on large variables); same numbers.
            const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1)), v1 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
            m.assign(m1); v.assign(v1);
            const step = tf.div(tf.div(m1, oneMinusAccBeta1 ??= tf.sub(1, s.accBeta1)), tf.add(tf.sqrt(tf.div(v1, oneMinusAccBeta2 ??= tf.sub(1, s.accBeta2))), s.epsilon));
            value.assign(tf.add(tf.mul(step, -s.learningRate), value));
            return;
          }
          const [xo, mo, vo] = tf.engine().runKernel(ADAM_KERNEL, { x: value, g, m, v }, attrs as unknown as TF.NamedAttrMap) as unknown as TF.Tensor[];
          m.assign(mo); v.assign(vo); value.assign(xo);
        });
        s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
        s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
      });
      s.incrementIterations();
    }
  } as unknown as new (lr: number) => TF.Optimizer;
  classes.set(tf, C);
  return C;
}

/**
 * Adam with tfjs's defaults (β1 0.9, β2 0.999, the backend's ε) at `learningRate`: the fused optimizer on
 * wasm and cpu, tf.train.adam on other backends or with `BUYPATH_FUSED_ADAM=0`.
 */
export function adamFor(tf: typeof TF, learningRate: number): TF.Optimizer {
  if (process.env.BUYPATH_FUSED_ADAM === '0' || !registerAdamKernel(tf, tf.getBackend())) return tf.train.adam(learningRate);
  return new (fusedAdamClass(tf))(learningRate);
}
