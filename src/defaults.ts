/**
 * Every default in one place. Functions merge them as `{...DEFAULTS, ...options}`.
 */

/** Defaults of `loadEvents`. */
export const LOAD_DEFAULTS = {
  strict: false,
  dedupe: true,
  maxProblemLines: 5,
  delimiter: undefined as string | undefined,
};

/**
 * Defaults of the simulator. Rates follow the ESM2 paper (Wen et al., SIGIR
 * 2020, Table 1 and Section 2): CTR ≈ 6%, click→cart ≈ 10%, click→wish ≈ 3.5%,
 * cart→buy ≈ 12%, click→buy ≈ 1–2.5%.
 */
export const SIMULATE_DEFAULTS = {
  impressions: 100_000,
  users: 2_000,
  items: 1_000,
  categories: 20,
  segments: 8,
  /**
   * Days the impressions span. Samples whose attribution window (7 days by default) runs past the
   * log's end are left out of training, so the log spans ten windows (version 3: 14 days, half of
   * which would be cut off).
   */
  days: 70,
  seed: 1,
  start: '2026-01-05T00:00:00Z',
  /** p(click | impression). */
  ctr: 0.06,
  /** p(cart | click). */
  cartRate: 0.1,
  /** p(wish | click). */
  wishRate: 0.035,
  /** p(share | click): the noise action, independent of purchases given the features. */
  shareRate: 0.05,
  /** p(compare | click) (0: no compare action): an action that follows purchase intent without driving purchases. */
  compareRate: 0.04,
  /** Weight of the purchase-intent score (the buy log-odds' own terms) in compare's log-odds; 0 makes compare noise like share. */
  compareIntent: 1,
  /** Share of purchases that skip every post-click action ("buy now": click, then purchase). 0: none. */
  buyNowShare: 0.05,
  /** p(buy | click, cart). */
  buyGivenCart: 0.12,
  /** p(buy | click, wish, no cart). */
  buyGivenWish: 0.08,
  /** p(buy | click, neither cart nor wish). */
  buyGivenOther: 0.004,
  /** Dimension of the hidden user/item taste vectors. */
  latentDim: 4,
  /**
   * Weight of the hidden user×item taste in the cart and buy log-odds (wish: ¾ of it). Only the
   * ids reveal it, so it is the part of purchase intent that needs many purchases per user to
   * learn. Simulator version 2 used 0.4 with no rating or level columns.
   */
  buyTaste: 0.15,
};

/** The embedded default data set: simulator settings and where it is written. */
export const DEFAULT_DATA = {
  dir: 'data/default',
  impressions: 200_000,
  seed: 20200725,
  /**
   * Features for simulated logs (notebooks' `auto`, `npm run bench -- models`): ids stay keys but
   * not features (per-id embeddings overfit the purchase towers at these sizes) and segment ×
   * category is crossed (the purchase affinity lives in that cross).
   */
  exclude: 'user_id,item_id',
  cross: 'segment:category',
};

/** Defaults of path mining (`minePaths`, `buypath mine`). */
export const MINE_DEFAULTS = {
  mode: 'auto' as 'auto' | 'impression' | 'user-item',
  /** Attribution window from the click. */
  window: '7d' as number | string,
  /** Actions before the first click of their item: attach them to that click's path, or drop them. */
  preClick: 'attach' as 'attach' | 'drop',
};

/**
 * Labelled impression tables (data/load-labelled.ts): the column names recognised, lower-cased, for each
 * 0/1 flag when the caller names none. Keys other than click and buy are post-click actions.
 */
export const LABELLED_DEFAULTS = {
  flags: {
    click: ['click', 'is_click', 'clicked', 'click_label', 'label_click'],
    buy: ['buy', 'is_buy', 'purchase', 'is_purchase', 'bought', 'conversion', 'is_conversion', 'converted', 'conversion_label', 'label_buy', 'is_pay', 'is_order'],
    cart: ['cart', 'is_cart', 'add_cart', 'is_add_cart', 'addcart', 'add_to_cart', 'carted'],
    wish: ['wish', 'is_wish', 'fav', 'is_fav', 'favorite', 'is_favorite', 'favourite', 'is_favourite', 'collect', 'is_collect', 'wishlist'],
    share: ['share', 'is_share', 'shared'],
    coupon: ['coupon', 'is_coupon'],
  } as Record<string, string[]>,
};

