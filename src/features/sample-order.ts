/**
 * Which mined paths become training samples, when each sample happens, and
 * where the time split cuts: one set of rules shared by `buildSamples`, the
 * split and `trainingPaths`, so that the DAction choice reads exactly the
 * paths of the training rows.
 *
 * - Impression space (the log has impressions): one sample per impression;
 *   clicks without an impression are left out and counted (`no_impression`).
 *   Click space: one sample per clicked path.
 * - Every sample is anchored at its impression time (its click in click
 *   space): time order, the split and history features all use this anchor.
 * - Samples whose attribution window runs past the log's last event are left
 *   out and counted (`window_past_log_end`): their purchase may be cut off.
 */
import type { ColumnTable } from 'arquero';
import { TRAIN_DEFAULTS } from '../defaults';
import { OptionError } from '../errors';
import { PATH_FLAGS as F, censored, subsetPaths, type PathSet } from '../paths/path-set';

/** Samples left out of training and evaluation, by reason. */
export interface LeftOut {
  /** Clicked paths without an impression, in a log that has impressions. */
  no_impression: number;
  /** Paths whose attribution window runs past the last event of the log. */
  window_past_log_end: number;
}

/** The samples of a path set, in time order. */
export interface SampleOrder {
  space: 'impression' | 'click';
  /** Path index of each sample. */
  paths: Int32Array;
  /** Anchor time of each sample (its impression; its click in click space), ascending. */
  anchor: Float64Array;
  leftOut: LeftOut;
}

/**
 * Which paths are samples, anchored at their impressions and sorted by that time. `keepCensored`:
 * keep samples whose window runs past the log's end (scoring a log, where their labels are not used).
 */
export function sampleOrder(table: ColumnTable, paths: PathSet, { keepCensored = false } = {}): SampleOrder {
  if (paths.n && paths.row[0] < 0) throw new OptionError('samples: expected paths mined in memory (minePaths), got paths without feature rows (minePathsDuckDB). Mine with minePaths to train.');
  const space = paths.hasImpressions ? 'impression' : 'click';
  const ts = table.array('ts') as ArrayLike<number>;
  const leftOut: LeftOut = { no_impression: 0, window_past_log_end: 0 };
  const keep: number[] = [];
  const anchorOf = new Float64Array(paths.n);
  for (let p = 0; p < paths.n; p++) {
    const f = paths.flags[p];
    if (space === 'impression' ? !(f & F.IMPRESSION) : !(f & F.CLICK)) {
      if (f & F.CLICK) leftOut.no_impression++;
      continue;
    }
    if (!keepCensored && censored(paths.start[p], paths.window, paths.end)) {
      leftOut.window_past_log_end++;
      continue;
    }
    // The feature row is the impression (the click in click space); an impression logged after its click anchors at the click.
    anchorOf[p] = Math.min(ts[paths.row[p]], paths.start[p]);
    keep.push(p);
  }
  keep.sort((a, b) => anchorOf[a] - anchorOf[b] || a - b);
  return { space, paths: Int32Array.from(keep), anchor: Float64Array.from(keep, (p) => anchorOf[p]), leftOut };
}

/** Sizes of a time split of `n` samples: the earliest `train` share trains, the next `validation` share validates. */
export function splitSizes(n: number, { train, validation }: { train: number; validation: number }): { train: number; validation: number; test: number } {
  if (!(train > 0 && validation >= 0 && train + validation < 1)) {
    throw new OptionError(`split: expected train > 0, validation ≥ 0 and train + validation < 1, got ${train} and ${validation}. Pass e.g. 0.7 and 0.1.`);
  }
  const a = Math.floor(n * train), b = Math.floor(n * (train + validation));
  return { train: a, validation: b - a, test: n - b };
}

/** The paths of the training rows, and the time span they cover. */
export interface TrainingPaths {
  paths: PathSet;
  /** Anchor times of the first and last training sample, epoch seconds. */
  from: number;
  until: number;
  /** Training samples of all samples. */
  samples: number;
  of: number;
}

/**
 * The paths behind the training rows of the time split that `prepareTraining`
 * makes with the same `split` (samples do not depend on the DAction set, so
 * the split is known before it is chosen). Analyse these to choose DActions
 * from training data only.
 */
export function trainingPaths(table: ColumnTable, paths: PathSet, split: { train: number; validation: number } = TRAIN_DEFAULTS.split): TrainingPaths {
  const o = sampleOrder(table, paths);
  const { train } = splitSizes(o.paths.length, split);
  return { paths: subsetPaths(paths, o.paths.subarray(0, train)), from: train ? o.anchor[0] : NaN, until: train ? o.anchor[train - 1] : NaN, samples: train, of: o.paths.length };
}
