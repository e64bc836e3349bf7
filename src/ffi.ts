/**
 * koffi, loaded once and configured before any library is loaded through it
 * (koffi refuses new settings afterwards): synchronous calls run on a stack of
 * 8 MiB instead of koffi's 1 MiB, since DuckDB runs query work on the thread
 * that fetches a chunk (data/duck-chunks.ts). Null when koffi is not installed.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
let koffi: any | null | undefined;
/** Why koffi did not load ('' when it did). */
export let koffiError = '';

/** Stack for synchronous calls: what a thread gets by default on Linux. */
export const FFI_STACK_BYTES = 8 << 20;

export function loadKoffi(): any | null {
  if (koffi !== undefined) return koffi;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    koffi = require('koffi');
    const cfg = koffi.config();
    if (cfg.sync_stack_size < FFI_STACK_BYTES) koffi.config({ ...cfg, sync_stack_size: FFI_STACK_BYTES });
  } catch (e) {
    if (!koffi) koffiError = (e as Error).message.split('\n')[0];
    koffi ??= null;
  }
  return koffi;
}
