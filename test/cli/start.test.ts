import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { simulate } from '../../src/data/simulate';
import { LOAD_FLAGS, loadOptionsFromFlags } from '../../src/cli/load-flags';
import { notebookParameters, paramsFor, startArgs } from '../../src/cli/start-args';
import { flagOfParam, LOAD_PARAMS, loadOptionsFromParams, paramsOfLoadOptions } from '../../src/notebook/load-params';
import { ROOT, needs, tmp } from '../helpers';

const NB = join(ROOT, 'notebooks');
const BOOKS = ['00-quickstart', '01-mine-paths', '02-train-esm2', '03-compare'];

/**
 * A log shaped like a shop's own export (Taobao-like: no header; user, item, category, behaviour code, epoch
 * seconds; no impressions), written from a small simulated log so that the actions that drive purchases are known
 * (cart and wish). Returns the file and its event counts by canonical name.
 */
function shopLog(dir: string): { file: string; counts: Record<string, number> } {
  const e = simulate({ impressions: 100_000, seed: 3 }).events;
  const category = new Map<string, string>();
  for (let i = 0; i < e.event.length; i++) if (e.event[i] === 'impression') category.set(e.impression_id[i], e.category[i]!);
  const CODES: Record<string, string> = { click: '1', wish: '2', cart: '3', buy: '4', share: '5', compare: '6' };
  const lines: string[] = [];
  const counts: Record<string, number> = {};
  for (let i = 0; i < e.event.length; i++) {
    if (e.event[i] === 'impression') continue;
    const digits = (s: string) => s.replace(/\D/g, '');
    lines.push([digits(e.user_id[i]), digits(e.item_id[i]), digits(category.get(e.impression_id[i])!), CODES[e.event[i]], e.ts[i]].join(','));
    counts[e.event[i]] = (counts[e.event[i]] ?? 0) + 1;
  }
  const file = join(dir, 'shop.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, counts };
}

describe('notebook parameters for the load options', () => {
  test('the load parameter has one key per CLI load flag (camelCase), --preset being a parameter of its own', () => {
    assert.deepEqual(Object.keys(LOAD_PARAMS).map(flagOfParam).sort(), Object.keys(LOAD_FLAGS).filter((f) => f !== 'preset').sort());
  });

  test('every notebook that reads a log declares dataPath, preset and load', () => {
    for (const b of BOOKS) {
      const names = notebookParameters(join(NB, `${b}.ipynb`));
      for (const p of ['dataPath', 'preset', 'load']) assert.ok(names.includes(p), `${b} declares ${p}`);
    }
  });

  test('flags → parameters → load options gives what the CLI gives', () => {
    const values = { preset: 'taobao-userbehavior', 'event-map': '1=click,4=buy', columns: 'u,i,c,event,ts', rename: 'u=user_id,i=item_id', categorical: 'c',
      numeric: 'price', drop: 'x', actions: 'share', 'ts-format': 'epoch_ms', 'keep-duplicates': true, strict: true };
    const cli = loadOptionsFromFlags('inspect', values);
    const params = paramsOfLoadOptions(cli);
    assert.deepEqual(params.load, { columns: ['u', 'i', 'c', 'event', 'ts'], rename: { u: 'user_id', i: 'item_id' }, eventMap: { 1: 'click', 4: 'buy' },
      actions: ['share'], categorical: ['c'], numeric: ['price'], drop: ['x'], tsFormat: 'epoch_ms', keepDuplicates: true, strict: true });
    assert.deepEqual(loadOptionsFromParams({ dataPath: 'log.csv', ...params }), cli);
    // The values may also be written as after the flag.
    assert.deepEqual(loadOptionsFromParams({ dataPath: 'log.csv', preset: 'x.json', load: { eventMap: '1=click, 4=buy', categorical: 'c,d' } }),
      { preset: 'x.json', eventMap: { 1: 'click', 4: 'buy' }, categorical: ['c', 'd'] });
  });

  test('preset "" is buypath on the embedded log and detection on any other', () => {
    assert.deepEqual(loadOptionsFromParams({ dataPath: '', preset: '', load: {} }), { preset: 'buypath' });
    assert.deepEqual(loadOptionsFromParams({ dataPath: 'own.csv', preset: '', load: {} }), {});
  });

  test('errors name the parameter and what to write', () => {
    const bad = (load: Record<string, unknown>) => () => loadOptionsFromParams({ dataPath: 'a.csv', load });
    assert.throws(bad({ eventMap: '1' }), /^OptionError: notebook parameter load\.eventMap: expected pairs written from=to, got "1"/);
    assert.throws(bad({ eventMap: { 1: 2 } }), /notebook parameter load: expected "eventMap" to map names to names/);
    assert.throws(bad({ categorical: 3 }), /notebook parameter load\.categorical: expected a list of names, e\.g\. \['a', 'b'\] or 'a,b', got a number/);
    assert.throws(bad({ keepDuplicates: 'yes' }), /notebook parameter load\.keepDuplicates: expected a boolean, got a string/);
    assert.throws(bad({ tsFormat: 'whenever' }), /notebook parameter load: "tsFormat": expected one of epoch_s, epoch_ms, epoch_us, iso8601 or a strftime-style pattern/);
    assert.throws(bad({ dedupe: false }), /expected keys among columns, rename, eventMap.*got "dedupe"\. Write keepDuplicates: true/);
    assert.throws(bad({ preset: 'x' }), /got "preset"\. The preset is a parameter of its own/);
  });
});

describe('npm start -- LOG [flags]: arguments to notebook parameters', () => {
  const where = { cwd: ROOT, root: ROOT };

  test('the log and the load flags reach every notebook; run flags only those that declare them', () => {
    const dir = tmp();
    const log = join(dir, 'shop.csv');
    writeFileSync(log, '1,2,3,1,1767572315\n');
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ columns: ['user_id', 'item_id', 'category_id', 'event', 'ts'], header: false }));
    // Relative paths start where npm was run (INIT_CWD), not in notebooks/ where the kernels run.
    const plan = startArgs(['shop.csv', '--preset', 'p.json', '--event-map', '1=click,4=buy', '--keep-duplicates', '--epochs', '2', '--replicates', '30', '--out', 'rep'], { cwd: dir, root: ROOT });
    assert.equal(plan.log, log);
    assert.equal(plan.out, join(dir, 'rep'));
    assert.deepEqual(plan.params, { dataPath: log, preset: join(dir, 'p.json'), load: { eventMap: { 1: 'click', 4: 'buy' }, keepDuplicates: true }, epochs: 2, replicates: 30 });
    const of = (b: string) => paramsFor(plan, notebookParameters(join(NB, `${b}.ipynb`)));
    assert.deepEqual(Object.keys(of('00-quickstart')).sort(), ['dataPath', 'load', 'preset']);
    assert.deepEqual(Object.keys(of('02-train-esm2')).sort(), ['dataPath', 'epochs', 'load', 'preset']);
    assert.deepEqual(Object.keys(of('03-compare')).sort(), ['dataPath', 'epochs', 'load', 'preset', 'replicates']);
    assert.deepEqual(startArgs([], where), { help: false, log: null, out: join(ROOT, 'reports'), only: [], params: {} }, 'no LOG: the embedded data, as before');
  });

  test('errors name the flag as typed after npm start, before anything runs', () => {
    const dir = tmp();
    const log = join(dir, 'log.csv');
    writeFileSync(log, 'user_id,item_id,event,ts\n');
    const bad = (...argv: string[]) => () => startArgs(argv, { cwd: dir, root: ROOT });
    assert.throws(bad(log, '--ts-format', 'hourly'), /^OptionError: npm start --ts-format: expected one of epoch_s.*got "hourly"/);
    assert.throws(bad(log, '--event-map', 'click'), /^OptionError: npm start --event-map: expected pairs written from=to, got "click"/);
    assert.throws(bad(log, '--epochs', '0'), /^OptionError: npm start --epochs: expected an integer ≥ 1, got "0"/);
    assert.throws(bad(log, '--config', 'huge'), /^OptionError: npm start --config: expected fast or paper, got "huge"/);
    assert.throws(bad(log, '--frobnicate'), /^OptionError: npm start: Unknown option '--frobnicate'.*npm start -- --help/);
    assert.throws(bad('--preset', 'taobao-userbehavior'), /npm start: load flags \(--preset\) read a log, got no LOG/);
    assert.throws(bad('01'), /expected a log file, got nothing at .*01\. To run some notebooks only, pass --only 01/);
    assert.throws(bad(dir), /expected a log file, got the directory/);
    assert.throws(bad(log, 'other.csv'), /npm start: expected one LOG, got/);
    assert.throws(bad(log, '--preset', 'tabao'), /^OptionError: npm start --preset: expected one of .*taobao-userbehavior.*got "tabao"/);
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ evenMap: {} }));
    assert.throws(bad(log, '--preset', 'p.json'), /^OptionError: npm start --preset: .*p\.json: expected fields among .*got "evenMap"/);
  });
});

