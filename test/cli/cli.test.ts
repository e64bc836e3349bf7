import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, taobaoPath, writeTmp, needs, ROOT } from '../helpers';

test('buypath --help lists the commands; each has --help', () => {
  const top = cli(['--help']);
  assert.equal(top.status, 0);
  for (const cmd of ['simulate', 'inspect', 'mine', 'train', 'predict', 'report']) {
    assert.match(top.stdout, new RegExp(cmd));
    const h = cli([cmd, '--help']);
    assert.equal(h.status, 0);
    assert.match(h.stdout, new RegExp(`Usage: buypath ${cmd}`));
  }
  const bad = cli(['frobnicate']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /expected a command/);
});

test('buypath simulate writes the log and the truths and prints realised rates', () => {
  const out = join(tmp(), 'sim');
  const r = cli(['simulate', '--out', out, '--impressions', '20000', '--seed', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(out, 'events.csv')) && existsSync(join(out, 'truth.csv')));
  assert.match(r.stdout, /CTR \d+\.\d+%/);
  assert.match(r.stdout, /click→buy \d+\.\d+%/);
  const j = cli(['simulate', '--out', out, '--impressions', '20000', '--seed', '1', '--json']);
  assert.equal(JSON.parse(j.stdout).rates.impressions, 20000);
  const bad = cli(['simulate', '--impressions', 'many']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--impressions: expected an integer, got "many"/);
  const taste = cli(['simulate', '--out', join(tmp(), 'hard'), '--impressions', '2000', '--buy-taste', '0.6', '--json']);
  assert.equal(taste.status, 0, taste.stderr);
  assert.equal(JSON.parse(readFileSync(join(JSON.parse(taste.stdout).files.meta), 'utf8')).options.buyTaste, 0.6);
  assert.match(cli(['simulate', '--buy-taste', 'x']).stderr, /--buy-taste: expected a number, got "x"/);
});

test('buypath inspect --json on the Taobao sample', needs('taobao'), () => {
  const r = cli(['inspect', taobaoPath(), '--preset', 'taobao-userbehavior', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.rows, 84287);
  assert.deepEqual(j.events, { click: 75693, cart: 4494, wish: 2351, buy: 1749 });
  assert.deepEqual(j.problems, { malformed_line: 0, blank_id: 0, unknown_event: 0, bad_timestamp: 0, duplicate: 0 });
});

test('--version prints the package version; extra positional arguments are errors, not ignored', () => {
  const v = cli(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), `buypath ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`);
  const r = cli(['mine', 'a.csv', 'b.csv']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^buypath mine: expected 1 argument \(FILE\), got also "b.csv"/);
  assert.match(cli(['simulate', 'out']).stderr, /^buypath simulate: expected no arguments, got also "out"/);
});

test('CLI errors print their prefix once', () => {
  const r = cli(['mine', 'x.csv', '--mode', 'foo']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^buypath mine --mode: expected auto, impression or user-item, got "foo"/);
  assert.doesNotMatch(r.stderr, /buypath mine: buypath mine/);
  const missing = cli(['inspect', '/nonexistent/log.csv']);
  assert.match(missing.stderr, /^buypath inspect: /);
  assert.doesNotMatch(missing.stderr, /buypath inspect: buypath inspect/);
});

test('buypath inspect --strict fails naming the line; lenient reports it', () => {
  const path = writeTmp('bad.csv', 'user_id,item_id,event,ts\nu,i,click,1511544070\nu,i,click,noon\n');
  const strict = cli(['inspect', path, '--strict']);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /line 3: bad timestamp/);
  const lenient = cli(['inspect', path, '--json']);
  assert.equal(JSON.parse(lenient.stdout).problems.bad_timestamp, 1);
  const text = cli(['inspect', path]);
  assert.match(text.stdout, /bad_timestamp: 1 \(lines 3\)/);
});

