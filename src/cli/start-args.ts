/**
 * `npm start -- [LOG] [flags]`: the arguments of the notebook runner
 * (scripts/run-notebooks.js) turned into notebook parameters. The load flags
 * are the CLI's (load-flags.ts), parsed the same way, and reach every
 * notebook as `dataPath`, `preset` and `load` (notebook/load-params.ts);
 * every flag is checked, and a preset file read, before any notebook runs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPresetFile, resolvePreset } from '../data/preset-file';
import { COMPARE_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import { BuypathError, OptionError } from '../errors';
import { paramsOfLoadOptions } from '../notebook/load-params';
import { intFlag, listFlag } from './args';
import { LOAD_FLAGS, LOAD_FLAGS_USAGE, loadOptionsFromFlags } from './load-flags';

/** parseArgs specs of `npm start`: the load flags and the run settings it hands to the notebooks. */
export const START_FLAGS = {
  ...LOAD_FLAGS, out: { type: 'string' }, only: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' },
  replicates: { type: 'string' }, daction: { type: 'string' }, config: { type: 'string' }, ablation: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help text of `npm start`. */
export const START_USAGE = `Usage: npm start -- [LOG] [load flags] [--out DIR] [--only 00,01] [--epochs N] [--seed S]
                    [--replicates B] [--daction a,b] [--config fast|paper] [--ablation on|off]

Runs notebooks 00–03 headless on LOG (default: the embedded simulated log) and writes the report:
DIR/index.html, DIR/results.json and the executed notebooks in DIR/notebooks/ (DIR: reports/).
The load flags reach every notebook as its parameters dataPath, preset and load; the others
reach the notebooks that have them (epochs: 02, 03; replicates, ablation: 03).
  --only 00,01   run only the notebooks whose names start with these prefixes

${LOAD_FLAGS_USAGE}`;

/** What `npm start` was asked to do. */
export interface StartPlan {
  help: boolean;
  /** The log, absolute; null for the embedded one. */
  log: string | null;
  /** The report folder, absolute. */
  out: string;
  /** Notebook name prefixes to run; empty: all. */
  only: string[];
  /** Every parameter to hand over; each notebook gets those its parameters cell declares (`notebookParameters`). */
  params: Record<string, unknown>;
}

/** `buypath start --flag: …` (the shared flag parsers' wording) said as the user typed it. */
function asTyped(e: unknown): unknown {
  return e instanceof BuypathError ? new OptionError(e.message.replace(/^buypath start(?: --)?/, 'npm start --')) : e;
}

/**
 * Parse `npm start`'s arguments. `cwd` resolves relative paths (npm runs scripts in the package root;
 * pass INIT_CWD, the folder npm was started in); `root` is the repository (reports/ by default).
 */
export function startArgs(argv: string[], where: { cwd: string; root: string }): StartPlan {
  let v: Record<string, string | boolean | undefined>, positionals: string[];
  try {
    const parsed = parseArgs({ args: argv, options: START_FLAGS, allowPositionals: true, strict: true });
    v = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals;
  } catch (e) {
    throw new OptionError(`npm start: ${(e as Error).message}. Run \`npm start -- --help\` for the accepted flags.`);
  }
  const at = (p: string) => (isAbsolute(p) ? p : resolve(where.cwd, p));
  const plan: StartPlan = { help: Boolean(v.help), log: null, out: at((v.out as string | undefined) ?? resolve(where.root, 'reports')), only: listFlag(v.only) ?? [], params: {} };
  if (plan.help) return plan;
  if (positionals.length > 1) throw new OptionError(`npm start: expected one LOG, got ${positionals.map((p) => `"${p}"`).join(' ')}. Quote a path with spaces; run some notebooks only with --only ${positionals.filter((p) => /^\d\d$/.test(p)).join(',') || '00,01'}.`);
  if (positionals.length) {
    const log = at(positionals[0]);
    if (!existsSync(log)) {
      const hint = /^\d\d$/.test(positionals[0]) ? ` To run some notebooks only, pass --only ${positionals[0]}.` : ' Pass the path of a log file (CSV/TSV, gzip, JSONL or Parquet).';
      throw new OptionError(`npm start LOG: expected a log file, got nothing at ${log}.${hint}`);
    }
    if (statSync(log).isDirectory()) throw new OptionError(`npm start LOG: expected a log file, got the directory ${log}. Pass one file in it.`);
    plan.log = log;
  }
  try {
    const load = loadOptionsFromFlags('start', v);
    if (Object.keys(load).length && !plan.log) throw new OptionError(`npm start: load flags (${Object.keys(v).filter((k) => k in LOAD_FLAGS).map((k) => `--${k}`).join(', ')}) read a log, got no LOG. Pass it first: npm start -- my-log.csv --preset …`);
    if (typeof load.preset === 'string') {
      // A preset file is read and checked now, and handed over by its absolute path (notebooks run in notebooks/).
      if (isPresetFile(load.preset)) load.preset = at(load.preset);
      try {
        resolvePreset(load.preset);
      } catch (e) {
        throw new OptionError(`npm start --preset: ${(e as Error).message.replace(/^preset:\s*/, '')}`);
      }
    }
    if (plan.log) Object.assign(plan.params, { dataPath: plan.log, ...paramsOfLoadOptions(load) });
    if (v.epochs !== undefined) plan.params.epochs = intFlag('start', 'epochs', v.epochs as string, 1, 1);
    if (v.seed !== undefined) plan.params.seed = intFlag('start', 'seed', v.seed as string, TRAIN_DEFAULTS.seed);
    if (v.replicates !== undefined) plan.params.replicates = intFlag('start', 'replicates', v.replicates as string, COMPARE_DEFAULTS.replicates, 1);
  } catch (e) {
    throw asTyped(e);
  }
  if (v.daction !== undefined) plan.params.daction = (listFlag(v.daction) ?? []).join(',');
  for (const [flag, allowed] of [['config', ['fast', 'paper']], ['ablation', ['on', 'off']]] as const) {
    const x = v[flag] as string | undefined;
    if (x === undefined) continue;
    if (!(allowed as readonly string[]).includes(x)) throw new OptionError(`npm start --${flag}: expected ${allowed.join(' or ')}, got "${x}".`);
    plan.params[flag] = x;
  }
  return plan;
}

/** The parameter names an .ipynb declares in its cell tagged `parameters` (`let name = …`). */
export function notebookParameters(ipynb: string): string[] {
  const nb = JSON.parse(readFileSync(ipynb, 'utf8')) as { cells: { metadata?: { tags?: string[] }; source: string | string[] }[] };
  const cell = nb.cells.find((c) => c.metadata?.tags?.includes('parameters'));
  const src = cell ? (Array.isArray(cell.source) ? cell.source.join('') : cell.source) : '';
  return [...src.matchAll(/^\s*(?:let|var|const)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
}

/** The parameters of `plan` that the notebook declares (others would fail to inject). */
export function paramsFor(plan: StartPlan, declared: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(plan.params).filter(([k]) => declared.includes(k)));
}
