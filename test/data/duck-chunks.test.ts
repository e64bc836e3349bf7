import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { cApiReason, libduckdbPath, openChunkStream, type ChunkStream } from '../../src/data/duck-chunks';
import { decodeBytes, isValid, valueBytes } from '../../src/data/duck-strings';
import { readEvents } from '../../src';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { withEnv, writeTmp } from '../helpers';

/** Run `f` with BUYPATH_DUCKDB_FFI set to `on` ('0': through node-bindings). */
const withFfi = <T>(on: '0' | '1', f: () => Promise<T>): Promise<T> => withEnv('BUYPATH_DUCKDB_FFI', on, f);

/** A stream of `sql` on a fresh DuckDB, and its closing. */
async function stream<T>(on: '0' | '1', sql: string, read: (s: ChunkStream) => Promise<T>, settings: string[] = []): Promise<T> {
  return withFfi(on, async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    let s: ChunkStream | null = null;
    try {
      s = await openChunkStream(con, sql, settings);
      assert.equal(s.how, on === '0' ? 'node-bindings' : 'c-api');
      return await read(s);
    } finally {
      if (s) await s.close();
      con.closeSync();
      db.closeSync();
    }
  });
}

// Three chunks and a bit: an INTEGER, a VARCHAR with nulls, inline and long values (non-ASCII too), a DOUBLE.
const SQL = `SELECT i::INTEGER AS k, CASE WHEN i % 7 = 0 THEN NULL ELSE 'v' || i END AS s,
  repeat('é', i % 9) || i AS l, i / 3.0 AS d FROM range(6500) t(i)`;

/** Every value of every chunk as text, read as the log reader reads them. */
async function values(s: ChunkStream): Promise<{ chunks: number[]; rows: string[] }> {
  const chunks: number[] = [], rows: string[] = [];
  for (;;) {
    const c = await s.next();
    if (!c) break;
    chunks.push(c.rowCount);
    const k = c.vector(0, 4, false), sv = c.vector(1, 16), l = c.vector(2, 16, false), d = c.vector(3, 8);
    const dv = new Float64Array(d.data.buffer, d.data.byteOffset, c.rowCount);
    for (let r = 0; r < c.rowCount; r++) {
      const text = (v: typeof sv) => (isValid(v, r) ? decodeBytes(valueBytes(v.data, v.words, r)) : 'NULL');
      rows.push(`${k.words[r]}|${text(sv)}|${text(l)}|${dv[r]}`);
    }
  }
  return { chunks, rows };
}

