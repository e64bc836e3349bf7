import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadEvents, LoadError, PROBLEM_CLASSES, openDuckDB, sqlString } from '../../src';
import { writeTmp, taobaoPath, tmp, needs } from '../helpers';
import { join } from 'node:path';

const CLEAN = `user_id,item_id,event,ts,price
u1,i1,click,1511544070,9.5
u1,i1,cart,1511544080,9.5
u2,i2,pv,1511544090,3
u2,i2,buy,1511544100,3
`;

describe('loadEvents: formats', () => {
  test('CSV with header maps vocabulary and infers a numeric feature', async () => {
    const { table, report } = await loadEvents(writeTmp('a.csv', CLEAN));
    assert.equal(report.rows_read, 4);
    assert.equal(report.rows_kept, 4);
    assert.deepEqual(report.events, { click: 2, cart: 1, buy: 1 });
    assert.equal(report.header, true);
    assert.equal(report.features.price, 'numeric');
    assert.deepEqual(Array.from(table.array('price') as Float64Array), [9.5, 9.5, 3, 3]);
    assert.deepEqual(table.columnNames(), ['user_id', 'item_id', 'event', 'ts', 'price']);
  });

  test('CSV without header needs columns, and reads them in order', async () => {
    const path = writeTmp('b.csv', 'u1,i1,c9,pv,1511544070\nu1,i1,c9,fav,1511544080\n');
    await assert.rejects(loadEvents(path), (e: Error) => e instanceof LoadError && /columns/.test(e.message) && /preset/.test(e.message));
    const { report, table } = await loadEvents(path, { columns: ['user_id', 'item_id', 'category_id', 'event', 'ts'] });
    assert.equal(report.header, false);
    assert.deepEqual(report.events, { click: 1, wish: 1 });
    assert.equal(report.features.category_id, 'categorical');
    assert.deepEqual(table.array('category_id'), ['c9', 'c9']);
  });

  test('TSV, gzip, CRLF and a BOM', async () => {
    const text = '\ufeff' + CLEAN.replace(/,/g, '\t').replace(/\n/g, '\r\n');
    const { report } = await loadEvents(writeTmp('c.tsv.gz', text));
    assert.equal(report.format, 'tsv');
    assert.equal(report.gzip, true);
    assert.equal(report.rows_kept, 4);
  });

  test('JSONL (numbers and strings), with a malformed line', async () => {
    const lines = [
      '{"user_id": 1, "item_id": "a", "event": "view", "ts": "2017-11-25T10:00:00Z", "channel": "app"}',
      '{"user_id": 1, "item_id": "a", "event": "addtocart", "ts": "2017-11-25T10:05:00Z", "channel": "app"}',
      '{"user_id": 1, "item_id": "a", "event": "transaction"',
    ];
    const { report, table } = await loadEvents(writeTmp('d.jsonl', lines.join('\n') + '\n'));
    assert.equal(report.format, 'jsonl');
    assert.deepEqual(report.events, { click: 1, cart: 1 });
    assert.equal(report.problems.malformed_line.count, 1);
    assert.deepEqual(report.problems.malformed_line.lines, [3]);
    assert.equal(report.ts_format, 'iso8601');
    assert.equal((table.array('ts') as Float64Array)[0], Date.UTC(2017, 10, 25, 10) / 1000);
  });

  test('Parquet through DuckDB', async () => {
    const dir = tmp();
    const csv = writeTmp('e.csv', CLEAN, dir);
    const pq = join(dir, 'e.parquet');
    const con = await openDuckDB();
    await con.run(`COPY (SELECT * FROM read_csv(${sqlString(csv)}, all_varchar=true)) TO ${sqlString(pq)} (FORMAT parquet)`);
    con.closeSync();
    const { report, table } = await loadEvents(pq);
    assert.equal(report.format, 'parquet');
    assert.equal(report.rows_kept, 4);
    assert.deepEqual(report.events, { click: 2, cart: 1, buy: 1 });
    assert.deepEqual(table.array('user_id'), ['u1', 'u1', 'u2', 'u2']);
  });

  test('quoted CSV fields with delimiters and escaped quotes', async () => {
    const { table } = await loadEvents(writeTmp('f.csv', 'user_id,item_id,event,ts,title\nu1,i1,click,1511544070,"red, ""big"" shoe"\n'));
    assert.deepEqual(table.array('title'), ['red, "big" shoe']);
  });
});

describe('loadEvents: timestamps', () => {
  const base = Date.UTC(2017, 10, 25, 10, 0, 0) / 1000;
  for (const [label, value] of [
    ['epoch seconds', String(base)],
    ['epoch milliseconds', String(base * 1000)],
    ['epoch microseconds', String(base * 1e6)],
    ['ISO-8601 with Z', '2017-11-25T10:00:00Z'],
    ['ISO-8601 with offset', '2017-11-25T18:00:00+08:00'],
    ['ISO-8601 with a space, no offset (UTC)', '2017-11-25 10:00:00'],
    ['ISO-8601 without seconds', '2017-11-25 10:00'],
    ['date and hour only', '2017-11-25 10'],
    ['a trailing zone name', '2017-11-25 10:00:00 UTC'],
    ['GMT', '2017-11-25 10:00:00 GMT'],
    ['a compact offset', '2017-11-25 18:00:00+0800'],
    ['an hour offset', '2017-11-25 05:00:00-05'],
  ] as const) {
    test(label, async () => {
      const { table, report } = await loadEvents(writeTmp('t.csv', `user_id,item_id,event,ts\nu,i,click,${value}\n`));
      assert.equal((table.array('ts') as Float64Array)[0], base);
      assert.equal(report.problems.bad_timestamp.count, 0);
    });
  }

  test('a strftime-style pattern and a time zone for values written without one', async () => {
    const path = writeTmp('p.csv', 'user_id,item_id,event,ts\nu,i,click,25/11/2017 06 PM\nu,i,buy,26/11/2017 01 AM\nu,i,cart,2017-11-25\n');
    const { table, report } = await loadEvents(path, { tsFormat: '%d/%m/%Y %I %p', tz: 'Asia/Shanghai' });
    assert.deepEqual(Array.from(table.array('ts') as Float64Array), [base, base + 7 * 3600]);
    assert.equal(report.problems.bad_timestamp.count, 1, 'a value in another style is a bad timestamp, not a guess');
    const day = await loadEvents(writeTmp('d.csv', 'user_id,item_id,event,ts\nu,i,click,2017-11-25\n'));
    assert.equal((day.table.array('ts') as Float64Array)[0], Date.UTC(2017, 10, 25) / 1000, 'a date alone is its midnight, UTC');
    await assert.rejects(loadEvents(path, { tsFormat: '%d/%m/%Y %I %p', tz: 'Asia/Shanghai', strict: true }), /line 4: bad timestamp: ts "2017-11-25" is not %d\/%m\/%Y %I %p/);
  });
});