test('buypath train then predict on the simulator', () => {
  const dir = tmp();
  const sim = join(dir, 'sim');
  assert.equal(cli(['simulate', '--out', sim, '--impressions', '30000', '--seed', '4']).status, 0);
  const t = cli(['train', join(sim, 'events.csv'), '--model', 'esm2', '--daction', 'cart,wish', '--out', join(dir, 'm'), '--epochs', '1']);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /tfjs backend/);
  assert.match(t.stdout, /test CVR AUC \d\.\d+/);
  const p = cli(['predict', join(dir, 'm'), join(sim, 'events.csv'), '--out', join(dir, 'preds.csv')]);
  assert.equal(p.status, 0, p.stderr);
  const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'impression_id,user_id,item_id,ts,click,daction,buy,pctr,pctavr,pcvr,pctcvr');
  assert.equal(lines.length, 30_001);
  const row = lines[1].split(',');
  for (const v of row.slice(7)) assert.ok(Number(v) > 0 && Number(v) < 1, lines[1]);
  // Feature choices travel with the model: predict rebuilds the cross and leaves the ids out.
  const x = cli(['train', join(sim, 'events.csv'), '--daction', 'cart,wish', '--out', join(dir, 'mx'), '--epochs', '1', '--exclude', 'user_id,item_id', '--cross', 'segment:category']);
  assert.equal(x.status, 0, x.stderr);
  const meta = JSON.parse(readFileSync(join(dir, 'mx', 'model.json'), 'utf8'));
  assert.deepEqual(meta.features, { exclude: ['user_id', 'item_id'], crosses: [['segment', 'category']], history: false });
  assert.deepEqual(meta.encoder.categorical.map((c: { name: string }) => c.name), ['segment', 'category', 'level', 'segment_x_category']);
  assert.equal(cli(['predict', join(dir, 'mx'), join(sim, 'events.csv'), '--out', join(dir, 'px.csv')]).status, 0);
  const px = readFileSync(join(dir, 'px.csv'), 'utf8').trim().split('\n');
  assert.equal(px.length, 30_001);
  assert.notEqual(px[1].split(',')[9], lines[1].split(',')[9], 'another feature set, another pCVR');
  assert.match(cli(['train', join(sim, 'events.csv'), '--out', join(dir, 'bad'), '--cross', 'segment:colour']).stderr, /crosses: expected two or more categorical columns/);
});

test('buypath train then predict on the Taobao sample (click space)', needs('taobao'), () => {
  const dir = tmp();
  const tb = cli(['train', taobaoPath(), '--preset', 'taobao-userbehavior', '--model', 'esm2', '--out', join(dir, 'tb'), '--epochs', '1']);
  assert.equal(tb.status, 0, tb.stderr);
  assert.match(tb.stdout, /click space/);
  const tp = cli(['predict', join(dir, 'tb'), taobaoPath(), '--out', join(dir, 'tb.csv')]);
  assert.equal(tp.status, 0, tp.stderr);
  const tl = readFileSync(join(dir, 'tb.csv'), 'utf8').trim().split('\n');
  assert.equal(tl[0], 'user_id,item_id,ts,click,daction,buy,pctr,pctavr,pcvr,pctcvr');
  const r1 = tl[1].split(',');
  assert.deepEqual([r1[6], r1[7], r1[9]], ['', '', '']);
  assert.ok(Number(r1[8]) > 0 && Number(r1[8]) < 1);
});