describe('DuckDB chunks, through the C API and through node-bindings', () => {
  test('the C API where @duckdb/node-bindings ships its library (as on every platform CI runs)', async () => {
    const lib = libduckdbPath();
    if (lib === null) {
      assert.notEqual(cApiReason(), '', 'without the library the reason is said');
      return;
    }
    await withFfi('1', async () => assert.equal(cApiReason(), '', `the C API should load from ${lib}`));
    await withFfi('0', async () => assert.equal(cApiReason(), 'BUYPATH_DUCKDB_FFI=0'));
  });

  test('both ways give the same chunks and values: integers, doubles, nulls, inline and long strings', async () => {
    const direct = await stream('1', SQL, values);
    const copied = await stream('0', SQL, values);
    assert.deepEqual(direct.chunks, [2048, 2048, 2048, 356]);
    assert.deepEqual(direct, copied);
    assert.equal(direct.rows[7], '7|NULL|ééééééé7|2.3333333333333335');
    assert.equal(direct.rows[8], '8|v8|éééééééé8|2.6666666666666665');
  });

  test('a column read wider than its type, or a chunk read after the next one, is refused (it would read memory that is not the chunk\'s)', async () => {
    await stream('1', SQL, async (s) => {
      const c = (await s.next())!;
      assert.throws(() => c.vector(3, 16), /column 3 holds 8-byte values, read as 16/);
      assert.throws(() => c.vector(0, 16), /column 0 holds 4-byte values, read as 16/);
      // Nor is a chunk read once the next one was asked for: its memory is DuckDB's again.
      const next = (await s.next())!;
      assert.throws(() => c.vector(0, 4), /read after the next one was asked for/);
      assert.equal(next.vector(0, 4, false).words[0], 2048);
    });
  });

  test("an error in the middle of a stream is DuckDB's, both ways; a stream closed early leaves DuckDB usable", async () => {
    const bad = `SELECT CAST(CASE WHEN i = 5000 THEN 'x' ELSE i::VARCHAR END AS INTEGER) AS k FROM range(8000) t(i)`;
    const messages: string[] = [];
    for (const on of ['1', '0'] as const) {
      // DuckDB may meet the error while it fills its buffer (before the first chunk) or later.
      const err = await stream(on, bad, async (s) => {
        while (await s.next());
        return '';
      }).catch((e: Error) => e.message.split('\n')[0]);
      assert.match(err, /Conversion Error.*'x'/);
      messages.push(err);
    }
    assert.equal(messages[0], messages[1]);
    // Closed after one chunk of many, then a new stream reads everything.
    await stream('1', SQL, async (s) => assert.equal((await s.next())!.rowCount, 2048));
    assert.equal((await stream('1', SQL, values)).rows.length, 6500);
  });

  test('settings run first on the C API\'s database; one it refuses sends the stream through node-bindings, which says why', async () => {
    const sql = `SELECT current_setting('memory_limit') AS m`;
    const limit = await stream('1', sql, async (s) => {
      const c = (await s.next())!;
      const v = c.vector(0, 16);
      return decodeBytes(valueBytes(v.data, v.words, 0));
    }, [`SET memory_limit='512MB'`]);
    assert.match(limit, /^(512\.0 MiB|488\.2 MiB)$/);
    // A setting the C API's database refuses: the stream goes through node-bindings, where DuckDB refuses it too.
    await withFfi('1', async () => {
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      try {
        await assert.rejects(openChunkStream(con, sql, [`SET memory_limit='lots'`]), /Memory must have a number/);
        assert.match(cApiReason(), /^SET memory_limit='lots' failed through the C API: .*Memory must have a number/);
      } finally {
        con.closeSync();
        db.closeSync();
      }
    });
    assert.equal((await stream('1', sql, async (s) => (await s.next())!.rowCount)), 1, 'the next stream goes through the C API again');
    await withFfi('1', async () => assert.equal(cApiReason(), ''));
  });

  test('a memoryLimit DuckDB cannot read is refused, naming the option and the fix', async () => {
    const path = writeTmp('limit.csv', 'user_id,item_id,event,ts\nu1,i1,click,1511544070\n');
    await assert.rejects(readEvents(path, { memoryLimit: 'lots' }), /memoryLimit: expected a memory size such as '4GB' or '512MB', got "lots".*number and a unit/);
    assert.equal((await readEvents(path, { memoryLimit: '256MB' })).log.n, 1);
  });

  test('readEvents reads the same log and report both ways, problems and all', async () => {
    const lines = ['user_id,item_id,event,ts,impression_id,price'];
    for (let i = 0; i < 5000; i++) {
      const u = i % 13 === 0 ? `a-user-id-longer-than-twelve-bytes-${i % 5}` : `u${i % 97}`;
      lines.push(`${u},i${i % 31},${['impression', 'click', 'cart', 'buy'][i % 4]},${1511544070 + i},imp${(i / 4) | 0},${(i % 50) / 2}`);
      if (i % 1000 === 10) lines.push('');
      if (i % 1000 === 20) lines.push('u1,i1,click');
      if (i % 1000 === 30) lines.push(`u1,i1,click,yesterday,imp${i},1`);
      if (i % 1000 === 40) lines.push(`u1,i1,teleport,${1511544070 + i},imp${i},1`);
      if (i % 1000 === 50) lines.push(`,i1,click,${1511544070 + i},imp${i},1`);
      if (i % 1000 === 60) lines.push(lines[lines.length - 1]);
    }
    const path = writeTmp('both-ways.csv', lines.join('\n') + '\n');
    const read = async (file: string, on: '0' | '1', options: Parameters<typeof readEvents>[1] = { preset: 'buypath' }) => withFfi(on, async () => {
      const { log, report } = await readEvents(file, options);
      return {
        n: log.n, users: log.users.values(), items: log.items.values(), impressions: log.impressions?.values(),
        columns: [log.user, log.item, log.event, log.ts, log.line, log.impression ?? []].map((c) => Array.from(c as ArrayLike<number>)),
        features: log.features.map((f) => [f.name, f.type, Array.from(f.values ?? f.codes ?? [])]),
        report: JSON.parse(JSON.stringify(report, (k, v) => (k === 'seconds' || k === 'timings' || k === 'path' ? undefined : v))),
      };
    });
    const direct = await read(path, '1'), copied = await read(path, '0');
    assert.equal(direct.n, 5000, 'every good row kept once, the bad ones counted');
    assert.deepEqual(direct, copied);
    for (const cls of ['malformed_line', 'bad_timestamp', 'unknown_event', 'blank_id', 'duplicate']) {
      assert.equal(direct.report.problems[cls].count, 5, `${cls}: once every 1,000 rows`);
    }
    // The same rows as gzip, JSONL and Parquet, and as TSV with ISO-8601 times and a 13-digit ms column: each read alike both ways.
    const dir = join(path, '..');
    const good = lines.slice(1).filter((l) => l.split(',').length === 6 && !l.includes('yesterday'));
    writeFileSync(join(dir, 'both-ways.csv.gz'), gzipSync(lines.join('\n') + '\n'));
    writeFileSync(join(dir, 'both-ways.jsonl'), good.map((l) => {
      const [user_id, item_id, event, ts, impression_id, price] = l.split(',');
      return JSON.stringify({ user_id, item_id, event, ts: Number(ts), impression_id, price: Number(price) });
    }).join('\n') + '\n{not json}\n');
    const iso = (t: string) => new Date(Number(t) * 1000).toISOString().replace('.000Z', 'Z');
    writeFileSync(join(dir, 'both-ways.tsv'), ['user_id\titem_id\tevent\tts\tms'].concat(good.map((l) => {
      const f = l.split(',');
      return [f[0], f[1], f[2], iso(f[3]), `${f[3]}123`].join('\t');
    })).join('\n') + '\n');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`COPY (SELECT * FROM read_csv('${join(dir, 'both-ways.jsonl')}', header=false, columns={'l': 'VARCHAR'}, delim=E'\\x1e', quote='', ignore_errors=true)
      WHERE json_valid(l)) TO '${join(dir, 'lines.parquet')}' (FORMAT parquet)`);
    await con.run(`COPY (SELECT l->>'user_id' AS user_id, l->>'item_id' AS item_id, l->>'event' AS event, (l->>'ts')::BIGINT AS ts, l->>'impression_id' AS impression_id,
      (l->>'price')::DOUBLE AS price FROM read_parquet('${join(dir, 'lines.parquet')}')) TO '${join(dir, 'both-ways.parquet')}' (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
    for (const [file, options] of [['both-ways.csv.gz', { preset: 'buypath' }], ['both-ways.jsonl', { preset: 'buypath' }], ['both-ways.parquet', { preset: 'buypath' }],
      ['both-ways.tsv', { preset: 'buypath' }]] as const) {
      const a = await read(join(dir, file), '1', options), b = await read(join(dir, file), '0', options);
      assert.ok(a.n >= 4990, `${file}: ${a.n} rows kept`);
      assert.deepEqual(a, b, file);
    }
  });
});
