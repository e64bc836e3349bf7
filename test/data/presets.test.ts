/**
 * Built-in presets read through an adapter (src/data/adapters.ts): OTTO and YOOCHOOSE, each on
 * a small fixture written here from the data set's documented schema, loaded from the command
 * line in one command; counts are derived from the fixture, and the loaded rows are compared
 * with the fixture's events one by one through the library.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, writeTmp } from '../helpers';
import { loadEvents } from '../../src/data/load-events';
import { eventRowsFor } from '../../src';

type Row = { user: string; item: string; event: string; ts: number };

/** Kept events per canonical name, from fixture rows. */
const countEvents = (rows: Row[]) => rows.reduce<Record<string, number>>((c, r) => ((c[r.event] = (c[r.event] ?? 0) + 1), c), {});
const key = (r: Row) => `${r.user}|${r.item}|${r.event}|${r.ts}`;

/** The rows a log loads to, as fixture rows (ts in epoch seconds). */
async function loadedRows(path: string, preset: string): Promise<Row[]> {
  const { table } = await loadEvents(path, { preset });
  const o = table.objects() as { user_id: string; item_id: string; event: string; ts: number }[];
  return o.map((r) => ({ user: String(r.user_id), item: String(r.item_id), event: r.event, ts: r.ts }));
}

// OTTO: {"session": …, "events": [{"aid": …, "ts": ms, "type": "clicks" | "carts" | "orders"}]} per line.
const OTTO_TYPES: Record<string, string> = { clicks: 'click', carts: 'cart', orders: 'buy' };
const ottoSessions = [
  { session: 12899779, events: [{ aid: 59625, ts: 1661724000278, type: 'clicks' }, { aid: 59625, ts: 1661724026000, type: 'carts' }, { aid: 59625, ts: 1661724090000, type: 'orders' }, { aid: 1142000, ts: 1661724100000, type: 'clicks' }] },
  { session: 12899780, events: [{ aid: 1142000, ts: 1661724000378, type: 'clicks' }, { aid: 582732, ts: 1661724058352, type: 'clicks' }] },
  { session: 12899781, events: [{ aid: 141736, ts: 1661724000559, type: 'clicks' }, { aid: 199008, ts: 1661724022851, type: 'carts' }, { aid: 199008, ts: 1661724060000, type: 'orders' }, { aid: 57315, ts: 1661724170835, type: 'orders' }] },
];

