/**
 * Matrix products for the wasm backend without BLAS: op(A)·op(B) in WebAssembly with fused multiply-adds
 * (relaxed SIMD's f32x4.relaxed_madd), on the tfjs wasm backend's own memory (imported: arguments are byte
 * offsets on its heap). tfjs's wasm kernel (XNNPACK) multiplies and adds in two instructions; one fused
 * instruction doubles what a core can do, and the kernel measured 43–49 GFLOP/s on one core of this project's
 * machine against XNNPACK's 27–30. Each value of C is the sum over k, in order, of products fused into the running
 * sum (one rounding each); relaxed_madd may run unfused where a CPU has no FMA, so results can differ in the last
 * bits between machines, as BLAS libraries' do. Source: src/fma-gemm.wat. After editing it, paste the output of
 * this command (wabt is a dev dependency) as the bytes below:
 *   npx wat2wasm --enable-relaxed-simd src/fma-gemm.wat --output=- | base64 -w0
 * Relaxed SIMD is part of WebAssembly 3.0 and on by default from Node 22; on Node 20 it sits behind V8's
 * --experimental-wasm-relaxed-simd, which `fmaGemm` turns on (V8 applies it to modules compiled afterwards).
 * `BUYPATH_FMA=0` turns the kernel off (then products run on XNNPACK).
 */
import { setFlagsFromString } from 'node:v8';
import { moduleOnMemory, type WasmMemory } from './simd-kernels';

/** The module's functions (byte offsets of float32 arrays; see src/fma-gemm.wat). */
export interface FmaGemm {
  pack_a(a: number, w: number, m: number, k: number, ta: number): void;
  pack_b(b: number, w: number, n: number, k: number, tb: number): void;
  gemm(wa: number, wb: number, c: number, m: number, n: number, k: number, t: number): void;
}

/** The module's bytes, base64: src/fma-gemm.wat compiled (test/fma-gemm.test.ts checks that they match). */
export const FMA_GEMM_WASM = 'AGFzbQEAAAABEwJgBX9/f39/AGAHf39/f39/fwACDwEDZW52Bm1lbW9yeQIAAQMEAwAAAQcaAwZwYWNrX2EAAAZwYWNrX2IAAQRnZW1tAAIKpQgDnwEBBn8gAkEDakECdiEGIAEhCgJAA0AgBSAGTw0BQQAhBwJAA0AgByADTw0BQQAhCAJAA0AgCEEETw0BIAVBAnQgCGohCSAKIAkgAkkEfSAAIAQEfyAHIAJsIAlqBSAJIANsIAdqC0ECdGoqAgAFQwAAAAALOAIAIApBBGohCiAIQQFqIQgMAAsLIAdBAWohBwwACwsgBUEBaiEFDAALCwvkAQEGfyACQQdqQQN2IQYgASEKAkADQCAFIAZPDQFBACEHAkADQCAHIANPDQEgBEUgBUEBakEDdCACTXEEQCAAIAcgAmwgBUEDdGpBAnRqIQkgCiAJ/QAEAP0LBAAgCiAJ/QAEEP0LBBAgCkEgaiEKBUEAIQgCQANAIAhBCE8NASAFQQN0IAhqIQkgCiAJIAJJBH0gACAEBH8gCSADbCAHagUgByACbCAJagtBAnRqKgIABUMAAAAACzgCACAKQQRqIQogCEEBaiEIDAALCwsgB0EBaiEHDAALCyAFQQFqIQUMAAsLC5sFAwd/DHsHfyADQQNqQQJ2IQkgBEEHakEDdiEKIARBAnQhGv0MAAAAAAAAAAAAAAAAAAAAACERAkADQCAHIAlPDQFBACEIAkADQCAIIApPDQEgESESIBEhEyARIRQgESEVIBEhFiARIRcgESEYIBEhGSAAIAcgBUEEdGxqIQsgASAIIAVBBXRsaiEMIAUhDQJAA0AgDUUNASAM/QAEACEPIAz9AAQQIRAgC/0JAgAhDiAOIA8gEv2FAiESIA4gECAT/YUCIRMgC/0JAgQhDiAOIA8gFP2FAiEUIA4gECAV/YUCIRUgC/0JAgghDiAOIA8gFv2FAiEWIA4gECAX/YUCIRcgC/0JAgwhDiAOIA8gGP2FAiEYIA4gECAZ/YUCIRkgC0EQaiELIAxBIGohDCANQQFrIQ0MAAsLIAIgB0ECdCAabCAIQQV0amohGyAHQQFqQQJ0IANNIAhBAWpBA3QgBE1xBEAgG0EAIBpsaiEcIBwgEv0LBAAgHCAT/QsEECAbQQEgGmxqIRwgHCAU/QsEACAcIBX9CwQQIBtBAiAabGohHCAcIBb9CwQAIBwgF/0LBBAgG0EDIBpsaiEcIBwgGP0LBAAgHCAZ/QsEEAUgBiAS/QsEACAGIBP9CwQQIAYgFP0LBCAgBiAV/QsEMCAGIBb9CwRAIAYgF/0LBFAgBiAY/QsEYCAGIBn9CwRwQQAhHQJAA0AgB0ECdCAdaiEfIB1BBE8gHyADT3INAUEAIR4CQANAIAhBA3QgHmohICAeQQhPICAgBE9yDQEgAiAfIARsICBqQQJ0aiAGIB1BA3QgHmpBAnRqKgIAOAIAIB5BAWohHgwACwsgHUEBaiEdDAALCwsgCEEBaiEIDAALCyAHQQFqIQcMAAsLCw==';

const WA = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;

let supported: boolean | undefined;

/** Whether this runtime compiles relaxed SIMD (turning on V8's flag for it where Node has it off). */
export function relaxedSimd(): boolean {
  if (supported !== undefined) return supported;
  const bytes = Buffer.from(FMA_GEMM_WASM, 'base64');
  supported = WA.validate(bytes);
  if (!supported) {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    supported = WA.validate(bytes);
  }
  return supported;
}

const instances = new WeakMap<WasmMemory, FmaGemm | null>();

/** The kernel on `memory`, or null where relaxed SIMD is missing or BUYPATH_FMA=0. */
export function fmaGemm(memory: WasmMemory): FmaGemm | null {
  if (process.env.BUYPATH_FMA === '0' || !relaxedSimd()) return null;
  return moduleOnMemory(FMA_GEMM_WASM, memory, instances);
}

/** Scratch floats `fmaProduct` needs for an m×n product over k: both packed operands and one 4×8 block. */
export function fmaScratch(m: number, n: number, k: number): number {
  return 4 * Math.ceil(m / 4) * k + 8 * Math.ceil(n / 8) * k + 32;
}

/** C = op(A)·op(B), C m×n row-major; `w`: byte offset of `fmaScratch(m, n, k)` floats. */
export function fmaProduct(g: FmaGemm, a: number, b: number, c: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, w: number): void {
  if (m === 0 || n === 0) return;
  const wb = w + 16 * Math.ceil(m / 4) * k, t = wb + 32 * Math.ceil(n / 8) * k;
  g.pack_a(a, w, m, k, transposeA ? 1 : 0);
  g.pack_b(b, wb, n, k, transposeB ? 1 : 0);
  g.gemm(w, wb, c, m, n, k, t);
}
