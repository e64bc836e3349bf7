/**
 * Typed arrays another thread can read where they are: in shared memory (a SharedArrayBuffer)
 * when asked, and the memory of arrays handed to a worker without copies.
 */

/** A typed array constructor (Int32Array, Float64Array, …). */
export type TypedArrayType<T> = { new (n: number): T; new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T; BYTES_PER_ELEMENT: number };

type Typed = Int32Array | Uint32Array | Float64Array | Float32Array | Uint8Array;

/** A zeroed typed array of `n` values, in shared memory when `shared`. */
export function typedArray<T extends Typed>(type: TypedArrayType<T>, n: number, shared: boolean): T {
  return shared ? new type(new SharedArrayBuffer(n * type.BYTES_PER_ELEMENT)) : new type(n);
}

/** A typed array in shared memory: itself, or a copy. */
export function inSharedMemory<T extends Typed>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = typedArray(a.constructor as TypedArrayType<T>, a.length, true);
  copy.set(a);
  return copy;
}

/** The memory of typed arrays to hand to another thread without copies (shared memory needs no handing over). */
export function transferables(arrays: (Typed | null)[]): ArrayBuffer[] {
  return [...new Set(arrays.flatMap((a) => (a && a.buffer instanceof ArrayBuffer ? [a.buffer] : [])))];
}

/**
 * Shared memory no longer needed, handed out again from its start as typed arrays, for arrays that are
 * written in full before they are read (their values are whatever was there). Memory already in use costs
 * no page faults; fresh memory costs them on first touch (0.4–1.6 ms per MB on the machines this was
 * measured on). What it cannot hold comes from fresh shared memory.
 */
export class SpareMemory {
  private at = 0;
  constructor(private readonly buffer: SharedArrayBuffer | null) {}

  /** `n` values of `type`: from the spare memory when it has room left, else fresh. */
  take<T extends Typed>(type: TypedArrayType<T>, n: number): T {
    const at = Math.ceil(this.at / 8) * 8, bytes = n * type.BYTES_PER_ELEMENT;
    if (!this.buffer || at + bytes > this.buffer.byteLength) return typedArray(type, n, true);
    this.at = at + bytes;
    return new type(this.buffer, at, n);
  }
}
