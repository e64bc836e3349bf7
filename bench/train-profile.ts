/**
 * `npm run bench -- train --profile`: where one training step's time goes, per model preset.
 * Phases are timed separately on the same batches (batch assembly; forward = the objective alone;
 * backward = gradients minus the forward; optimizer = applying Adam; bookkeeping = reading the loss
 * and freeing the batch; validation once per epoch, shown per step), then one step runs under
 * `tf.profile()` for the time per tfjs kernel and the number of kernel calls. Everything on the
 * wasm and cpu backends runs synchronously, so wall-clock time around a call is its cost.
 */
import type * as TF from '@tensorflow/tfjs';
import { Batcher, createModel, disposeBatch, validate, MODEL_CONFIGS, TRAIN_DEFAULTS, type ModelSpec, type TrainData } from '../src';
import { adamFor } from '../src/train/fused-adam';

/** One preset's profile: milliseconds per step by phase and by kernel. */
export interface StepProfile {
  preset: string;
  batch: number;
  steps: number;
  phases_ms: Record<string, number>;
  /** Per kernel: calls per step and milliseconds per step, most expensive first. */
  kernels: { kernel: string; calls: number; ms: number }[];
  /** Wall time of the profiled step, the kernels' share of it, and kernel calls per step. */
  profiled_step_ms: number;
  kernel_ms: number;
  kernel_calls: number;
}

/**
 * Profile `steps` training steps of ESM2 with `preset` on `train` (its first rows), after two warm-up steps.
 * `validationRows` rows are scored once, and that time is spread over an epoch of `epochRows` rows.
 */
export async function profileStep(tf: typeof TF, spec: ModelSpec, train: TrainData, validation: TrainData, preset: 'fast' | 'paper', steps: number, epochRows: number): Promise<StepProfile> {
  const config = MODEL_CONFIGS[preset];
  const bs = config.batchSize;
  const m = createModel('esm2', tf, spec, { config, seed: 1, lossWeights: TRAIN_DEFAULTS.lossWeights, oversample: 5 });
  const vars = m.weights().map((w) => w.variable);
  const optimizer = adamFor(tf, config.learningRate);
  const batcher = new Batcher(tf, train, bs);
  const order = Int32Array.from({ length: train.rows.n }, (_, i) => i);
  const nb = Math.max(1, Math.floor(train.rows.n / bs));
  const ms: Record<string, number> = { batch_assembly: 0, forward: 0, backward: 0, optimizer: 0, bookkeeping: 0 };
  const timed = <T>(phase: string, f: () => T): T => { const t0 = performance.now(); const r = f(); ms[phase] += performance.now() - t0; return r; };
  const step = (k: number, record: boolean) => {
    const s = (k % nb) * bs;
    const b = record ? timed('batch_assembly', () => batcher.batch(order, s, s + bs)) : batcher.batch(order, s, s + bs);
    if (record) timed('forward', () => tf.tidy(() => { m.objective(b).dataSync(); }));
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => m.objective(b), vars);
    if (record) ms.backward += performance.now() - t0;
    (record ? timed : (_: string, f: () => void) => f())('optimizer', () => { optimizer.applyGradients(grads); tf.dispose(grads); });
    (record ? timed : (_: string, f: () => void) => f())('bookkeeping', () => { value.dataSync(); value.dispose(); disposeBatch(b); });
  };
  step(0, false); step(1, false);
  for (let k = 0; k < steps; k++) step(k + 2, true);
  ms.backward -= ms.forward; // variableGrads ran the forward pass too
  const v0 = performance.now();
  validate(m, validation);
  const validationMs = performance.now() - v0;
  const phases_ms: Record<string, number> = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, +(v / steps).toFixed(3)]));
  phases_ms[`validation (${validation.rows.n} rows per ${epochRows}-row epoch)`] = +(validationMs / Math.ceil(epochRows / bs)).toFixed(3);
  // One step under tf.profile: time and calls per kernel.
  const b = batcher.batch(order, 0, bs);
  const p0 = performance.now();
  const info = await tf.profile(() => { const c = optimizer.minimize(() => m.objective(b), true, vars)!; c.dataSync(); c.dispose(); });
  const profiled = performance.now() - p0;
  disposeBatch(b);
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    // customGrad records its whole forward as one entry around the kernels it calls: count only registered kernels.
    if (!tf.getKernel(k.name, tf.getBackend())) continue;
    const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++; e.ms += Number(k.kernelTimeMs) || 0;
    byKernel.set(k.name, e);
  }
  const kernels = [...byKernel].map(([kernel, e]) => ({ kernel, calls: e.calls, ms: +e.ms.toFixed(3) })).sort((x, y) => y.ms - x.ms);
  optimizer.dispose();
  m.dispose();
  return {
    preset, batch: bs, steps, phases_ms, kernels, profiled_step_ms: +profiled.toFixed(3),
    kernel_ms: +kernels.reduce((s, k) => s + k.ms, 0).toFixed(3), kernel_calls: kernels.reduce((s, k) => s + k.calls, 0),
  };
}

/** The profile as text: phases with their share, then the top kernels. */
export function formatProfile(p: StepProfile, top = 12): string {
  const total = Object.values(p.phases_ms).reduce((s, v) => s + v, 0);
  const lines = [`${p.preset} preset, batch ${p.batch}, mean of ${p.steps} steps: ${total.toFixed(2)} ms per step`];
  for (const [k, v] of Object.entries(p.phases_ms)) lines.push(`  ${k.padEnd(44)} ${v.toFixed(2).padStart(8)} ms ${(100 * v / total).toFixed(0).padStart(3)}%`);
  lines.push(`  one step under tf.profile: ${p.profiled_step_ms.toFixed(2)} ms, ${p.kernel_calls} kernel calls, ${p.kernel_ms.toFixed(2)} ms inside kernels (${(100 * p.kernel_ms / p.profiled_step_ms).toFixed(0)}%)`);
  for (const k of p.kernels.slice(0, top)) lines.push(`    ${k.kernel.padEnd(22)} ${String(k.calls).padStart(4)} calls ${k.ms.toFixed(2).padStart(8)} ms`);
  return lines.join('\n');
}
