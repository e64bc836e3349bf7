/**
 * Labelled impression tables (issue 13, item 5): a table with 0/1 flags per impression is loaded, its bad rows
 * counted, its funnel and action table counted against the rows themselves, a DAction recommended, and
 * `buypath mine` / `buypath train` run on it in one command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/random';
import { loadLabelled, flagValue } from '../../src/data/load-labelled';
import { labelledPaths } from '../../src/paths/labelled-paths';
import { analysePaths } from '../../src/paths/path-report';
import { mineLog } from '../../src/pipeline/mine-log';
import { prepareLog } from '../../src/pipeline/train-log';
import { openDuckDB } from '../../src/data/duckdb';
import { cli, tmp, writeTmp } from '../helpers';

interface Row { uid: string; pid: string; ts: number; click: number; cart: number; fav: number; buy: number; price: number; cat: string }

/** A labelled table with a known mechanism: carts raise the buy rate tenfold, favourites do not. */
function fixture(n: number, seed = 7): Row[] {
  const rng = new Rng(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const cat = `c${rng.int(5)}`;
    const click = rng.bernoulli(cat === 'c0' ? 0.35 : 0.2) ? 1 : 0;
    const cart = click && rng.bernoulli(0.25) ? 1 : 0;
    const fav = click && rng.bernoulli(0.1) ? 1 : 0;
    const buy = click && rng.bernoulli(cart ? 0.4 : 0.04) ? 1 : 0;
    rows.push({ uid: `u${rng.int(300)}`, pid: `p${rng.int(80)}`, ts: 1_700_000_000 + i * 60, click, cart, fav, buy, price: Math.round(rng.uniform() * 1000) / 10, cat });
  }
  // Two anomalies the loader keeps as unclicked impressions: a purchase and a cart without a click.
  rows[3] = { ...rows[3], click: 0, cart: 0, fav: 0, buy: 1 };
  rows[5] = { ...rows[5], click: 0, cart: 1, fav: 0, buy: 0 };
  return rows;
}

function csv(rows: Row[], bad: string[] = []): string {
  const lines = ['uid,pid,time,is_click,is_cart,is_fav,is_buy,price,cat'];
  for (const r of rows) lines.push([r.uid, r.pid, r.ts, r.click, r.cart, r.fav, r.buy, r.price, r.cat].join(','));
  return [...lines, ...bad].join('\n') + '\n';
}

const RENAME = { uid: 'user_id', pid: 'item_id', time: 'ts' };

test('flagValue reads 0/1, 0.0/1.0 and true/false, and nothing else', () => {
  assert.deepEqual(['1', '0', ' 1.0 ', 'TRUE', 'false'].map(flagValue), [1, 0, 1, 1, 0]);
  assert.deepEqual(['2', '', 'yes', '-1', '0.5'].map(flagValue), [-1, -1, -1, -1, -1]);
});

test('loadLabelled: flags detected by name, bad rows counted per class, counts match the rows', async () => {
  const rows = fixture(400);
  const file = writeTmp('labelled.csv', csv(rows, ['u1,p1,1700000000,2,0,0,0,1.0,c1', ',p2,1700000000,1,0,0,0,1.0,c1', 'u2,p3,yesterday,1,0,0,0,1.0,c1']));
  const t = await loadLabelled(file, {}, { rename: RENAME });
  const r = t.report;
  assert.equal(r.rows_read, 403);
  assert.equal(r.rows_kept, 400);
  assert.equal(r.problems.bad_flag.count, 1);
  assert.deepEqual(r.problems.bad_flag.rows, [401]);
  assert.match(r.problems.bad_flag.example, /click flag \(column is_click\) is "2"/);
  assert.equal(r.problems.blank_id.count, 1);
  assert.equal(r.problems.bad_timestamp.count, 1);
  assert.deepEqual(t.actions, ['cart', 'wish']);
  assert.equal(r.mapping.is_fav, 'flag:wish');
  assert.deepEqual(r.features, { price: 'numeric', cat: 'categorical' });
  const sum = (k: keyof Row) => rows.reduce((s, x) => s + Number(x[k]), 0);
  assert.deepEqual(r.flags, { click: sum('click'), cart: sum('cart'), wish: sum('fav'), buy: sum('buy') });
  assert.deepEqual(t.table.columnNames(), ['user_id', 'item_id', 'ts', 'price', 'cat'], 'flags are never features');
  await assert.rejects(loadLabelled(file, {}, { rename: RENAME, strict: true }), /data row 401: bad flag/);
  await assert.rejects(loadLabelled(file, { buy: 'is_paid' }, { rename: RENAME }), /expected a buy flag column "is_paid".*--labelled buy=COLUMN/);
});