/**
 * `readEvents`: how far DuckDB may read ahead of the chunks JavaScript has taken (DuckDB's streaming_buffer_size).
 * DuckDB fills it before the first chunk is handed over (JavaScript waits meanwhile), then keeps it topped up:
 * on 10M events, 128MB read in 2.6–3.2 s where 64MB took 2.9–3.5 and 256MB 2.9–3.4 (interleaved runs).
 */
export const READ_DEFAULTS = {
  streamingBuffer: '128MB',
};

/**
 * Mining a file in partitions by path key, user or impression id (`minePathsDuckDB`): a log of up to `wholeRows` events is
 * mined in one piece; a larger one in partitions of about `rows` events each, so that memory
 * holds one partition's events (plus the paths); `batchRows` rows are written to the partition
 * files at a time.
 */
export const PARTITION_DEFAULTS = {
  wholeRows: 12_000_000,
  rows: 2_500_000,
  batchRows: 1 << 20,
  /** Most partitions a log is mined in (each holds seven open files while the log is read). */
  maxParts: 4096,
  /** A log mined in one piece with at least this many events (estimated) shares the work after the read with a worker thread (paths/mine-thread.ts). */
  threadRows: 1_000_000,
};

/** Defaults of the path analysis (funnel, action table, choice of deterministic actions). */
export const ANALYSE_DEFAULTS = {
  /** Bootstrap replicates for intervals on the key rates. */
  bootstrap: 500,
  seed: 1,
  /** An action is deterministic when the lower bound of its buy-rate lift is at least this. */
  minLift: 2,
  /** … and at least this share of purchases goes through it. */
  minCoverage: 0.02,
  /** … and at least this many clicked paths hold it. */
  minPaths: 30,
  /** Path variants listed. */
  topVariants: 12,
};

/** Defaults of the exploration views (breakdowns, correlation scan, transition graph, funnel settings, time to purchase). */
export const EXPLORE_DEFAULTS = {
  /** Categorical values kept as their own group in a breakdown (the rest are pooled into "(other)"). */
  maxGroups: 10,
  /** Quantile bands a numeric column (e.g. price) is cut into. */
  bands: 4,
  /** A scanned feature value is tested only when at least this many clicked paths hold it, and this many do not. */
  minSupport: 30,
  /** False-discovery rate at which findings are said to survive (Benjamini–Hochberg). */
  fdr: 0.05,
  /** Scan findings and transition-graph edges drawn. */
  topFindings: 20,
  topEdges: 15,
  /** Steps of the step matrix. */
  steps: 8,
  /** Funnel settings: step order (`ordered`: in order, other events between allowed; `strict`: consecutive; `any`: any order). */
  order: 'ordered' as 'ordered' | 'strict' | 'any',
  /** Funnel settings: what is counted, and the inactivity that ends a session. */
  unit: 'paths' as 'paths' | 'users' | 'sessions',
  sessionTimeout: '30m' as number | string,
  /** Percentiles of the time from click to purchase, with Poisson-bootstrap intervals over this many replicates. */
  quantiles: [0.5, 0.9],
  replicates: 200,
  /** Points kept of a Kaplan–Meier curve (exact values at log-spaced times when it has more steps). */
  kmPoints: 200,
  /** Sample paths returned by a drill-down. */
  samples: 5,
  seed: 1,
};

/**
 * Model presets: `paper` is the ESM2 paper's setup (Section 4.3); `fast` is small, for laptops and tests.
 * `l2` penalises the squared norm of the embedding rows each batch looks up (per row), against overfitting ids.
 */
export const MODEL_CONFIGS = {
  paper: { embeddingDim: 128, towers: [512, 256, 128, 32], dropout: 0.5, learningRate: 5e-4, batchSize: 1000, epochs: 10, patience: 2, l2: 0 },
  fast: { embeddingDim: 8, towers: [64, 32], dropout: 0.1, learningRate: 2e-3, batchSize: 1000, epochs: 4, patience: 1, l2: 0 },
};

