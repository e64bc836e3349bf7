/**
 * Chooses the TensorFlow.js backend: tfjs-node (native libtensorflow) when it
 * is installed, then WebAssembly, then plain JavaScript (cpu). Every notebook
 * and CLI run prints which one runs.
 */
import type * as TF from '@tensorflow/tfjs';
import { registerFastKernels, wasmMatMul } from './backend-kernels';
import { blasPath } from './native-blas';

/** Backend names in order of preference. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
/** One backend name. */
export type BackendName = (typeof BACKENDS)[number];

/** What `initBackend` chose. */
export interface BackendInfo {
  /** The backend that runs. */
  name: BackendName;
  /** The tfjs version. */
  version: string;
  /** Why preferred backends were skipped. */
  skipped: string[];
  /** The tfjs module to use (tfjs-node's when it runs). */
  tf: typeof TF;
}

let chosen: BackendInfo | undefined;

/**
 * Initialise the best available backend (or `preferred`, or the
 * `BUYPATH_BACKEND` environment variable) and print one line saying which
 * runs. Later calls return the same choice.
 */
export async function initBackend(preferred?: BackendName, { quiet = false } = {}): Promise<BackendInfo> {
  const want = preferred ?? (process.env.BUYPATH_BACKEND as BackendName | undefined);
  if (chosen && (!want || chosen.name === want)) return chosen;
  const order = want ? [want, ...BACKENDS.filter((b) => b !== want)] : [...BACKENDS];
  const skipped: string[] = [];
  let tf: typeof TF | undefined;
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        tf = require('@tensorflow/tfjs-node') as typeof TF;
      } else {
        tf = tf ?? (require('@tensorflow/tfjs') as typeof TF);
        if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        registerFastKernels(tf, name);
        chosen = { name, version: tf.version.tfjs, skipped, tf };
        if (!quiet) {
          const why = skipped.length ? ` (skipped ${skipped.join('; ')})` : '';
          const mm = name === 'wasm' ? `; matMul ${wasmMatMul}${blasPath ? ` (${blasPath})` : ''}` : '';
          console.log(`buypath: tfjs backend ${name}, tfjs ${chosen.version}${why}${mm}`);
        }
        return chosen;
      }
      skipped.push(`${name}: setBackend returned false`);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      skipped.push(err.code === 'MODULE_NOT_FOUND' ? `${name}: not installed` : `${name}: ${err.message.split('\n')[0]}`);
    }
  }
  throw new Error(`tfjs backend: expected one of ${BACKENDS.join(', ')} to start, got none (${skipped.join('; ')}). Run npm ci to install @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm.`);
}