test('buypath report on the Taobao sample runs end to end (click space)', needs('taobao', 'xgboost'), () => {
  const out = join(tmp(), 'r');
  const r = cli(['report', taobaoPath(), '--preset', 'taobao-userbehavior', '--out', out, '--epochs', '1', '--replicates', '20']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(j.space, 'click');
  assert.deepEqual(Object.keys(j.models), ['gbdt', 'dnn', 'dnn_os', 'esmm', 'esm2']);
  assert.equal(typeof j.models.esm2.cvr_auc, 'number');
  assert.equal(j.models.esm2.ctcvr_auc, undefined);
  assert.ok(existsSync(join(out, 'index.html')));
});

describe('load options on the command line and in preset files', () => {
  // A log with numeric behaviour codes (1 click, 2 wish, 3 cart, 4 buy), renamed columns and a numeric category id.
  const coded = ['uid,iid,cat,code,time', 'u1,i1,7,1,1600000000', 'u1,i1,7,3,1600000060', 'u1,i1,7,4,1600000120', 'u2,i2,8,1,1600000000', 'u2,i2,8,2,1600000030', 'u2,i2,8,2,1600000030'].join('\n') + '\n';
  const flags = ['--rename', 'uid=user_id,iid=item_id,code=event,time=ts', '--event-map', '1=click,2=wish,3=cart,4=buy', '--categorical', 'cat'];

  test('--rename, --event-map, --categorical and --keep-duplicates load a coded log in one command', () => {
    const path = writeTmp('coded.csv', coded);
    const r = cli(['inspect', path, ...flags, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.events, { click: 2, cart: 1, buy: 1, wish: 1 });
    assert.equal(j.problems.duplicate, 1);
    assert.equal(j.report.features.cat, 'categorical');
    const keep = JSON.parse(cli(['inspect', path, ...flags, '--keep-duplicates', '--json']).stdout);
    assert.equal(keep.events.wish, 2);
    assert.equal(keep.problems.duplicate, 0);
  });

  test('a preset file holds the same options; extends a built-in preset; bad files are named', () => {
    const dir = tmp();
    const path = writeTmp('coded.csv', coded, dir);
    const preset = writeTmp('coded.json', JSON.stringify({ name: 'coded', rename: { uid: 'user_id', iid: 'item_id', code: 'event', time: 'ts' }, eventMap: { 1: 'click', 2: 'wish', 3: 'cart', 4: 'buy' }, categorical: ['cat'] }), dir);
    const r = cli(['inspect', path, '--preset', preset, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).events, { click: 2, cart: 1, buy: 1, wish: 1 });
    const headless = writeTmp('tb.csv', '1,10,5,pv,1511544070\n1,10,5,cart,1511544080\n', dir);
    const ext = writeTmp('tb.json', JSON.stringify({ extends: 'taobao-userbehavior', eventMap: { cart: 'wish' } }), dir);
    assert.deepEqual(JSON.parse(cli(['inspect', headless, '--preset', ext, '--json']).stdout).events, { click: 1, wish: 1 });
    const typo = writeTmp('typo.json', JSON.stringify({ event_map: { 1: 'click' } }), dir);
    assert.match(cli(['inspect', path, '--preset', typo]).stderr, /typo\.json: expected fields among .*eventMap.*, got "event_map"/);
    const badType = writeTmp('bad.json', JSON.stringify({ categorical: 'cat' }), dir);
    assert.match(cli(['inspect', path, '--preset', badType]).stderr, /expected "categorical" to be a list of strings, got string/);
    assert.match(cli(['inspect', path, '--preset', join(dir, 'missing.json')]).stderr, /missing\.json: expected a readable JSON file, got ENOENT/);
    assert.match(cli(['inspect', path, '--event-map', '1:click']).stderr, /^buypath inspect --event-map: expected pairs written from=to, got "1:click"/);
    assert.match(cli(['inspect', path, '--ts-format', 'unix']).stderr, /^buypath inspect --ts-format: expected one of epoch_s/);
  });
});

test('flags are checked before any data is read: --epochs 0, an unknown --model or --config', () => {
  const missing = '/nonexistent/never-read.csv';
  const e0 = cli(['train', missing, '--out', join(tmp(), 'm'), '--epochs', '0']);
  assert.equal(e0.status, 1);
  assert.match(e0.stderr, /^buypath train --epochs: expected an integer ≥ 1, got "0"/);
  assert.match(cli(['train', missing, '--out', join(tmp(), 'm'), '--model', 'foo']).stderr, /^buypath train --model: expected one of .*esm2.*, got "foo"/);
  assert.match(cli(['train', missing, '--out', join(tmp(), 'm'), '--config', 'huge']).stderr, /^buypath train --config: expected (fast or paper|paper or fast), got "huge"/);
  assert.match(cli(['report', missing, '--out', join(tmp(), 'r'), '--epochs', '0']).stderr, /^buypath report --epochs: expected an integer ≥ 1, got "0"/);
});

test('inspect --suggest proposes a preset that loads a coded, headerless log with ms timestamps in two commands', () => {
  const dir = tmp();
  // user, item, category, behaviour code (1 view … 4 buy, by frequency), epoch milliseconds; no header.
  const rows: string[] = [];
  let t = 1_600_000_000_000;
  for (let u = 0; u < 40; u++) {
    for (let k = 0; k < 10; k++) rows.push(`${100 + u},${500 + k},${7 + (k % 3)},1,${(t += 1000)}`);
    if (u % 2 === 0) rows.push(`${100 + u},500,7,3,${(t += 1000)}`);
    if (u % 4 === 0) rows.push(`${100 + u},501,7,2,${(t += 1000)}`);
    if (u % 8 === 0) rows.push(`${100 + u},500,7,4,${(t += 1000)}`);
  }
  const log = writeTmp('coded.csv', rows.join('\n') + '\n', dir);
  const s = cli(['inspect', log, '--suggest']);
  assert.equal(s.status, 0, s.stderr);
  const preset = JSON.parse(s.stdout);
  assert.deepEqual(preset.columns, ['user_id', 'item_id', 'col3', 'event', 'ts']);
  assert.deepEqual(preset.eventMap, { 1: 'click', 3: 'cart', 2: 'wish', 4: 'buy' });
  assert.equal(preset.tsFormat, 'epoch_ms');
  assert.deepEqual(preset.categorical, ['col3']);
  assert.ok(preset.notes.some((n: string) => /Guessed by frequency/.test(n)));
  const file = join(dir, 'p.json');
  writeFileSync(file, s.stdout);
  const r = cli(['inspect', log, '--preset', file, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.events, { click: 400, cart: 20, wish: 10, buy: 5 });
  assert.equal(j.rows, rows.length);
  assert.equal(j.report.features.col3, 'categorical');
});

test('the rees46 preset reads the REES46 multi-category store schema in one command', () => {
  const rows = [
    'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session',
    '2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3',
    '2019-10-01 00:00:05 UTC,cart,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3',
    '2019-10-01 00:00:09 UTC,remove_from_cart,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3',
    '2019-10-01 00:00:20 UTC,cart,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3',
    '2019-10-01 00:01:00 UTC,purchase,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3',
    '2019-10-01 00:02:00 UTC,view,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,554748717,9333dfbd-b87a',
  ];
  const r = cli(['inspect', writeTmp('2019-Oct.csv', rows.join('\n') + '\n'), '--preset', 'rees46', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.events, { click: 2, cart: 2, remove_from_cart: 1, buy: 1 });
  assert.equal(j.rows, 6);
  assert.equal(j.report.ts_min, '2019-10-01T00:00:00.000Z');
  assert.deepEqual([j.report.features.brand, j.report.features.category_id, j.report.features.price], ['categorical', 'categorical', 'numeric']);
  assert.equal(j.report.features.user_session, undefined);
});

test('buypath presets lists the built-in presets', () => {
  const r = cli(['presets']);
  assert.equal(r.status, 0);
  for (const name of ['taobao-userbehavior', 'retailrocket', 'buypath']) assert.match(r.stdout, new RegExp(`^${name} `, 'm'));
  assert.deepEqual(Object.keys(JSON.parse(cli(['presets', '--json']).stdout)).sort(), ['buypath', 'otto', 'rees46', 'retailrocket', 'taobao-userbehavior', 'yoochoose']);
});

test('honest failures: a log that keeps no row exits non-zero naming the fix; directories and binary files get one line each', () => {
  const dir = tmp();
  const unknown = writeTmp('codes.csv', 'user_id,item_id,event,ts\nu1,i1,1,1600000000\nu1,i1,2,1600000100\nu2,i1,1,1600000200\n', dir);
  for (const cmd of ['inspect', 'mine']) {
    const r = cli([cmd, unknown]);
    assert.equal(r.status, 1, `${cmd}: ${r.stdout}`);
    assert.match(r.stderr, new RegExp(`^buypath ${cmd}: .*codes\\.csv: expected rows to keep, got none of 3 rows read\\. unknown_event: 3 rows .*--event-map`));
  }
  assert.equal(cli(['inspect', unknown, '--event-map', '1=click,2=buy']).status, 0);
  // Every problem class in one pass: unknown events do not hide bad timestamps; an unrecognised style is said as such.
  const both = cli(['inspect', writeTmp('both.csv', 'user_id,item_id,event,ts\nu1,i1,1,yesterday\nu1,i1,2,today\n', dir)]);
  assert.equal(both.status, 1);
  assert.match(both.stderr, /unknown_event: 2 rows .* bad_timestamp: 2 rows .*No timestamp style was recognised in the first values/);
  const mixed = cli(['inspect', writeTmp('mixed.csv', 'user_id,item_id,event,ts\nu1,i1,1,1600000000\nu1,i1,click,tomorrow\nu2,i2,click,1600000100\n', dir)]);
  assert.equal(mixed.status, 0, mixed.stderr);
  assert.match(mixed.stdout, /timestamps epoch_s \(detected\)/);
  assert.match(mixed.stdout, /unknown_event: 1 \(lines 2\)/);
  assert.match(mixed.stdout, /bad_timestamp: 1 \(lines 3\)/);
  const d = cli(['inspect', dir]);
  assert.equal(d.status, 1);
  assert.match(d.stderr, /expected an event log file, got a directory/);
  const bin = join(dir, 'image.csv');
  writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, ...Array(200).fill(7)]));
  const b = cli(['inspect', bin]);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /got a binary file \(first bytes 89 50 4e 47 0d 0a 1a 0a\)/);
  assert.ok(b.stderr.length < 400, 'one line, no raw bytes');
});

