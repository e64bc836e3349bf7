/**
 * Encoded training data and its mini-batches: rows are gathered into reused
 * typed buffers, one batch of tensors at a time (bounded memory).
 */
import type * as TF from '@tensorflow/tfjs';
import type { EncodedRows } from '../features/encoder';
import type { SampleSet } from '../features/samples';
import type { Batch } from '../models/model';

/** Encoded rows with their labels. */
export interface TrainData {
  rows: EncodedRows;
  /** Number of categorical and numeric fields. */
  C: number;
  N: number;
  click: Float32Array;
  daction: Float32Array;
  buy: Float32Array;
}

/** Pair encoded rows with the labels of the same sample rows. */
export function trainData(s: SampleSet, rows: EncodedRows, idx: ArrayLike<number>, C: number, N: number): TrainData {
  const pick = (a: Float32Array) => Float32Array.from({ length: idx.length }, (_, i) => a[idx[i]]);
  return { rows, C, N, click: pick(s.labels.click), daction: pick(s.labels.daction), buy: pick(s.labels.buy) };
}

/** Builds batches of tensors from row positions, reusing its buffers. */
export class Batcher {
  private readonly cat: Int32Array;
  private readonly num: Float32Array;
  private readonly lab: Float32Array[];
  constructor(private readonly tf: typeof TF, private readonly d: TrainData, private readonly size: number) {
    this.cat = new Int32Array(size * d.C);
    this.num = new Float32Array(size * d.N);
    this.lab = [0, 1, 2].map(() => new Float32Array(size));
  }

  /** Tensors for rows `positions[s..e)`; dispose them with `disposeBatch`. */
  batch(positions: ArrayLike<number>, s: number, e: number): Batch {
    const { d, tf } = this;
    const b = e - s;
    for (let k = 0; k < b; k++) {
      const r = positions[s + k];
      this.cat.set(d.rows.cat.subarray(r * d.C, (r + 1) * d.C), k * d.C);
      this.num.set(d.rows.num.subarray(r * d.N, (r + 1) * d.N), k * d.N);
      this.lab[0][k] = d.click[r];
      this.lab[1][k] = d.daction[r];
      this.lab[2][k] = d.buy[r];
    }
    return {
      cat: tf.tensor2d(this.cat.slice(0, b * d.C), [b, d.C], 'int32'),
      num: tf.tensor2d(this.num.slice(0, b * d.N), [b, d.N]),
      click: tf.tensor1d(this.lab[0].slice(0, b)),
      daction: tf.tensor1d(this.lab[1].slice(0, b)),
      buy: tf.tensor1d(this.lab[2].slice(0, b)),
    };
  }
}

/** Free a batch's tensors. */
export function disposeBatch(b: Batch): void {
  b.cat.dispose(); b.num.dispose(); b.click.dispose(); b.daction.dispose(); b.buy.dispose();
}
