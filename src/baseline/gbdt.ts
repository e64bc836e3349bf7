/**
 * The production-style GBDT baseline of the ESM2 paper (Wen et al., SIGIR
 * 2020, Section 4.2), with XGBoost: one model for CVR trained on clicked rows,
 * one for CTCVR trained on all impressions, on the same samples and time split
 * as the deep models. Categorical fields are XGBoost categories (codes of the
 * vocabulary fitted on training rows only; unseen and rare values share code 0),
 * missing values stay missing (NaN) and numbers are untransformed; the number of
 * trees and the kind of categorical split (one category against the rest, or
 * partitions) are chosen on the validation rows (their log-loss).
 */
import { cpus } from 'node:os';
import { GBDT_DEFAULTS, withDefaults } from '../defaults';
import { OptionError } from '../errors';
import type { TrainData } from '../train/data';
import type { Prepared } from '../train/pipeline';
import type { Predictions } from '../train/predict';
import { Booster, DMatrix, type FeatureType } from './xgboost';

/** GBDT settings (see GBDT_DEFAULTS). */
export type GbdtOptions = Partial<typeof GBDT_DEFAULTS>;

/** One split for XGBoost: `n` rows × the data's columns, row-major, NaN = missing; and its labels. */
export interface GbdtSplit {
  X: Float32Array;
  n: number;
  click: Float32Array;
  buy: Float32Array;
}

/** The three splits with their column names and XGBoost feature types. */
export interface GbdtData {
  columns: string[];
  featureTypes: FeatureType[];
  train: GbdtSplit;
  validation: GbdtSplit;
  test: GbdtSplit;
}

/** The encoding buypath used before issue 12: vocabulary codes as numbers, tanh-standardised numbers with missing at 0. */
function ordinalSplit(d: TrainData): GbdtSplit {
  const w = d.C + d.N;
  const X = new Float32Array(d.rows.n * w);
  for (let r = 0; r < d.rows.n; r++) {
    for (let c = 0; c < d.C; c++) X[r * w + c] = d.rows.cat[r * d.C + c];
    for (let c = 0; c < d.N; c++) X[r * w + d.C + c] = d.rows.num[r * d.N + c];
  }
  return { X, n: d.rows.n, click: d.click, buy: d.buy };
}

/**
 * XGBoost matrices of prepared samples. `native` (default): categorical fields as categories, coded by the
 * encoder's vocabulary (fitted on training rows; code 0 for values unseen or rarer than minCount there), missing
 * values (null, NaN) as missing, numeric fields as they are in the log (trees need no scaling). `ordinal`: the
 * deep models' encoded inputs as plain numbers (the handicapped encoding, kept for comparison).
 */
export function gbdtData(p: Prepared, encoding: 'native' | 'ordinal' = GBDT_DEFAULTS.encoding): GbdtData {
  const cats = p.encoder.categorical, nums = p.encoder.numeric;
  const columns = [...cats.map((c) => c.name), ...nums.map((f) => f.name)];
  if (encoding === 'ordinal') {
    return { columns, featureTypes: columns.map(() => 'q'), train: ordinalSplit(p.data.train), validation: ordinalSplit(p.data.validation), test: ordinalSplit(p.data.test) };
  }
  if (encoding !== 'native') throw new OptionError(`GBDT encoding: expected native or ordinal, got "${encoding}".`);
  const s = p.samples, w = columns.length;
  const codes = cats.map(({ vocab }) => new Map(vocab.map((v, i) => [v, i])));
  const split = (idx: Int32Array, d: TrainData): GbdtSplit => {
    const X = new Float32Array(idx.length * w);
    cats.forEach(({ name }, f) => {
      const col = s.categorical[name];
      for (let k = 0; k < idx.length; k++) {
        const v = col[idx[k]];
        X[k * w + f] = v === null || v === undefined ? NaN : codes[f].get(v) ?? 0;
      }
    });
    nums.forEach(({ name }, f) => {
      const col = s.numeric[name];
      for (let k = 0; k < idx.length; k++) {
        const v = col[idx[k]];
        X[k * w + cats.length + f] = Number.isFinite(v) ? v : NaN;
      }
    });
    return { X, n: idx.length, click: d.click, buy: d.buy };
  };
  return {
    columns, featureTypes: [...cats.map((): FeatureType => 'c'), ...nums.map((): FeatureType => 'q')],
    train: split(p.split.train, p.data.train), validation: split(p.split.validation, p.data.validation), test: split(p.split.test, p.data.test),
  };
}

/** Rows `rows` of a split's matrix. */
function subMatrix(g: GbdtSplit, rows: Int32Array, w: number): Float32Array {
  const X = new Float32Array(rows.length * w);
  for (let k = 0; k < rows.length; k++) X.set(g.X.subarray(rows[k] * w, (rows[k] + 1) * w), k * w);
  return X;
}

/** The XGBoost parameters of one GBDT (also what a cross-check passes to Python XGBoost). */
export function gbdtParams(o: typeof GBDT_DEFAULTS, baseRate: number): Record<string, string | number> {
  const base = Math.min(Math.max(baseRate, 1e-6), 0.5);
  return {
    objective: 'binary:logistic', eval_metric: 'logloss', tree_method: 'hist', max_depth: o.depth, eta: o.eta, subsample: o.subsample, colsample_bytree: o.colsample,
    min_child_weight: o.minRowsPerSplit * base * (1 - base), max_cat_to_onehot: o.maxCatToOnehot, max_cat_threshold: o.maxCatThreshold,
    seed: o.seed, nthread: cpus().length, verbosity: 0,
  };
}