test('a log with numeric behaviour codes and hour-resolution times loads in one command, or in two through --suggest', () => {
  const dir = tmp();
  // user, item, category, behaviour (1 view, 2 fav, 3 cart, 4 buy), "YYYY-MM-DD HH" in Beijing time; no header.
  const rows: string[] = [];
  for (let u = 0; u < 30; u++) {
    const h = String(u % 24).padStart(2, '0');
    for (let k = 0; k < 6; k++) rows.push(`${1000 + u},${70 + k},${3 + (k % 2)},1,2017-11-25 ${h}`);
    if (u % 3 === 0) rows.push(`${1000 + u},70,3,3,2017-11-25 ${h}`);
    if (u % 5 === 0) rows.push(`${1000 + u},71,4,2,2017-11-26 ${h}`);
    if (u % 6 === 0) rows.push(`${1000 + u},70,3,4,2017-11-26 ${h}`);
  }
  const log = writeTmp('hourly.csv', rows.join('\n') + '\n', dir);
  const flags = ['--columns', 'user_id,item_id,category_id,event,ts', '--event-map', '1=click,2=wish,3=cart,4=buy', '--ts-format', '%Y-%m-%d %H', '--tz', 'Asia/Shanghai', '--categorical', 'category_id'];
  const r = cli(['inspect', log, ...flags, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.events, { click: 180, cart: 10, wish: 6, buy: 5 });
  assert.equal(j.rows, rows.length);
  assert.equal(j.report.ts_min, '2017-11-24T16:00:00.000Z', '00:00 in Beijing is 16:00 UTC the day before');
  assert.equal(j.report.features.category_id, 'categorical');
  // Two commands: the suggested preset (date-hour times read as ISO-8601 in UTC) loads the same events.
  const s = cli(['inspect', log, '--suggest']);
  assert.equal(s.status, 0, s.stderr);
  writeFileSync(join(dir, 'p.json'), s.stdout);
  const p = JSON.parse(cli(['inspect', log, '--preset', join(dir, 'p.json'), '--json']).stdout);
  assert.deepEqual(p.events, { click: 180, cart: 10, wish: 6, buy: 5 });
  assert.equal(p.report.ts_format, 'iso8601');
  assert.equal(p.report.ts_min, '2017-11-25T00:00:00.000Z');
});
