/**
 * One trainer for every model: seeded shuffling, mini-batches with bounded
 * memory, Adam, early stopping on one criterion for every model (the
 * validation CVR log-loss on clicked rows; best weights kept),
 * a checkpoint each epoch holding the whole training state (resume ends bit for
 * bit where an uninterrupted run ends, on the same backend), progress with
 * samples/s and losses.
 * Adam runs as one fused kernel per variable on wasm and cpu (fused-adam.ts).
 * tfjs's own `fit()` shuffles with an unseedable Math.random, so it is not used.
 */
import type * as TF from '@tensorflow/tfjs';
import { Rng } from '../random';
import type { ConversionModel } from '../models/model';
import { scoreModel } from '../metrics/model-scores';
import { rowsWhere } from '../metrics/auc';
import { logLoss } from '../metrics/metrics';
import { OptionError } from '../errors';
import { Batcher, disposeBatch, type TrainData } from './data';
import { predict } from './predict';
import { adamFor } from './fused-adam';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import type { EpochLog } from './epoch-log';
import { RUN_DEFAULTS } from '../defaults';

/** How training reports progress; see `TrainLoopOptions.progress`. */
export type ProgressMode = 'auto' | 'bar' | 'live' | 'lines' | 'none';

/** The concrete mode `auto` resolves to here: a terminal, a Jupyter kernel (tslab), or a log. */
export function resolveProgress(mode: ProgressMode | undefined): Exclude<ProgressMode, 'auto'> {
  if (mode && mode !== 'auto') return mode;
  if (process.stdout.isTTY) return 'bar';
  return process.env.JPY_PARENT_PID !== undefined ? 'live' : 'lines';
}

/** Options of `train`. */
export interface TrainLoopOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a lower validation CVR log-loss before training stops. */
  patience: number;
  seed: number;
  /** Folder for per-epoch checkpoints; with `resume`, training continues exactly from the last one (same seed, batch size, learning rate and rows). */
  checkpointDir?: string;
  resume?: boolean;
  /**
   * `auto`: `bar` on terminals, `live` in Jupyter kernels, `lines` elsewhere (logs, pipes).
   * `bar`: a redrawn bar with samples/s and loss; `live`: one line rewritten in place about once a
   * second (Jupyter renders carriage returns), yielding to the event loop so the kernel can send it;
   * `lines`: a line per epoch; `none`: silent.
   */
  progress?: ProgressMode;
  /** Least milliseconds between two `live` updates (default 1000). */
  progressIntervalMs?: number;
  /** Called after each epoch. */
  onEpoch?: (log: EpochLog) => void;
}

/** What training returns. */
export interface TrainResult {
  history: EpochLog[];
  bestEpoch: number;
  seconds: number;
  samplesPerSecond: number;
  stoppedEarly: boolean;
}

function snapshot(model: ConversionModel): Map<string, Float32Array> {
  return new Map(model.weights().map(({ name, variable }) => [name, variable.dataSync().slice() as Float32Array]));
}

function restore(model: ConversionModel, snap: Map<string, Float32Array>): void {
  for (const { name, variable } of model.weights()) {
    const v = snap.get(name);
    if (v) model.tf.tidy(() => variable.assign(model.tf.tensor(v, variable.shape)));
  }
}

/** The rows CVR is measured on: clicked rows in impression space, every row in click space. */
export function cvrRows(d: TrainData, space: 'impression' | 'click'): Int32Array {
  return space === 'impression' ? rowsWhere(d.click) : Int32Array.from({ length: d.rows.n }, (_, i) => i);
}

/**
 * Validation numbers of the current weights: the model's own loss, the early-stopping criterion
 * (`cvr_logloss`: log-loss of pCVR against purchases on clicked rows, the same for every model), and AUCs.
 */
export function validate(model: ConversionModel, d: TrainData): { loss: number; cvr_logloss: number; cvr_auc: number; ctcvr_auc: number } {
  const p = predict(model, d);
  const { cvr_auc, ctcvr_auc } = scoreModel(d, p, model.spec.space);
  return { loss: p.loss, cvr_logloss: logLoss(d.buy, p.pcvr, cvrRows(d, model.spec.space)), cvr_auc, ctcvr_auc };
}

/**
 * Train `model` on `train`, stopping early on `validation`: after `patience` epochs without a lower
 * validation CVR log-loss on clicked rows (whatever the model's own loss), keeping the best epoch's weights.
 */
