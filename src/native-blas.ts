/**
 * Matrix products through a native BLAS (OpenBLAS's cblas_sgemm, loaded with
 * koffi) for the wasm backend: zero-copy on the wasm heap, multithreaded and
 * vectorised like PyTorch's CPU path. Used when a BLAS library is found
 * (BUYPATH_BLAS_LIB, or Debian's libopenblas0 / Homebrew's openblas);
 * `BUYPATH_BLAS=0` turns it off.
 */
import { existsSync } from 'node:fs';
import { loadKoffi } from './ffi';
import { prerequisites } from './prerequisites';

export type Sgemm = (order: number, ta: number, tb: number, m: number, n: number, k: number, alpha: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number) => void;

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

/** Where to look for a BLAS with cblas_sgemm, in order. */
export function blasCandidates(): string[] {
  return prerequisites().candidates('openblas'); // BUYPATH_BLAS_LIB first, then where Debian and Homebrew put it
}

let sgemm: Sgemm | null | undefined;
let setThreads: ((n: number) => void) | undefined;
let maxThreads = 1;
let currentThreads = -1;
/** Products smaller than this many multiply-adds run on one BLAS thread: waking the others costs more than it saves. */
export const SMALL_GEMM_MACS = 1 << 23;
/** Path of the BLAS in use, when one was loaded. */
export let blasPath: string | undefined;

/** cblas_sgemm of the first BLAS found, or null (BUYPATH_BLAS=0, none installed, or koffi missing). */
export function loadSgemm(): Sgemm | null {
  if (sgemm !== undefined) return sgemm;
  sgemm = null;
  if (process.env.BUYPATH_BLAS === '0') return sgemm;
  const path = blasCandidates().find((p) => existsSync(p));
  if (!path) return sgemm;
  try {
    const koffi = loadKoffi();
    if (!koffi) return sgemm;
    const lib = koffi.load(path);
    sgemm = lib.func('void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, _Inout_ float *c, int ldc)') as Sgemm;
    try {
      setThreads = lib.func('void openblas_set_num_threads(int n)') as (n: number) => void;
      maxThreads = (lib.func('int openblas_get_num_threads()') as () => number)();
    } catch {
      setThreads = undefined; // not OpenBLAS: leave threading to the library
    }
    blasPath = path;
  } catch {
    sgemm = null;
  }
  return sgemm;
}

/** The thread count OpenBLAS should use for one m×n×k product (one thread below SMALL_GEMM_MACS). */
function threadsFor(m: number, n: number, k: number): void {
  if (!setThreads) return;
  const want = m * n * k < SMALL_GEMM_MACS ? 1 : maxThreads;
  if (want !== currentThreads) setThreads((currentThreads = want));
}

/**
 * C[b] = op(A[b])·op(B[b]) for row-major batches; a batch dimension of 1
 * broadcasts. `a`, `b`, `c` are views (e.g. on the wasm heap).
 */
export function batchedSgemm(f: Sgemm, a: Float32Array, b: Float32Array, c: Float32Array,
  batchA: number, batchB: number, m: number, n: number, k: number, transA: boolean, transB: boolean): void {
  const batch = Math.max(batchA, batchB);
  const lda = transA ? m : k, ldb = transB ? k : n;
  threadsFor(m, n, k);
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? 0 : i, bi = batchB === 1 ? 0 : i;
    f(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1,
      a.subarray(ai * m * k, (ai + 1) * m * k), lda, b.subarray(bi * k * n, (bi + 1) * k * n), ldb, 0, c.subarray(i * m * n, (i + 1) * m * n), n);
  }
}

/** C = op(A)·op(B) for one row-major product; `a`, `b`, `c` hold exactly m·k, k·n and m·n values (views or plain arrays). */
export function sgemm1(f: Sgemm, a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean): void {
  threadsFor(m, n, k);
  f(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1, a, transA ? m : k, b, transB ? k : n, 0, c, n);
}