/** A booster trained on `rows` of `train` with early stopping on `validRows` of `valid`; predicts with the best round's trees. */
export interface FittedTrees {
  booster: Booster;
  /** Trees kept: the round with the lowest validation log-loss, plus one. */
  rounds: number;
  /** Rounds boosted before stopping. */
  boosted: number;
  validLogloss: number;
  free(): void;
}

/** Boost on `trainRows` of `train`, evaluating the log-loss of `validRows` of `valid` each round; stop after `earlyStopping` rounds without a lower one. */
export async function fitTrees(data: Pick<GbdtData, 'columns' | 'featureTypes'>, train: GbdtSplit, trainRows: Int32Array, valid: GbdtSplit, validRows: Int32Array, options: GbdtOptions = {}): Promise<FittedTrees> {
  const o = withDefaults(GBDT_DEFAULTS, options);
  const w = data.columns.length;
  if (!validRows.length) throw new OptionError(`GBDT: expected validation rows to choose the number of trees on, got none. Use a longer log or a larger validation share.`);
  const y = Float32Array.from(trainRows, (r) => train.buy[r]);
  const dtrain = new DMatrix(subMatrix(train, trainRows, w), trainRows.length, w, y, undefined, data.featureTypes);
  const dvalid = new DMatrix(subMatrix(valid, validRows, w), validRows.length, w, Float32Array.from(validRows, (r) => valid.buy[r]), undefined, data.featureTypes);
  const booster = new Booster(dtrain, gbdtParams(o, y.reduce((s, v) => s + v, 0) / Math.max(y.length, 1)), [dvalid]);
  let best = Infinity, bestRound = 0, round = 0;
  for (; round < o.trees; round++) {
    await booster.updateAsync(round, dtrain);
    const ll = booster.evaluate(round, dvalid);
    if (ll < best) { best = ll; bestRound = round; }
    else if (round - bestRound >= o.earlyStopping) { round++; break; }
  }
  return { booster, rounds: bestRound + 1, boosted: round, validLogloss: best, free: () => { booster.free(); dtrain.free(); dvalid.free(); } };
}

/** `max_cat_to_onehot` that makes every categorical split one category against the rest. */
const ONEHOT_ALWAYS = 1 << 30;

/** Fit with each categorical split kind `catSplits` allows (both for `auto` when there are categorical columns); keep the lower validation log-loss. */
async function fitChosen(data: GbdtData, trainRows: Int32Array, validRows: Int32Array, options: GbdtOptions): Promise<{ trees: FittedTrees; splits: 'onehot' | 'partition' | null }> {
  const o = withDefaults(GBDT_DEFAULTS, options);
  if (!data.featureTypes.includes('c')) return { trees: await fitTrees(data, data.train, trainRows, data.validation, validRows, options), splits: null };
  const kinds = o.catSplits === 'auto' ? (['onehot', 'partition'] as const) : [o.catSplits];
  let best: { trees: FittedTrees; splits: 'onehot' | 'partition' } | undefined;
  for (const splits of kinds) {
    const trees = await fitTrees(data, data.train, trainRows, data.validation, validRows, { ...options, maxCatToOnehot: splits === 'onehot' ? ONEHOT_ALWAYS : o.maxCatToOnehot });
    if (!best || trees.validLogloss < best.trees.validLogloss) {
      best?.trees.free();
      best = { trees, splits };
    } else trees.free();
  }
  return best!;
}

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const clickedOf = (g: GbdtSplit) => Int32Array.from(all(g.n).filter((r) => g.click[r] > 0.5));

/** What `fitGbdt` returns: test predictions (pCTR and pCTAVR are not modelled) and the trees chosen on validation. */
export interface GbdtFit {
  test: Predictions;
  seconds: number;
  /** Trees kept per model (chosen on validation log-loss) and rounds boosted. */
  rounds: { cvr: number; ctcvr: number | null };
  boosted: { cvr: number; ctcvr: number | null };
  /** The categorical split kind each model kept (null without categorical columns). */
  splits: { cvr: 'onehot' | 'partition' | null; ctcvr: 'onehot' | 'partition' | null };
}

/**
 * Train the CVR GBDT on clicked training rows (its trees and categorical splits chosen on clicked validation rows)
 * and, in impression space, the CTCVR GBDT on all training rows (chosen on all validation rows); predict the test rows.
 */
export async function fitGbdt(data: GbdtData, space: 'impression' | 'click', options: GbdtOptions = {}): Promise<GbdtFit> {
  const t0 = Date.now();
  const w = data.columns.length;
  const dtest = new DMatrix(data.test.X, data.test.n, w, undefined, undefined, data.featureTypes);
  const rowsOf = (g: GbdtSplit) => (space === 'impression' ? clickedOf(g) : all(g.n));
  const { trees: cvr, splits: cvrSplits } = await fitChosen(data, rowsOf(data.train), rowsOf(data.validation), options);
  const pcvr = cvr.booster.predict(dtest, cvr.rounds);
  cvr.free();
  let pctcvr: Float32Array | null = null, ctcvr: Awaited<ReturnType<typeof fitChosen>> | null = null;
  if (space === 'impression') {
    ctcvr = await fitChosen(data, all(data.train.n), all(data.validation.n), options);
    pctcvr = ctcvr.trees.booster.predict(dtest, ctcvr.trees.rounds);
    ctcvr.trees.free();
  }
  dtest.free();
  return {
    test: { pctr: null, pctavr: null, pcvr, pctcvr }, seconds: (Date.now() - t0) / 1000,
    rounds: { cvr: cvr.rounds, ctcvr: ctcvr?.trees.rounds ?? null }, boosted: { cvr: cvr.boosted, ctcvr: ctcvr?.trees.boosted ?? null },
    splits: { cvr: cvrSplits, ctcvr: ctcvr?.splits ?? null },
  };
}