test('the otto preset reads OTTO JSONL sessions (nested events) in one command; counts match the fixture', async () => {
  const lines = ottoSessions.map((s) => JSON.stringify(s));
  // A blank line (skipped) and a line that is not a session object (one blank_id row).
  const text = [lines[0], '', lines[1], 'not a session', lines[2]].join('\n') + '\n';
  const expected: Row[] = ottoSessions.flatMap((s) => s.events.map((e) => ({ user: String(s.session), item: String(e.aid), event: OTTO_TYPES[e.type], ts: e.ts / 1000 })));
  const tsMs = ottoSessions.flatMap((s) => s.events.map((e) => e.ts));
  const dir = tmp();
  for (const name of ['train.jsonl', 'train.jsonl.gz']) {
    const path = writeTmp(name, text, dir);
    const r = cli(['inspect', path, '--preset', 'otto', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.events, countEvents(expected), name);
    assert.equal(j.rows, expected.length);
    assert.equal(j.rows_read, expected.length + 1);
    assert.equal(j.problems.blank_id, 1);
    // The bad line is the row after the first two sessions' events (blank lines are not rows).
    assert.deepEqual(j.report.problems.blank_id.lines, [ottoSessions[0].events.length + ottoSessions[1].events.length + 1]);
    assert.equal(j.report.ts_min, new Date(Math.min(...tsMs)).toISOString());
    assert.equal(j.report.ts_max, new Date(Math.max(...tsMs)).toISOString());
    assert.ok(j.report.notes.some((n: string) => /otto adapter/.test(n)), 'the notes say rows come from the adapter');
  }
  const got = await loadedRows(join(dir, 'train.jsonl'), 'otto');
  assert.deepEqual(got.map(key).sort(), expected.map(key).sort());
  assert.equal(new Set(got.map((r) => r.user)).size, ottoSessions.length);
});

test('the otto preset counts unknown event types and bad timestamps inside sessions', () => {
  const s = { session: 7, events: [{ aid: 1, ts: 1661724000278, type: 'clicks' }, { aid: 2, ts: 1661724000300, type: 'views' }, { aid: 3, ts: 'soon', type: 'carts' }] };
  const r = cli(['inspect', writeTmp('test.jsonl', JSON.stringify(s) + '\n'), '--preset', 'otto', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.rows, j.problems.unknown_event, j.problems.bad_timestamp], [1, 1, 1]);
});

// YOOCHOOSE: yoochoose-clicks.dat (session, timestamp, item, category) and yoochoose-buys.dat
// (session, timestamp, item, price, quantity), no header, ISO-8601 times with milliseconds and Z.
const clicks = [
  ['1', '2014-04-07T10:51:09.277Z', '214536502', '0'],
  ['1', '2014-04-07T10:54:09.868Z', '214536500', '0'],
  ['1', '2014-04-07T10:54:46.998Z', '214536506', '0'],
  ['2', '2014-04-07T13:56:37.614Z', '214662742', 'S'],
  ['2', '2014-04-07T13:57:19.373Z', '214662742', 'S'],
  ['11', '2014-04-03T10:44:35.672Z', '214821275', '2053429355'],
];
const buys = [
  ['11', '2014-04-03T11:04:11.417Z', '214821275', '1046', '1'],
  ['2', '2014-04-07T14:05:10.000Z', '214662742', '0', '2'],
];

test('the yoochoose preset reads the clicks file and the buys file beside it in one command; counts match the fixture', async () => {
  const dir = join(tmp(), 'yoochoose-data');
  mkdirSync(dir);
  const clicksPath = writeTmp('yoochoose-clicks.dat', [...clicks.map((f) => f.join(',')), '3,2014-04-07T12:00:00.000Z'].join('\n') + '\n', dir);
  writeTmp('yoochoose-buys.dat', buys.map((f) => f.join(',')).join('\n') + '\n', dir);
  const expected: Row[] = [
    ...clicks.map((f) => ({ user: f[0], item: f[2], event: 'click', ts: Date.parse(f[1]) / 1000 })),
    ...buys.map((f) => ({ user: f[0], item: f[2], event: 'buy', ts: Date.parse(f[1]) / 1000 })),
  ];
  const r = cli(['inspect', clicksPath, '--preset', 'yoochoose', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.events, countEvents(expected));
  assert.equal(j.rows, expected.length);
  // The clicks line with 2 fields is one blank_id row, numbered after the other clicks.
  assert.deepEqual([j.rows_read, j.problems.blank_id, j.report.problems.blank_id.lines[0]], [expected.length + 1, 1, clicks.length + 1]);
  const ts = expected.map((e) => e.ts);
  assert.equal(j.report.ts_min, new Date(Math.min(...ts) * 1000).toISOString());
  assert.equal(j.report.ts_max, new Date(Math.max(...ts) * 1000).toISOString());
  const got = await loadedRows(clicksPath, 'yoochoose');
  assert.deepEqual(got.map(key).sort(), expected.map(key).sort());
});

test('the yoochoose preset names the missing buys file and a file that is not the clicks file', () => {
  const dir = tmp();
  const alone = writeTmp('yoochoose-clicks.dat', clicks.map((f) => f.join(',')).join('\n') + '\n', dir);
  const r = cli(['inspect', alone, '--preset', 'yoochoose']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /expected the YOOCHOOSE buys file beside it at .*yoochoose-buys\.dat/);
  const other = writeTmp('yoochoose-buys.dat', buys.map((f) => f.join(',')).join('\n') + '\n', dir);
  const b = cli(['inspect', other, '--preset', 'yoochoose']);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /expected the YOOCHOOSE clicks file .*Pass the clicks file/);
});

test('partitioning counts an adapted log by its events, not its lines (an OTTO line holds a whole session)', async () => {
  const sessions = [1, 2, 3].map((s) => ({ session: s, events: Array.from({ length: 4 + s }, (_, k) => ({ aid: 100 + k, ts: 1661724000000 + 1000 * k, type: 'clicks' })) }));
  const path = writeTmp('sessions.jsonl', sessions.map((s) => JSON.stringify(s)).join('\n') + '\n');
  const events = sessions.reduce((n, s) => n + s.events.length, 0);
  assert.equal(await eventRowsFor(path, { preset: 'otto' }), events);
  assert.ok((await eventRowsFor(path)) < events, 'without the adapter the file reads as one row per line');
});
