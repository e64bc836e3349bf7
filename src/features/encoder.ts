/**
 * Feature encoding fitted on training rows only: a vocabulary per categorical
 * field (values seen at least `minCount` times; index 0 is the
 * out-of-vocabulary bucket) and, for numeric fields, standardisation then
 * tanh (as in the ESM2 paper), missing values at the training mean.
 */
import type { SampleSet } from './samples';

/** A fitted encoder: serialisable, saved with models. */
export interface FeatureEncoder {
  categorical: { name: string; vocab: string[] }[];
  numeric: { name: string; mean: number; std: number }[];
  minCount: number;
}

/** Encoded rows: `cat[r * C + f]` vocabulary indices, `num[r * N + f]` transformed numbers. */
export interface EncodedRows {
  n: number;
  cat: Int32Array;
  num: Float32Array;
}

/** Fit vocabularies and normalisation on the given (training) rows. */
export function fitEncoder(s: SampleSet, rows: ArrayLike<number>, { minCount = 2 } = {}): FeatureEncoder {
  const categorical = Object.entries(s.categorical).map(([name, col]) => {
    const counts = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const v = col[rows[i]];
      if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const vocab = [...counts.entries()].filter(([, c]) => c >= minCount).map(([v]) => v).sort();
    return { name, vocab: ['<oov>', ...vocab] };
  });
  const numeric = Object.entries(s.numeric).map(([name, col]) => {
    let sum = 0, sum2 = 0, m = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = col[rows[i]];
      if (Number.isFinite(v)) { sum += v; sum2 += v * v; m++; }
    }
    const mean = m ? sum / m : 0;
    const std = m ? Math.sqrt(Math.max(sum2 / m - mean * mean, 0)) || 1 : 1;
    return { name, mean, std };
  });
  return { categorical, numeric, minCount };
}

/** Encode rows of a sample set with a fitted encoder (unseen values go to bucket 0). */
export function encodeRows(s: SampleSet, enc: FeatureEncoder, rows?: ArrayLike<number>): EncodedRows {
  const idx = rows ?? Int32Array.from({ length: s.n }, (_, i) => i);
  const n = idx.length, C = enc.categorical.length, N = enc.numeric.length;
  const cat = new Int32Array(n * C), num = new Float32Array(n * N);
  enc.categorical.forEach(({ name, vocab }, f) => {
    const index = new Map(vocab.map((v, i) => [v, i]));
    const col = s.categorical[name] ?? [];
    for (let r = 0; r < n; r++) {
      const v = col[idx[r]];
      cat[r * C + f] = v === null || v === undefined ? 0 : index.get(v) ?? 0;
    }
  });
  enc.numeric.forEach(({ name, mean, std }, f) => {
    const col = s.numeric[name];
    for (let r = 0; r < n; r++) {
      const v = col ? col[idx[r]] : NaN;
      num[r * N + f] = Number.isFinite(v) ? Math.tanh((v - mean) / std) : 0;
    }
  });
  return { n, cat, num };
}