test('labelled paths: funnel and action table against a count of the rows; anomalies; a DAction recommended', async () => {
  const rows = fixture(4000);
  const file = writeTmp('labelled.csv', csv(rows));
  const t = await loadLabelled(file, { click: 'is_click', buy: 'is_buy', actions: { cart: 'is_cart', wish: 'is_fav' } }, { rename: RENAME });
  const paths = labelledPaths(t);
  const rep = analysePaths(paths, { bootstrap: 100 });
  const clicked = rows.filter((r) => r.click);
  const count = (f: (r: Row) => boolean) => clicked.filter(f).length;
  assert.equal(rep.paths, rows.length);
  assert.equal(rep.labelled, true);
  assert.deepEqual(rep.funnel.counts, { impression: rows.length, click: clicked.length, cart: count((r) => r.cart === 1), wish: count((r) => r.fav === 1), buy: count((r) => r.buy === 1) });
  const cart = rep.actions.find((a) => a.action === 'cart')!;
  assert.ok(Math.abs(cart.rate_given_click - count((r) => r.cart === 1) / clicked.length) < 1e-12);
  assert.ok(Math.abs(cart.buy_rate - count((r) => r.cart === 1 && r.buy === 1) / count((r) => r.cart === 1)) < 1e-12);
  assert.ok(Math.abs(cart.buy_rate_without - count((r) => r.cart === 0 && r.buy === 1) / count((r) => r.cart === 0)) < 1e-12);
  assert.equal(rep.anomalies.buy_without_click.count, rows.filter((r) => !r.click && r.buy).length);
  assert.equal(rep.anomalies.action_without_click.count, rows.filter((r) => !r.click && (r.cart || r.fav)).length);
  assert.deepEqual(rep.recommended, ['cart']);
  assert.match(rep.notes.join(' '), /labelled impression table/);
});

test('a table without a time column splits by row order and says so', async () => {
  const rows = fixture(2000);
  const lines = ['user_id,item_id,click,cart,buy,cat', ...rows.map((r) => [r.uid, r.pid, r.click, r.cart, r.buy, r.cat].join(','))];
  const file = writeTmp('no-ts.csv', lines.join('\n') + '\n');
  const p = await prepareLog(file, { labelled: {}, daction: ['cart'] });
  assert.equal(p.prepared.samples.space, 'impression');
  assert.equal(p.prepared.samples.n, rows.length);
  // The first 70% of rows train, in file order: the labels of the training rows are the first rows' flags.
  const train = p.prepared.split.train;
  assert.equal(train.length, Math.floor(rows.length * 0.7));
  assert.deepEqual(Array.from(train, (i) => p.prepared.samples.labels.click[i]), rows.slice(0, train.length).map((r) => r.click));
  assert.deepEqual(Array.from(train, (i) => p.prepared.samples.labels.buy[i]), rows.slice(0, train.length).map((r) => (r.click ? r.buy : 0)));
  const mined = await mineLog(file, { labelled: {} });
  assert.match(mined.report.notes.join(' '), /no time column/);
  assert.match(mined.load.labelled!.notes.join(' '), /row order/);
});