const BAD = `user_id,item_id,event,ts
u1,i1,click,1511544070
u1,i1,click,1511544070,extra
,i2,click,1511544071
u3,i3,teleport,1511544072
u4,i4,click,yesterday
u1,i1,click,1511544070
u5,i5,click,"1511544073

u6,i6,buy,1511544090
`;

describe('loadEvents: problems', () => {
  test('lenient mode counts and locates every problem class', async () => {
    const { report, table } = await loadEvents(writeTmp('bad.csv', BAD));
    assert.equal(report.rows_read, 8);
    assert.equal(report.rows_kept, 2);
    assert.equal(report.blank_lines, 1);
    const lines = Object.fromEntries(PROBLEM_CLASSES.map((c) => [c, report.problems[c].lines]));
    assert.deepEqual(lines, { malformed_line: [3, 8], blank_id: [4], unknown_event: [5], bad_timestamp: [6], duplicate: [7] });
    assert.match(report.problems.unknown_event.example, /teleport/);
    assert.match(report.problems.duplicate.example, /line 2/);
    assert.equal(table.numRows(), 2);
  });

  test('strict mode fails on the first bad line, naming it, the problem and the fix', async () => {
    await assert.rejects(loadEvents(writeTmp('bad.csv', BAD), { strict: true }), (e: Error) => {
      assert.ok(e instanceof LoadError);
      assert.equal(e.line, 3);
      assert.equal(e.problem, 'malformed_line');
      assert.match(e.message, /line 3/);
      assert.match(e.message, /Fix|load leniently/);
      return true;
    });
  });

  test('strict mode names an unknown event and the eventMap fix', async () => {
    const path = writeTmp('u.csv', 'user_id,item_id,event,ts\nu,i,click,1511544070\nu,i,teleport,1511544071\n');
    await assert.rejects(loadEvents(path, { strict: true }), /line 3: unknown event: event "teleport".*eventMap/);
    const { report } = await loadEvents(path, { eventMap: { teleport: 'share' } });
    assert.deepEqual(report.events, { click: 1, share: 1 });
    const withAction = await loadEvents(path, { actions: ['teleport'] });
    assert.deepEqual(withAction.report.events, { click: 1, teleport: 1 });
  });

  test('empty and header-only files are clear errors', async () => {
    await assert.rejects(loadEvents(writeTmp('empty.csv', '')), /empty file/);
    await assert.rejects(loadEvents(writeTmp('header.csv', 'user_id,item_id,event,ts\n')), /header only/);
    await assert.rejects(loadEvents('/nonexistent/x.csv'), /got nothing at that path/);
  });

  test('dedupe: false keeps exact duplicates', async () => {
    const text = 'user_id,item_id,event,ts\nu,i,click,1511544070\nu,i,click,1511544070\n';
    assert.equal((await loadEvents(writeTmp('d.csv', text))).report.rows_kept, 1);
    assert.equal((await loadEvents(writeTmp('d.csv', text), { dedupe: false })).report.rows_kept, 2);
  });
});

describe('loadEvents: presets on real data', () => {
  test('taobao-userbehavior reads the shipped sample with the README counts', needs('taobao'), async () => {
    const { report, table } = await loadEvents(taobaoPath(), { preset: 'taobao-userbehavior' });
    assert.equal(report.rows_read, 84287);
    assert.equal(report.rows_kept, 84287);
    assert.deepEqual(report.events, { click: 75693, cart: 4494, wish: 2351, buy: 1749 });
    assert.equal(PROBLEM_CLASSES.reduce((s, c) => s + report.problems[c].count, 0), 0);
    assert.equal(new Set(table.array('user_id') as string[]).size, 814);
    assert.equal(report.ts_min, '2017-09-11T08:16:39.000Z');
    assert.equal(report.ts_max, '2017-12-03T15:59:23.000Z');
  });

  test('retailrocket preset renames columns and maps its vocabulary', async () => {
    const path = writeTmp('events.csv', 'timestamp,visitorid,event,itemid,transactionid\n1433221332117,257597,view,355908,\n1433224214164,992329,addtocart,248676,\n1433224214999,992329,transaction,248676,4000\n');
    const { report, table } = await loadEvents(path, { preset: 'retailrocket' });
    assert.deepEqual(report.events, { click: 1, cart: 1, buy: 1 });
    assert.deepEqual(table.columnNames(), ['user_id', 'item_id', 'event', 'ts']);
    assert.equal((table.array('ts') as Float64Array)[0], 1433221332.117);
  });
});
