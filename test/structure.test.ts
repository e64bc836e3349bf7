import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ROOT } from './helpers';

const SRC = join(ROOT, 'src');

/** Every .ts file under `dir`. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (value and type-only imports and re-exports alike), resolved to files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const base = join(dirname(file), m[1]);
    const target = [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
    if (target) out.push(target);
  }
  return out;
}

/** The folder of a src file (`(core)` for top-level files other than index.ts). */
const folder = (f: string) => {
  const parts = relative(SRC, f).split(sep);
  return parts.length > 1 ? parts[0] : '(core)';
};

const graph = new Map(files(SRC).map((f) => [f, importsOf(f)]));

/** Cycles of a directed graph, as node lists (each cycle found once per entry point). */
function cycles<T>(nodes: Iterable<T>, edges: (n: T) => Iterable<T>): T[][] {
  const state = new Map<T, 1 | 2>(), stack: T[] = [], found: T[][] = [];
  const visit = (n: T) => {
    state.set(n, 1);
    stack.push(n);
    for (const m of edges(n)) {
      if (state.get(m) === 1) found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
  return found;
}

test('no import cycle between files of src/ (type-only imports included)', () => {
  const found = cycles(graph.keys(), (f) => graph.get(f) ?? []);
  assert.deepEqual(found.map((c) => c.map((f) => relative(SRC, f)).join(' → ')), []);
});

test('no import cycle between folders of src/ (index.ts aside): stages import only downward', () => {
  const edges = new Map<string, Set<string>>();
  for (const [f, deps] of graph) {
    if (relative(SRC, f) === 'index.ts') continue;
    for (const d of deps) {
      if (folder(d) !== folder(f)) (edges.get(folder(f)) ?? edges.set(folder(f), new Set()).get(folder(f))!).add(folder(d));
    }
  }
  const found = cycles(edges.keys(), (n) => edges.get(n) ?? []);
  assert.deepEqual(found.map((c) => c.join(' → ')), []);
  // Top-level modules (errors, defaults, random, backend, …) are the floor: they import no folder.
  assert.deepEqual([...(edges.get('(core)') ?? [])], []);
});

test('evaluate/ and train/ do not import each other; the pipeline is the only layer that fits models', () => {
  const importsFrom = (from: string, to: string) => [...graph].filter(([f, deps]) => folder(f) === from && deps.some((d) => folder(d) === to)).map(([f]) => relative(SRC, f));
  assert.deepEqual(importsFrom('evaluate', 'train'), []);
  assert.deepEqual(importsFrom('train', 'evaluate'), []);
  assert.deepEqual(importsFrom('evaluate', 'baseline'), []);
  // Only pipeline/ (and index.ts) may import it.
  const users = [...graph].filter(([f, deps]) => deps.some((d) => folder(d) === 'pipeline') && !['pipeline', 'cli'].includes(folder(f)) && relative(SRC, f) !== 'index.ts');
  assert.deepEqual(users.map(([f]) => relative(SRC, f)), []);
});

test('the CLI builds no pipeline chain of its own: subcommands call src/pipeline/, never the stages that mine, train or compare', () => {
  const chainStages = ['train', 'evaluate', 'baseline', 'metrics'];
  const offenders = [...graph].filter(([f]) => folder(f) === 'cli').flatMap(([f, deps]) => deps.filter((d) => chainStages.includes(folder(d))).map((d) => `${relative(SRC, f)} → ${relative(SRC, d)}`));
  assert.deepEqual(offenders, []);
  const stageCalls = /\b(minePaths|minePathsDuckDB|analysePaths|buildSamples|prepareTraining|fitModel|trainModel|compareModels|dactionAblation)\(/;
  const chained = [...graph.keys()].filter((f) => folder(f) === 'cli' && stageCalls.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
  assert.deepEqual(chained, []);
});

test('tests mirror src/ folder by folder', () => {
  const testRoot = join(ROOT, 'test');
  const folders = readdirSync(testRoot).filter((f) => statSync(join(testRoot, f)).isDirectory());
  assert.ok(folders.length > 5);
  assert.deepEqual(folders.filter((f) => !existsSync(join(SRC, f))), [], 'every test folder names a src/ folder');
  const loose = readdirSync(testRoot).filter((f) => f.endsWith('.test.ts')).map((f) => f.replace('.test.ts', ''));
  // Tests at the top of test/ are those of top-level modules (backend.ts, random.ts, …) or of the layout itself.
  assert.deepEqual(loose.filter((f) => !['structure', 'kernels'].includes(f) && !existsSync(join(SRC, `${f}.ts`))), []);
});
