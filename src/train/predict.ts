/**
 * Prediction in batches: pCTR, pCTAVR, pCVR, pCTCVR per row (null where the
 * model does not predict it), and the model's loss over a data set.
 */
import type { ConversionModel } from '../models/model';
import { Batcher, disposeBatch, type TrainData } from './data';

/** Predicted probabilities per row. */
export interface Predictions {
  pctr: Float32Array | null;
  pctavr: Float32Array | null;
  pcvr: Float32Array;
  pctcvr: Float32Array | null;
}

/** Predict every row of `d`, `batchSize` rows at a time; no tensor outlives the call. */
export function predict(model: ConversionModel, d: TrainData, batchSize = 4096): Predictions & { loss: number } {
  const tf = model.tf;
  const n = d.rows.n;
  const out: Record<keyof Predictions, Float32Array | null> = { pctr: null, pctavr: null, pcvr: new Float32Array(n), pctcvr: null };
  const batcher = new Batcher(tf, d, batchSize);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  let lossSum = 0;
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const b = batcher.batch(all, s, e);
    tf.tidy(() => {
      const o = model.forward(b, false);
      lossSum += model.loss(o, b).dataSync()[0] * (e - s);
      for (const k of ['pctr', 'pctavr', 'pcvr', 'pctcvr'] as const) {
        const t = o[k];
        if (!t) continue;
        if (!out[k]) out[k] = new Float32Array(n);
        out[k]!.set(t.dataSync() as Float32Array, s);
      }
    });
    disposeBatch(b);
  }
  return { ...(out as unknown as Predictions), loss: n ? lossSum / n : NaN };
}