test('buypath mine and buypath train on a labelled table, one command each; flags checked before reading', () => {
  const file = writeTmp('labelled.csv', csv(fixture(4000), ['u1,p1,1700000000,2,0,0,0,1.0,c1']));
  const m = cli(['mine', file, '--labelled', 'click=is_click,buy=is_buy,cart=is_cart,wish=is_fav', '--rename', 'uid=user_id,pid=item_id,time=ts', '--json', '-']);
  assert.equal(m.status, 0, m.stderr);
  const j = JSON.parse(m.stdout);
  assert.equal(j.source.quarantined, 1);
  assert.equal(j.source.labelled.problems.bad_flag.count, 1);
  assert.deepEqual(j.recommended, ['cart']);
  const text = cli(['mine', file, '--labelled', 'auto', '--rename', 'uid=user_id,pid=item_id,time=ts']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /4000 labelled rows → 4000 paths/);
  assert.match(text.stdout, /quarantined bad_flag: 1 \(rows 4001\)/);
  const out = join(tmp(), 'model');
  const t = cli(['train', file, '--labelled', 'auto', '--rename', 'uid=user_id,pid=item_id,time=ts', '--model', 'esm2', '--epochs', '1', '--out', out]);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /samples in impression space/);
  assert.match(t.stdout, /DAction cart \(recommended on the training period\)/);
  assert.match(t.stdout, /test CVR AUC \d\.\d+/);
  assert.ok(existsSync(join(out, 'model.json')));
  // predict reads the log as the model's training log was read: a labelled table with the same flags and renames.
  const preds = join(tmp(), 'preds.csv');
  const p = cli(['predict', out, file, '--out', preds]);
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /wrote 4000 predictions \(impression space/);
  const header = readFileSync(preds, 'utf8').split('\n')[0];
  assert.equal(header, 'user_id,item_id,ts,click,daction,buy,pctr,pctavr,pcvr,pctcvr');
  const bad = cli(['mine', '/nonexistent.csv', '--labelled', 'click=is_click,buy']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--labelled: expected pairs written from=to, got "buy"/);
  const clash = cli(['train', '/nonexistent.csv', '--labelled', 'auto', '--event-map', '1=click', '--out', out]);
  assert.equal(clash.status, 1);
  assert.match(clash.stderr, /--labelled: expected no event-log flags beside it, got --event-map/);
});

test('buypath report on a labelled table without time: the training period is named by rows', () => {
  const rows = fixture(3000);
  const file = writeTmp('no-ts.csv', ['user_id,item_id,is_click,is_cart,is_fav,is_buy,cat', ...rows.map((r) => [r.uid, r.pid, r.click, r.cart, r.fav, r.buy, r.cat].join(','))].join('\n') + '\n');
  const out = tmp();
  const r = cli(['report', file, '--labelled', 'auto', '--out', out, '--epochs', '1', '--replicates', '20', '--ablation', 'off']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.deepEqual(j.source.labelled, {});
  assert.equal(j.split.train, Math.floor(rows.length * 0.7));
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), new RegExp(`the first ${j.split.train} rows`));
});

test('JSONL (boolean flags) and Parquet labelled tables load to the same rows as the CSV', async () => {
  const rows = fixture(300);
  const dir = tmp();
  const csvFile = writeTmp('t.csv', csv(rows), dir);
  const jsonl = writeTmp('t.jsonl', rows.map((r) => JSON.stringify({ uid: r.uid, pid: r.pid, time: r.ts, is_click: r.click === 1, is_cart: r.cart, is_fav: r.fav, is_buy: r.buy === 1, price: r.price, cat: r.cat })).join('\n') + '\n', dir);
  const parquet = join(dir, 't.parquet');
  const con = await openDuckDB();
  await con.run(`COPY (SELECT * FROM read_csv('${csvFile}')) TO '${parquet}' (FORMAT parquet)`);
  con.closeSync();
  const ref = await loadLabelled(csvFile, {}, { rename: RENAME });
  for (const f of [jsonl, parquet]) {
    const t = await loadLabelled(f, {}, { rename: RENAME });
    assert.equal(t.report.rows_kept, rows.length, f);
    assert.deepEqual(t.report.flags, ref.report.flags, f);
    assert.deepEqual(Array.from(t.buy), Array.from(ref.buy), f);
    assert.deepEqual(t.table.array('ts'), ref.table.array('ts'), f);
    assert.deepEqual(t.report.features, { price: 'numeric', cat: 'categorical' }, f);
  }
});
