/**
 * The parts of tfjs's backends that this library's kernels use, which tfjs does not export as types: a
 * tensor as a kernel receives it, the wasm backend's views of tensors on its heap and their offsets there,
 * and the CPU backend's data. Each kernel file (backend-kernels, fused-dense, fused-embedding,
 * models/esm2-loss, train/fused-adam) takes the parts it needs.
 */
import type { WasmMemory } from './simd-kernels';

/** A tensor as a kernel receives it. */
export interface TensorInfo { dataId: object; shape: number[]; dtype: string }

/** The wasm backend's calls on its tensors (`T`: the element type the kernel reads). */
export interface WasmBackend<T extends Float32Array | Int32Array = Float32Array> {
  /** A view of a tensor's data on the wasm heap. */
  typedArrayFromHeap(t: TensorInfo): T;
  /** A new tensor on the heap, for the kernel to fill. */
  makeOutput(shape: number[], dtype: string): TensorInfo;
  disposeData(id: object): void;
}

/** The wasm backend's heap, and where each tensor's data starts on it. */
export interface WasmHeap {
  wasm: { asm: { memory: WasmMemory } };
  dataIdMap: { get(id: object): { memoryOffset: number } };
}

/** The CPU backend's data of a tensor, and a new tensor over given values. */
export interface CpuBackend<T extends Float32Array | Int32Array = Float32Array> {
  data: { get(id: object): { values: T } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}
