/**
 * One seeded random number generator for every random choice in buypath
 * (sampling, splits, shuffles, simulator draws, tfjs initialiser seeds).
 *
 * The generator is sfc32 seeded through splitmix32; `fork(label)` derives an
 * independent stream from the seed and a label, so that adding draws to one
 * part of a pipeline does not change another part.
 */

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t = t ^ (t >>> 15);
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

/** 32-bit FNV-1a hash of a string, used to derive stream seeds from labels. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The whole state of an `Rng`: its seed, sfc32's four words and the spare normal draw (JSON-safe, for checkpoints). */
export interface RngState {
  seed: number;
  words: [number, number, number, number];
  spare: number | null;
}

/** A seeded random stream. */
export class Rng {
  /** The seed this stream was created with (recorded in results). */
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`Rng seed: expected a finite number, got ${seed}. Pass an integer seed such as 1.`);
    }
    this.seed = seed;
    const sm = splitmix32(Math.floor(seed) ^ 0x5bd1e995);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The stream's state now: a stream restored from it continues with the same draws. */
  state(): RngState {
    return { seed: this.seed, words: [this.a, this.b, this.c, this.d], spare: this.spare };
  }

  /** A stream that continues exactly where the stream whose `state()` this is stood. */
  static fromState(s: RngState): Rng {
    const ok = s && Number.isFinite(s.seed) && Array.isArray(s.words) && s.words.length === 4 && s.words.every((w) => Number.isInteger(w)) &&
      (s.spare === null || Number.isFinite(s.spare));
    if (!ok) {
      throw new RangeError(`Rng state: expected { seed, words: four 32-bit integers, spare: number or null } as written by Rng.state(), got ${JSON.stringify(s)}. Save the state with rng.state().`);
    }
    const r = new Rng(s.seed);
    [r.a, r.b, r.c, r.d] = s.words.map((w) => w | 0);
    r.spare = s.spare;
    return r;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal draw (Marsaglia polar method). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return mean + sd * s;
    }
    let u: number, v: number, s: number;
    do {
      u = this.uniform() * 2 - 1;
      v = this.uniform() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return mean + sd * u * m;
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** An independent stream derived from this stream's seed and a label. */
  fork(label: string): Rng {
    return new Rng(hashString(label, hashString(String(this.seed))));
  }

  /** A 31-bit integer seed derived from this stream's seed and a label (e.g. for tfjs initialisers). */
  seedFor(label: string): number {
    return hashString(label, hashString(String(this.seed))) & 0x7fffffff;
  }
}

/** Create a seeded stream. */
export function rng(seed: number): Rng {
  return new Rng(seed);
}
