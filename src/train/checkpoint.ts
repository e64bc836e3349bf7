/**
 * Checkpoints in tfjs's weights format (`weights.bin` + a JSON manifest),
 * holding everything the next epoch depends on, so that a resumed run ends
 * bit for bit where an uninterrupted run ends (same backend): the model's
 * weights, Adam's moments, step count and bias-correction powers, the dropout
 * step, the shuffle stream and its permutation so far, the early-stopping
 * state and the best weights so far, and the history.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { ConversionModel } from '../models/model';
import type { RngState } from '../random';
import { LoadError, OptionError } from '../errors';
import type { EpochLog } from './epoch-log';

/** Write named tensors as `<prefix>.bin` + `<prefix>.json` (tfjs weight specs); each file replaced whole (written aside, then renamed). */
export async function writeWeights(dir: string, prefix: string, tf: typeof TF, named: { name: string; tensor: TF.Tensor }[], extra: object = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(named.map(({ name, tensor }) => ({ name, tensor })));
  const put = (file: string, content: string | Buffer) => {
    writeFileSync(join(dir, `${file}.partial`), content);
    renameSync(join(dir, `${file}.partial`), join(dir, file));
  };
  put(`${prefix}.bin`, Buffer.from(data));
  put(`${prefix}.json`, JSON.stringify({ weightsManifest: [{ paths: [`${prefix}.bin`], weights: specs }], ...extra }, null, 1));
}

/** Read tensors written by `writeWeights`; returns them by name with the extra JSON. */
export function readWeights(dir: string, prefix: string, tf: typeof TF): { tensors: Record<string, TF.Tensor>; meta: Record<string, unknown> } {
  const meta = JSON.parse(readFileSync(join(dir, `${prefix}.json`), 'utf8'));
  const buf = readFileSync(join(dir, `${prefix}.bin`));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return { tensors: tf.io.decodeWeights(ab, meta.weightsManifest[0].weights), meta };
}

/** Assign saved tensors to the model's variables by name (and free them). */
export function assignWeights(model: ConversionModel, tensors: Record<string, TF.Tensor>): void {
  for (const { name, variable } of model.weights()) {
    const t = tensors[name];
    if (!t) throw new Error(`weights: expected a tensor named ${name}, got none. The saved model does not match this architecture.`);
    variable.assign(t);
  }
  for (const t of Object.values(tensors)) t.dispose();
}

/** What a run was started with; a checkpoint only resumes a run started the same way. */
export interface RunIdentity {
  model: string;
  seed: number;
  batchSize: number;
  learningRate: number;
  /** Training rows. */
  rows: number;
}

/** The trainer's state after an epoch, besides the model's weights and the optimizer. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  history: EpochLog[];
  /** The shuffle stream, and the row order it has produced so far (each epoch shuffles the previous order). */
  shuffle: RngState;
  order: Int32Array;
  /** Early stopping: best validation CVR log-loss (clicked rows) so far, its epoch, epochs since, and whether training stopped. */
  best: { loss: number; epoch: number; stale: number; stopped: boolean };
  /** The best epoch's weights; null when they are the current weights. */
  bestWeights: Map<string, Float32Array> | null;
  run: RunIdentity;
}

// 3: early stopping on the validation CVR log-loss (2 stopped on each model's own validation loss).
const FORMAT = 'buypath-checkpoint-3';
type AdamBetas = { accBeta1?: TF.Variable; accBeta2?: TF.Variable };

