/**
 * XGBoost (Chen & Guestrin, KDD 2016) through its C API, loaded with koffi:
 * the system's libxgboost (Debian: libxgboost0; macOS: Homebrew's xgboost),
 * or the library named by BUYPATH_XGBOOST_LIB. Boosting rounds run on
 * libuv's thread pool (koffi async calls), off the event loop.
 *
 * Reproducibility: XGBoost keeps its random engine (row subsampling, column
 * sampling) per thread, and a round runs on whichever pool thread is free, so a
 * seed applied once would govern only the thread that configured the booster.
 * Every Booster therefore sets `seed_per_iteration`: XGBoost re-seeds the engine
 * of the thread that runs round i from (seed, i) at the start of the round, and
 * the same seed gives the same trees whatever thread runs them (and the same
 * trees as Python XGBoost, whose rounds all run on one thread).
 */
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors';
import { prerequisites } from '../prerequisites';

// koffi is loaded lazily: only GBDT needs it.
type KoffiFn = ((...args: unknown[]) => unknown) & { async: (...args: unknown[]) => void };
interface Lib {
  last: () => string;
  createFromMat: KoffiFn; setFloatInfo: KoffiFn; setStrFeatureInfo: KoffiFn; freeMat: KoffiFn;
  create: KoffiFn; setParam: KoffiFn; updateOneIter: KoffiFn; evalOneIter: KoffiFn; predict: KoffiFn; save: KoffiFn; free: KoffiFn;
  decode: (ptr: unknown, type: string, len: number) => number[];
}

/** Where to look for libxgboost, in order. */
export function xgboostCandidates(): string[] {
  return prerequisites().candidates('xgboost'); // BUYPATH_XGBOOST_LIB first, then where Debian and Homebrew put it
}

let lib: Lib | undefined;