/** Defaults of training: loss weights (ESM2: w_ctr, w_ctavr, w_ctcvr), oversampling of DNN-OS, split and vocabulary. */
export const TRAIN_DEFAULTS = {
  lossWeights: { ctr: 1, ctavr: 1, ctcvr: 1 },
  /** DNN-OS: purchases count this many times in the CVR loss (oversampling by weight). */
  oversample: 5,
  split: { train: 0.7, validation: 0.1 },
  minCount: 2,
  /** Non-negative numeric fields with training skewness above this are log1p-transformed before standardising; null: never. */
  logSkew: 2 as number | null,
  seed: 1,
  /** The model size when none is asked for (MODEL_CONFIGS; --config on the command line). */
  modelConfig: 'fast' as keyof typeof MODEL_CONFIGS,
};

/**
 * GBDT baseline, the ESM2 paper's settings (Section 4.2): trees of depth 8,
 * row and column sampling 0.6, at least 20 rows per split. XGBoost has no
 * minimum-rows parameter: min_child_weight is set to the hessian of 20 rows at
 * the training base rate, 20·p̄(1−p̄). The number of trees (the paper: 150) is
 * chosen on validation: boosting stops after `earlyStopping` rounds without a
 * lower validation log-loss, and the best round's trees predict.
 */
export const GBDT_DEFAULTS = {
  /** Most boosting rounds. */
  trees: 500,
  /** Rounds without a lower validation log-loss before boosting stops (XGBoost's early_stopping_rounds). */
  earlyStopping: 20,
  depth: 8,
  eta: 0.1,
  subsample: 0.6,
  colsample: 0.6,
  minRowsPerSplit: 20,
  /**
   * `native`: categorical fields as XGBoost categories (codes of the vocabulary fitted on training rows), missing
   * values as missing, numbers untransformed. `ordinal`: the encoding buypath used before (issue 12), codes of an
   * alphabetically sorted vocabulary as numbers and the deep models' tanh-standardised numbers with missing at 0.
   */
  encoding: 'native' as 'native' | 'ordinal',
  /**
   * Categorical splits: `onehot`, one category against the rest; `partition`, XGBoost orders the categories by their
   * gradient statistics and splits that order (one-hot below `maxCatToOnehot` categories; flexible, but it overfits
   * many categories with few purchases); `auto` (default), both are fitted and each model (CVR, CTCVR) keeps the one
   * with the lower validation log-loss.
   */
  catSplits: 'auto' as 'auto' | 'onehot' | 'partition',
  /** Partition splits: one-hot below this many categories, at most `maxCatThreshold` categories per side (XGBoost 1.7's defaults). */
  maxCatToOnehot: 4,
  maxCatThreshold: 64,
  seed: 1,
};

/** Bootstraps when the caller gives no size: count-cell bootstraps (path analysis) and user bootstraps (metrics). */
export const BOOTSTRAP_DEFAULTS = {
  cellReplicates: 500,
  userReplicates: 100,
  seed: 1,
};

/** How often a live progress line is redrawn, and how long one notebook may run before it is stopped. */
export const RUN_DEFAULTS = {
  progressIntervalMs: 1000,
  notebookTimeoutS: 1200,
};

/** Defaults of model comparisons (`compareModels`, `buypath report`). */
export const COMPARE_DEFAULTS = {
  /** The model every lift is relative to: the team's current model in the ESM2 paper's framing. */
  liftReference: 'gbdt',
  /** User-bootstrap replicates behind every interval (paired for differences between models). */
  replicates: 1000,
  /** The minimum detectable difference: a two-sided test at this level … */
  alpha: 0.05,
  /** … detecting the difference with this probability. */
  power: 0.8,
};

/**
 * Defaults of the DAction ablation (`dactionAblation`, `buypath report`, `buypath train --daction auto`): ESM2 is
 * trained on the training rows for each candidate set of path mining and scored on the validation rows.
 */
export const ABLATION_DEFAULTS = {
  /** Candidates: the single actions with the most purchase coverage (on training paths), up to this many, then their greedy unions. */
  maxActions: 3,
  /** User-bootstrap replicates of the validation intervals (paired between candidates). */
  replicates: 1000,
};

/** `buypath inspect --suggest`: how many rows it samples, and the most distinct values an event column may have. */
export const SUGGEST_DEFAULTS = {
  sampleLines: 50_000,
  maxEventValues: 30,
};

/** `{...defaults, ...options}` where options left undefined keep their default. */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaults, ...defined } as D & O;
}
