/**
 * WebAssembly SIMD versions of the element-wise loops of the fused training kernels (fused-dense.ts), running on
 * the tfjs wasm backend's own memory (its WebAssembly.Memory is imported, so they read and write tensors in
 * place: arguments are byte offsets on its heap). Each does the float32 operations of the JavaScript loop it
 * replaces in the same order (the same numbers: test/simd-kernels.test.ts), 4 values per instruction and without
 * bounds checks: on the `fast` preset these loops were half of a fused training step in JavaScript.
 * Source: src/simd-kernels.wat. After editing it, paste the output of this command (wabt is a dev dependency;
 * SIMD is on by default in its wat2wasm) as the bytes below:
 *   npx wat2wasm src/simd-kernels.wat --output=- | base64 -w0
 */

/** The module's functions (pointers are byte offsets of float32 arrays; see src/simd-kernels.wat). */
export interface SimdKernels {
  /** Hidden layer after its product, o a multiple of 4: z = h + bias; g = (z > 0 ? mask (or 1) : 0); h = z·g + 0. */
  hidden(h: number, bias: number, mask: number, g: number, rows: number, o: number, useMask: number): void;
  /** db = column sums of dz [rows, o] in row order, o a multiple of 4. */
  colsum(dz: number, db: number, rows: number, o: number): void;
  /** a *= b, n values. */
  mul(a: number, b: number, n: number): void;
  /** a += b, n values. */
  add(a: number, b: number, n: number): void;
  /** n dropout-mask values from sfc32 state (a, b, c, d): scale where the draw (unsigned) is below cut, else 0. */
  mask(out: number, n: number, a: number, b: number, c: number, d: number, cut: number, scale: number): void;
  /** One Adam step over n values (fused-adam.ts's adamStep), from x, g, m, v to xo, mo, vo; the scalars as float32. */
  adam(x: number, g: number, m: number, v: number, xo: number, mo: number, vo: number, n: number,
    b1: number, b2: number, c1: number, c2: number, o1: number, o2: number, eps: number, nlr: number): void;
}

/** The module's bytes, base64: src/simd-kernels.wat compiled (test/simd-kernels.test.ts checks that they match). */
export const SIMD_KERNELS_WASM = 'AGFzbQEAAAABNgVgB39/f39/f38AYAR/f39/AGADf39/AGAIf39/f39/f30AYBB/f39/f39/f319fX19fX19AAIPAQNlbnYGbWVtb3J5AgABAwcGAAECAgMEBy0GBmhpZGRlbgAABmNvbHN1bQABA211bAACA2FkZAADBG1hc2sABARhZGFtAAUKhAgGsQEDAn8EewJ/QwAAgD/9EyELQwAAAAD9EyEMIAVBAnQhDUEAIQcCQANAIAcgBE8NAUEAIQgCQANAIAggDU8NASAHIA1sIAhqIQ4gACAOav0ABAAgASAIav0ABAD95AEhCSAJIAz9RCAGBHsgAiAOav0ABAAFIAsL/U4hCiADIA5qIAr9CwQAIAAgDmogCSAK/eYBIAz95AH9CwQAIAhBEGohCAwACwsgB0EBaiEHDAALCwuRAQEEfyADQQJ0IQZBACEFAkADQCAFIAZPDQEgASAFakMAAAAA/RP9CwQAIAVBEGohBQwACwtBACEEAkADQCAEIAJPDQEgACAEIAZsaiEHQQAhBQJAA0AgBSAGTw0BIAEgBWogASAFav0ABAAgByAFav0ABAD95AH9CwQAIAVBEGohBQwACwsgBEEBaiEEDAALCwt1AQN/IAJBAnQhBCAEQXBxIQUCQANAIAMgBU8NASAAIANqIAAgA2r9AAQAIAEgA2r9AAQA/eYB/QsEACADQRBqIQMMAAsLAkADQCADIARPDQEgACADaiAAIANqKgIAIAEgA2oqAgCUOAIAIANBBGohAwwACwsLdQEDfyACQQJ0IQQgBEFwcSEFAkADQCADIAVPDQEgACADaiAAIANq/QAEACABIANq/QAEAP3kAf0LBAAgA0EQaiEDDAALCwJAA0AgAyAETw0BIAAgA2ogACADaioCACABIANqKgIAkjgCACADQQRqIQMMAAsLC2UBA38gAUECdCEKAkADQCAIIApPDQEgAiADaiAFaiEJIAVBAWohBSADIANBCXZzIQIgBCAEQQN0aiEDIARBFXcgCWohBCAAIAhqIAdDAAAAACAJIAZJGzgCACAIQQRqIQgMAAsLC+kCAwN/C3sDfSAI/RMhFiAJ/RMhFyAK/RMhGCAL/RMhGSAM/RMhGiAN/RMhGyAO/RMhHCAP/RMhHSAHQQJ0IREgEUFwcSESAkADQCAQIBJPDQEgASAQav0ABAAhEyACIBBq/QAEACAW/eYBIBMgGP3mAf3kASEUIAMgEGr9AAQAIBf95gEgEyAT/eYBIBn95gH95AEhFSAFIBBqIBT9CwQAIAYgEGogFf0LBAAgBCAQaiAUIBr95wEgFSAb/ecB/eMBIBz95AH95wEgHf3mASAAIBBq/QAEAP3kAf0LBAAgEEEQaiEQDAALCwJAA0AgECARTw0BIAEgEGoqAgAhHiACIBBqKgIAIAiUIB4gCpSSIR8gAyAQaioCACAJlCAeIB6UIAuUkiEgIAUgEGogHzgCACAGIBBqICA4AgAgBCAQaiAfIAyVICAgDZWRIA6SlSAPlCAAIBBqKgIAkjgCACAQQQRqIRAMAAsLCw==';

/** A WebAssembly.Memory (this project's TypeScript settings carry no WebAssembly types). */
export type WasmMemory = { readonly buffer: ArrayBuffer; grow(pages: number): number };
const WA = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;

/**
 * A module of ours (base64 bytes) instantiated on `memory` (its import env.memory), once per memory and module;
 * null where this runtime cannot compile it.
 */
export function moduleOnMemory<T>(bytes: string, memory: WasmMemory, cache: WeakMap<WasmMemory, T | null>): T | null {
  if (cache.has(memory)) return cache.get(memory)!;
  let exports: T | null = null;
  try {
    exports = new WA.Instance(new WA.Module(Buffer.from(bytes, 'base64')), { env: { memory } }).exports as T;
  } catch {
    exports = null;
  }
  cache.set(memory, exports);
  return exports;
}

const instances = new WeakMap<WasmMemory, SimdKernels | null>();

/** The kernels on `memory`, or null where WebAssembly SIMD is missing or BUYPATH_SIMD=0. */
export function simdKernels(memory: WasmMemory): SimdKernels | null {
  if (process.env.BUYPATH_SIMD === '0') return null;
  return moduleOnMemory(SIMD_KERNELS_WASM, memory, instances);
}