describe('npm start -- LOG --preset P writes the report of a user\'s log', needs('jupyter', 'xgboost'), () => {
  test('coded events and no header: the four notebooks, their counts and the report', () => {
    const dir = tmp();
    const { file, counts } = shopLog(dir);
    // The preset file knows the funnel codes; the flags add the rest, so the counts below hold only if flags reach the notebooks.
    writeFileSync(join(dir, 'shop.json'), JSON.stringify({ header: false, columns: ['user_id', 'item_id', 'category_id', 'event', 'ts'],
      eventMap: { 1: 'click', 2: 'wish', 3: 'cart', 4: 'buy' }, tsFormat: 'epoch_s' }));
    const out = join(dir, 'report');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'run-notebooks.js'), 'shop.csv', '--preset', 'shop.json', '--event-map', '5=share,6=compare',
      '--categorical', 'category_id', '--epochs', '1', '--replicates', '20', '--out', out], { cwd: ROOT, env: { ...process.env, INIT_CWD: dir }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const f of ['index.html', 'results.json', ...BOOKS.map((b) => `notebooks/${b}.html`)]) assert.ok(existsSync(join(out, f)), f);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    for (const b of BOOKS) assert.equal(res.notebooks[b].ok, true, b);
    const nb = (b: string) => res.notebooks[b].results;
    assert.equal(nb('00-quickstart').path, file);
    assert.equal(nb('00-quickstart').rows, Object.values(counts).reduce((a, b) => a + b, 0));
    assert.deepEqual(nb('00-quickstart').events, counts, 'every code mapped, by the preset file and by --event-map');
    assert.equal(nb('01-mine-paths').mode, 'user-item');
    assert.equal(nb('01-mine-paths').breakdown.column, 'category_id', '--categorical reached notebook 01');
    assert.deepEqual([...nb('01-mine-paths').recommended].sort(), ['cart', 'wish'], 'the simulated drivers of purchase');
    assert.equal(nb('02-train-esm2').space, 'click');
    assert.equal(res.source.path, file);
    assert.equal(res.source.preset, join(dir, 'shop.json'));
    assert.deepEqual(res.source.load, { preset: join(dir, 'shop.json'), eventMap: { 5: 'share', 6: 'compare' }, categorical: ['category_id'] });
    assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /shop\.csv/);
  });
});