/** Save the weights, the optimizer's whole state, the dropout step and the trainer's state to `dir`. */
export async function saveCheckpoint(dir: string, model: ConversionModel, optimizer: TF.Optimizer, state: TrainState): Promise<void> {
  const tf = model.tf;
  const opt = await optimizer.getWeights();
  // tfjs's setWeights recomputes Adam's bias-correction powers as beta^(t+1), which differs in the last bits from
  // the running product training keeps: save the running values themselves.
  const betas = optimizer as unknown as AdamBetas;
  const adam = betas.accBeta1 && betas.accBeta2 ? { accBeta1: betas.accBeta1.dataSync()[0], accBeta2: betas.accBeta2.dataSync()[0] } : null;
  const order = tf.tensor1d(state.order, 'int32');
  const best = state.bestWeights
    ? model.weights().map(({ name, variable }) => ({ name: `best/${name}`, tensor: tf.tensor(state.bestWeights!.get(name)!, variable.shape) }))
    : [];
  await writeWeights(dir, 'checkpoint', tf, [
    ...model.weights().map(({ name, variable }) => ({ name, tensor: variable as TF.Tensor })),
    ...opt.map((w) => ({ name: `optimizer/${w.name}`, tensor: w.tensor })),
    ...best,
    { name: 'trainer/order', tensor: order },
  ], {
    format: FORMAT, model: model.name, epoch: state.epoch, history: state.history, optimizerWeights: opt.map((w) => w.name), adam,
    dropoutSteps: model.trainSteps, shuffle: state.shuffle, best: { ...state.best, loss: Number.isFinite(state.best.loss) ? state.best.loss : null },
    bestIsCurrent: !state.bestWeights, run: state.run,
  });
  order.dispose();
  for (const b of best) b.tensor.dispose();
  opt.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose());
}

const num = (v: unknown) => (typeof v === 'number' ? v : NaN); // JSON writes NaN as null

/**
 * Load the checkpoint in `dir` into the model and optimizer and return the trainer's state; undefined when
 * there is none. Throws when the checkpoint was written by another run (model, seed, batch size, learning rate,
 * rows) or by a buypath that did not save the whole training state.
 */
export async function loadCheckpoint(dir: string, model: ConversionModel, optimizer: TF.Optimizer, run: RunIdentity): Promise<Omit<TrainState, 'run'> | undefined> {
  if (!existsSync(join(dir, 'checkpoint.json'))) return undefined;
  const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
  if (meta.format !== FORMAT) {
    throw new LoadError(`${dir}/checkpoint.json: expected a checkpoint in format ${FORMAT} (the whole training state), got ${meta.format ? `format ${meta.format}` : 'an older checkpoint'}. ` +
      `It cannot resume exactly: delete ${dir} and train again without resume (--resume on the CLI, resume in fitModel).`);
  }
  const saved = meta.run as RunIdentity;
  const differs = (Object.keys(run) as (keyof RunIdentity)[]).filter((k) => saved[k] !== run[k]);
  if (differs.length) {
    throw new OptionError(`${dir}/checkpoint.json: expected a checkpoint of this run, got one written with ${differs.map((k) => `${k} ${saved[k]} (now ${run[k]})`).join(', ')}. ` +
      `Resume with the same settings (e.g. --seed ${saved.seed} on the CLI, seed in fitModel), or delete ${dir} to start over.`);
  }
  const { tensors } = readWeights(dir, 'checkpoint', model.tf);
  const take = (name: string) => { const t = tensors[name]; delete tensors[name]; return t; };
  const optNames = meta.optimizerWeights as string[];
  const opt = optNames.map((name) => ({ name, tensor: take(`optimizer/${name}`) }));
  const order = take('trainer/order');
  const orderData = Int32Array.from(order.dataSync());
  order.dispose();
  let bestWeights: Map<string, Float32Array> | null = null;
  if (!meta.bestIsCurrent) {
    bestWeights = new Map(model.weights().map(({ name }) => {
      const t = take(`best/${name}`);
      if (!t) throw new LoadError(`${dir}/checkpoint.json: expected the best weights "best/${name}", got none. Delete ${dir} and train again.`);
      const v = t.dataSync().slice() as Float32Array;
      t.dispose();
      return [name, v];
    }));
  }
  assignWeights(model, tensors);
  await optimizer.setWeights(opt);
  const betas = optimizer as unknown as AdamBetas;
  if (meta.adam && betas.accBeta1 && betas.accBeta2) {
    model.tf.tidy(() => {
      betas.accBeta1!.assign(model.tf.scalar(meta.adam.accBeta1));
      betas.accBeta2!.assign(model.tf.scalar(meta.adam.accBeta2));
    });
  }
  model.trainSteps = meta.dropoutSteps as number;
  const history = (meta.history as EpochLog[]).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, num(v)])) as unknown as EpochLog);
  const best = { ...meta.best, loss: meta.best.loss === null ? Infinity : meta.best.loss };
  return { epoch: meta.epoch as number, history, shuffle: meta.shuffle as RngState, order: orderData, best, bestWeights };
}
