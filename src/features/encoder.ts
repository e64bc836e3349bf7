/**
 * Feature encoding fitted on training rows only: a vocabulary per categorical
 * field (values seen at least `minCount` times; index 0 is the
 * out-of-vocabulary bucket) and, for numeric fields, standardisation then
 * tanh (as in the ESM2 paper), missing values at the training mean.
 * Non-negative, right-skewed fields (prices, counts: sample skewness above
 * `logSkew` on the training rows) are log1p-transformed before standardising,
 * so that tanh does not squash their long tail and crowd the bulk into a
 * narrow band.
 */
import { TRAIN_DEFAULTS } from '../defaults';
import type { SampleSet } from './samples';

/** A fitted encoder: serialisable, saved with models. */
export interface FeatureEncoder {
  categorical: { name: string; vocab: string[] }[];
  /** `log1p`: the field is log1p-transformed before standardising (absent on encoders saved before this option). */
  numeric: { name: string; mean: number; std: number; transform?: 'log1p' | 'none' }[];
  minCount: number;
}

/** Encoded rows: `cat[r * C + f]` vocabulary indices, `num[r * N + f]` transformed numbers. */
export interface EncodedRows {
  n: number;
  cat: Int32Array;
  num: Float32Array;
}

/** Fit vocabularies and normalisation on the given (training) rows. */
export function fitEncoder(s: SampleSet, rows: ArrayLike<number>, { minCount = TRAIN_DEFAULTS.minCount, logSkew = TRAIN_DEFAULTS.logSkew } = {}): FeatureEncoder {
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
    const raw = moments(col, rows, (v) => v);
    const transform: 'log1p' | 'none' = logSkew !== null && raw.min >= 0 && raw.skew > logSkew ? 'log1p' : 'none';
    const { mean, std } = transform === 'log1p' ? moments(col, rows, Math.log1p) : raw;
    return { name, mean, std, transform };
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
  enc.numeric.forEach((field, f) => {
    const col = s.numeric[field.name];
    const { mean, std } = field;
    for (let r = 0; r < n; r++) {
      const v = preTransform(field, col ? col[idx[r]] : NaN);
      num[r * N + f] = Number.isFinite(v) ? Math.tanh((v - mean) / std) : 0;
    }
  });
  return { n, cat, num };
}

/** A numeric field's value before standardising: log1p for the fields the encoder chose it for, else as is. */
export function preTransform(field: FeatureEncoder['numeric'][number], x: number): number {
  return field.transform === 'log1p' ? Math.log1p(x) : x;
}

/** Mean, standard deviation (1 when constant), minimum and sample skewness of the finite values of `rows`, after `f`. */
function moments(col: ArrayLike<number>, rows: ArrayLike<number>, f: (v: number) => number): { mean: number; std: number; min: number; skew: number } {
  let m = 0, sum = 0, min = Infinity;
  for (let i = 0; i < rows.length; i++) {
    const v = col[rows[i]];
    if (Number.isFinite(v)) { const x = f(v); sum += x; m++; if (x < min) min = x; }
  }
  if (!m) return { mean: 0, std: 1, min: 0, skew: 0 };
  const mean = sum / m;
  let m2 = 0, m3 = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = col[rows[i]];
    if (Number.isFinite(v)) { const d = f(v) - mean; m2 += d * d; m3 += d * d * d; }
  }
  const sd = Math.sqrt(m2 / m);
  return { mean, std: sd || 1, min, skew: sd ? m3 / m / sd ** 3 : 0 };
}
