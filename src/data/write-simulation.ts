/**
 * Write a simulated log to a folder: `events.csv` (the canonical log),
 * `truth.csv` (true probabilities per impression) and `meta.json` (settings,
 * seed and realised rates).
 */
import { mkdirSync, createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, SIMULATOR_VERSION, type Simulation, type SimulateOptions } from './simulate';

/** Paths written by `writeSimulation`. */
export interface SimulationFiles {
  dir: string;
  events: string;
  truth: string;
  meta: string;
}

async function writeLines(path: string, n: number, header: string, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(header + '\n');
  const CHUNK = 10000;
  for (let i = 0; i < n; i += CHUNK) {
    let s = '';
    for (let j = i; j < Math.min(n, i + CHUNK); j++) s += line(j) + '\n';
    await write(s);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const num = (v: number) => (Number.isNaN(v) ? '' : String(v));

/** Simulate and write the log, its truths and its metadata to `dir`. */
export async function writeSimulation(dir: string, options: SimulateOptions = {}): Promise<{ files: SimulationFiles; simulation: Simulation }> {
  const sim = simulate(options);
  mkdirSync(dir, { recursive: true });
  const files = { dir, events: join(dir, 'events.csv'), truth: join(dir, 'truth.csv'), meta: join(dir, 'meta.json') };
  const e = sim.events;
  await writeLines(files.events, e.event.length, 'impression_id,user_id,item_id,event,ts,segment,category,price,activity,level,rating', (i) =>
    `${e.impression_id[i]},${e.user_id[i]},${e.item_id[i]},${e.event[i]},${e.ts[i]},${e.segment[i] ?? ''},${e.category[i] ?? ''},${num(e.price[i])},${num(e.activity[i])},${e.level[i] ?? ''},${num(e.rating[i])}`);
  const t = sim.truth;
  const f = (v: number) => v.toPrecision(8);
  await writeLines(files.truth, t.impression_id.length, 'impression_id,p_click,p_cart,p_wish,p_share,p_compare,p_buy_given_click', (i) =>
    `${t.impression_id[i]},${f(t.p_click[i])},${f(t.p_cart[i])},${f(t.p_wish[i])},${f(t.p_share[i])},${f(t.p_compare[i])},${f(t.p_buy_given_click[i])}`);
  writeFileSync(files.meta, JSON.stringify({ generator: 'buypath simulate', version: SIMULATOR_VERSION, options: sim.options, rows: e.event.length, rates: sim.rates }, null, 2) + '\n');
  return { files, simulation: sim };
}