/** Load libxgboost, or throw with the install command. */
export function loadXgboost(): Lib {
  if (lib) return lib;
  const path = xgboostCandidates().find((p) => existsSync(p));
  if (!path) {
    throw new EnvironmentError(
      `XGBoost: expected libxgboost at BUYPATH_XGBOOST_LIB or one of ${xgboostCandidates().join(', ')}, got none. ` +
        'Install it: sudo apt-get install -y libxgboost0 (Debian/Ubuntu), brew install xgboost (macOS), or point BUYPATH_XGBOOST_LIB to libxgboost.so.',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi');
  const l = koffi.load(path);
  koffi.opaque('XGHandle');
  const f = (sig: string) => l.func(sig) as KoffiFn;
  lib = {
    last: f('const char *XGBGetLastError()') as unknown as () => string,
    createFromMat: f('int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ XGHandle **out)'),
    setFloatInfo: f('int XGDMatrixSetFloatInfo(XGHandle *handle, const char *field, const float *array, uint64_t len)'),
    setStrFeatureInfo: f('int XGDMatrixSetStrFeatureInfo(XGHandle *handle, const char *field, const char **features, uint64_t size)'),
    freeMat: f('int XGDMatrixFree(XGHandle *handle)'),
    create: f('int XGBoosterCreate(XGHandle **dmats, uint64_t len, _Out_ XGHandle **out)'),
    setParam: f('int XGBoosterSetParam(XGHandle *handle, const char *name, const char *value)'),
    updateOneIter: f('int XGBoosterUpdateOneIter(XGHandle *handle, int iter, XGHandle *dtrain)'),
    evalOneIter: f('int XGBoosterEvalOneIter(XGHandle *handle, int iter, XGHandle **dmats, const char **names, uint64_t len, _Out_ const char **out)'),
    predict: f('int XGBoosterPredict(XGHandle *handle, XGHandle *dmat, int option_mask, unsigned int ntree_limit, int training, _Out_ uint64_t *out_len, _Out_ const float **out_result)'),
    save: f('int XGBoosterSaveModel(XGHandle *handle, const char *fname)'),
    free: f('int XGBoosterFree(XGHandle *handle)'),
    decode: (ptr, type, len) => koffi.decode(ptr, type, len),
  };
  return lib;
}

function check(rc: unknown, what: string): void {
  if (rc !== 0) throw new EnvironmentError(`XGBoost ${what}: expected success, got error "${loadXgboost().last()}". Check the parameters and the installed libxgboost.`);
}

/** XGBoost's feature types: `q` a number, `c` a category (a non-negative integer code; XGBoost splits on sets of categories). */
export type FeatureType = 'q' | 'c';

/**
 * A dense matrix (row-major Float32Array, NaN = missing) with labels, owned by XGBoost until freed.
 * `featureTypes` marks categorical columns (`c`), as Python's DMatrix(feature_types=…, enable_categorical=True).
 */
export class DMatrix {
  readonly handle: unknown;
  constructor(data: Float32Array, readonly rows: number, readonly cols: number, labels?: Float32Array, weights?: Float32Array, featureTypes?: FeatureType[]) {
    const x = loadXgboost();
    const out = [null];
    check(x.createFromMat(data, rows, cols, NaN, out), 'XGDMatrixCreateFromMat');
    this.handle = out[0];
    if (labels) check(x.setFloatInfo(this.handle, 'label', labels, rows), 'set label');
    if (weights) check(x.setFloatInfo(this.handle, 'weight', weights, rows), 'set weight');
    if (featureTypes) {
      if (featureTypes.length !== cols) throw new EnvironmentError(`DMatrix featureTypes: expected ${cols} types (one per column), got ${featureTypes.length}. Pass one 'q' or 'c' per column.`);
      check(x.setStrFeatureInfo(this.handle, 'feature_type', featureTypes, cols), 'set feature_type');
    }
  }
  free(): void {
    loadXgboost().freeMat(this.handle);
  }
}

/** Parameters every Booster sets: sampling re-seeded from (seed, round) on the thread that runs the round. */
export const BOOSTER_FIXED_PARAMS = { seed_per_iteration: 1 } as const;

/** A gradient-boosted tree model. */
export class Booster {
  readonly handle: unknown;
  /** The parameters set on XGBoost: the caller's and BOOSTER_FIXED_PARAMS (pass these to another XGBoost to compare). */
  readonly params: Record<string, string | number>;
  /** `evals`: matrices to evaluate each round (XGBoost caches their predictions, so evaluation costs one round's trees). */
  constructor(train: DMatrix, params: Record<string, string | number>, evals: DMatrix[] = []) {
    const x = loadXgboost();
    const out = [null];
    const cache = [train, ...evals].map((m) => m.handle);
    check(x.create(cache, cache.length, out), 'XGBoosterCreate');
    this.handle = out[0];
    this.params = { ...params, ...BOOSTER_FIXED_PARAMS };
    for (const [k, v] of Object.entries(this.params)) check(x.setParam(this.handle, k, String(v)), `set ${k}`);
  }

  /**
   * One boosting round, on the thread pool. The first round runs on the main
   * thread: XGBoost configures the booster lazily there, and a first round on
   * a pool thread fails (its error message is thread-local and comes back empty).
   */
  updateAsync(iter: number, train: DMatrix): Promise<void> {
    if (iter === 0) {
      check(loadXgboost().updateOneIter(this.handle, iter, train.handle), 'XGBoosterUpdateOneIter');
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      loadXgboost().updateOneIter.async(this.handle, iter, train.handle, (err: unknown, rc: unknown) => {
        if (err) reject(err);
        else if (rc !== 0) reject(new EnvironmentError(`XGBoost update: got error "${loadXgboost().last()}".`));
        else resolve();
      });
    });
  }

  /**
   * The evaluation metric (the `eval_metric` parameter, e.g. logloss) of the model after round `iter` on `m`,
   * which must be among the Booster's `evals`.
   */
  evaluate(iter: number, m: DMatrix, name = 'valid'): number {
    const x = loadXgboost();
    const out = [null];
    check(x.evalOneIter(this.handle, iter, [m.handle], [name], 1, out), 'XGBoosterEvalOneIter');
    const text = String(out[0]);
    const value = Number(/:(-?[\d.eE+-]+|nan|inf)\s*$/.exec(text.trim())?.[1]);
    if (Number.isNaN(value) && !/nan/.test(text)) throw new EnvironmentError(`XGBoost evaluation: expected "[${iter}]\t${name}-metric:value", got "${text}". Check eval_metric.`);
    return value;
  }

  /** Predicted probabilities (binary:logistic) of the first `rounds` trees (all when 0 or absent). */
  predict(m: DMatrix, rounds = 0): Float32Array {
    const x = loadXgboost();
    const len = [0], res = [null];
    check(x.predict(this.handle, m.handle, 0, rounds, 0, len, res), 'XGBoosterPredict');
    return Float32Array.from(x.decode(res[0], 'float', Number(len[0])));
  }

  save(path: string): void {
    check(loadXgboost().save(this.handle, path), 'XGBoosterSaveModel');
  }

  free(): void {
    loadXgboost().free(this.handle);
  }
}
