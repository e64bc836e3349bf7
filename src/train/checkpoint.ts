/**
 * Checkpoints in tfjs's weights format (`weights.bin` + a JSON manifest):
 * model weights, Adam's state, the epoch and the history so far.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { ConversionModel } from '../models/model';
import type { EpochLog } from './trainer';

/** Write named tensors as `<prefix>.bin` + `<prefix>.json` (tfjs weight specs). */
export async function writeWeights(dir: string, prefix: string, tf: typeof TF, named: { name: string; tensor: TF.Tensor }[], extra: object = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(named.map(({ name, tensor }) => ({ name, tensor })));
  writeFileSync(join(dir, `${prefix}.bin`), Buffer.from(data));
  writeFileSync(join(dir, `${prefix}.json`), JSON.stringify({ weightsManifest: [{ paths: [`${prefix}.bin`], weights: specs }], ...extra }, null, 1));
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

/** Save weights, optimizer state, epoch and history. */
export async function saveCheckpoint(dir: string, model: ConversionModel, optimizer: TF.Optimizer, epoch: number, history: EpochLog[]): Promise<void> {
  const opt = await optimizer.getWeights();
  await writeWeights(dir, 'checkpoint', model.tf, [
    ...model.weights().map(({ name, variable }) => ({ name, tensor: variable as TF.Tensor })),
    ...opt.map((w) => ({ name: `optimizer/${w.name}`, tensor: w.tensor })),
  ], { epoch, history, model: model.name, optimizerWeights: opt.map((w) => w.name) });
}

/** Load the last checkpoint into the model and optimizer; undefined when there is none. */
export async function loadCheckpoint(dir: string, model: ConversionModel, optimizer: TF.Optimizer): Promise<{ epoch: number; history: EpochLog[] } | undefined> {
  if (!existsSync(join(dir, 'checkpoint.json'))) return undefined;
  const { tensors, meta } = readWeights(dir, 'checkpoint', model.tf);
  const optNames = meta.optimizerWeights as string[];
  const opt = optNames.map((name) => ({ name, tensor: tensors[`optimizer/${name}`] }));
  for (const name of optNames) delete tensors[`optimizer/${name}`];
  assignWeights(model, tensors);
  await optimizer.setWeights(opt);
  return { epoch: meta.epoch as number, history: meta.history as EpochLog[] };
}