export async function train(model: ConversionModel, trainSet: TrainData, validation: TrainData, o: TrainLoopOptions): Promise<TrainResult> {
  const tf = model.tf as typeof TF;
  if (!cvrRows(validation, model.spec.space).length) {
    throw new OptionError(`validation: expected clicked rows to early-stop on (validation CVR log-loss), got none of ${validation.rows.n} validation rows. Use a longer log or a larger validation share (split.validation).`);
  }
  const optimizer = adamFor(tf, o.learningRate);
  const vars = model.weights().map((w) => w.variable);
  let rng = new Rng(o.seed).fork('shuffle');
  const batcher = new Batcher(tf, trainSet, o.batchSize);
  const n = trainSet.rows.n;
  let order = Int32Array.from({ length: n }, (_, i) => i);
  const history: EpochLog[] = [];
  const run = { model: model.name, seed: o.seed, batchSize: o.batchSize, learningRate: o.learningRate, rows: n };
  let start = 0;
  let best = Infinity, bestEpoch = 0, stale = 0, stoppedEarly = false;
  let bestWeights: Map<string, Float32Array> | undefined;
  if (o.resume && o.checkpointDir) {
    const ck = await loadCheckpoint(o.checkpointDir, model, optimizer, run);
    if (ck) {
      start = ck.epoch;
      history.push(...ck.history);
      rng = Rng.fromState(ck.shuffle);
      order = ck.order;
      ({ loss: best, epoch: bestEpoch, stale, stopped: stoppedEarly } = ck.best);
      bestWeights = ck.bestWeights ?? undefined; // null: the checkpoint's weights are the best
    }
  }
  bestWeights ??= snapshot(model);
  const mode = resolveProgress(o.progress);
  const started = Date.now();
  let seen = 0;
  for (let epoch = start + 1; epoch <= o.epochs && !stoppedEarly; epoch++) {
    const t0 = Date.now();
    rng.shuffle(order);
    let lossSum = 0;
    const steps = Math.ceil(n / o.batchSize);
    let lastShown = Date.now();
    const rateSoFar = (done: number) => Math.round(done / ((Date.now() - t0) / 1000 || 1e-3));
    for (let step = 0; step < steps; step++) {
      const s = step * o.batchSize, e = Math.min(n, s + o.batchSize);
      const b = batcher.batch(order, s, e);
      const cost = optimizer.minimize(() => model.objective(b), true, vars)!;
      lossSum += cost.dataSync()[0] * (e - s);
      cost.dispose();
      disposeBatch(b);
      seen += e - s;
      if (mode === 'bar' && (step % 10 === 0 || step === steps - 1)) {
        const bar = '█'.repeat(Math.round((20 * (step + 1)) / steps)).padEnd(20, '·');
        process.stdout.write(`\r${model.name} epoch ${epoch}/${o.epochs} ${bar} ${rateSoFar(e)} samples/s loss ${(lossSum / e).toFixed(4)}`);
      } else if (mode === 'live' && Date.now() - lastShown >= (o.progressIntervalMs ?? RUN_DEFAULTS.progressIntervalMs)) {
        lastShown = Date.now();
        process.stdout.write(`\r${model.name} epoch ${epoch}/${o.epochs}: ${Math.round((100 * e) / n)}% of ${n} samples, ${rateSoFar(e)} samples/s, train loss ${(lossSum / e).toFixed(4)}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const v = validate(model, validation);
    const seconds = (Date.now() - t0) / 1000;
    const log: EpochLog = { epoch, train_loss: lossSum / n, val_loss: v.loss, val_cvr_logloss: v.cvr_logloss, val_cvr_auc: v.cvr_auc, val_ctcvr_auc: v.ctcvr_auc, samples_per_s: n / seconds, seconds };
    history.push(log);
    if (mode !== 'none') {
      const line = `${model.name} epoch ${epoch}/${o.epochs}: train loss ${log.train_loss.toFixed(4)}, val CVR log-loss ${log.val_cvr_logloss.toFixed(5)}, val CVR AUC ${log.val_cvr_auc.toFixed(4)}, ${Math.round(log.samples_per_s)} samples/s`;
      process.stdout.write(mode === 'bar' ? `\r${line}\x1b[K\n` : mode === 'live' ? `\r${line}\n` : `${line}\n`);
    }
    o.onEpoch?.(log);
    if (v.cvr_logloss < best) {
      best = v.cvr_logloss;
      bestEpoch = epoch;
      bestWeights = snapshot(model);
      stale = 0;
    } else stale++;
    stoppedEarly = stale > o.patience;
    if (o.checkpointDir) {
      await saveCheckpoint(o.checkpointDir, model, optimizer, {
        epoch, history, shuffle: rng.state(), order, best: { loss: best, epoch: bestEpoch, stale, stopped: stoppedEarly }, bestWeights: bestEpoch === epoch ? null : bestWeights, run,
      });
    }
  }
  restore(model, bestWeights);
  optimizer.dispose();
  const seconds = (Date.now() - started) / 1000;
  return { history, bestEpoch, seconds, samplesPerSecond: seen / (seconds || 1e-3), stoppedEarly };
}
