import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  actionDelay, buyDelay, openDuckDB, sqlString, parseTimestamp, readEvents, loadEvents, eventTable, minePaths, minePathsDuckDB, analysePaths, writeSimulation, PARTITION_DEFAULTS, type PathSet,
} from '../../src';
import { writeTmp, tmp, taobaoPath, needs } from '../helpers';
import { finishPartition, loadPartition, partitionLoads, partitionWrites, PartitionLoader, type LoadedPartition, type PartitionJob } from '../../src/paths/partition-load';
import { keyPartition, partitionOf, partitionSlot, PartitionFiles, writeBatch, WriteScratch } from '../../src/data/partition-files';
import type { RowBatch } from '../../src/data/log-builder';
import { streamLog } from '../../src/data/read-events';
import { hashInline, inlineNumber, tenDigits } from '../../src/data/duck-strings';

/** A path set as sorted text lines (partitions mine paths in another order). */
function pathLines(p: PathSet): string[] {
  const lines: string[] = [];
  for (let k = 0; k < p.n; k++) {
    const acts = p.actions.map((a, i) => `${a}:${p.mask[k] & (1 << i) ? actionDelay(p, i, k) : '-'}`).join(',');
    lines.push(`${p.users[p.user[k]]}|${p.items[p.item[k]]}|${p.start[k]}|${p.flags[k]}|${buyDelay(p, k)}|${acts}`);
  }
  return lines.sort();
}
const counts = (r: ReturnType<typeof analysePaths>) => JSON.stringify({ ...r, anomalies: Object.fromEntries(Object.entries(r.anomalies).map(([k, v]) => [k, v.count])) });

describe('readEvents: typed columns', () => {
  test('the typed log and the table are the same rows, ids trimmed, long and non-ASCII ids kept whole', async () => {
    const path = writeTmp('t.csv', [
      'user_id,item_id,event,ts,category',
      ' u1 ,i1,click,1511544070,鞋',
      'a-user-id-longer-than-twelve-bytes,i1,cart,1511544071, 鞋',
      'u1,\u00a0i2\u00a0,buy,1511544072,',
      'u1,i1,click,1511544070,鞋',
    ].join('\n') + '\n');
    const { log, report } = await readEvents(path);
    const { table } = await loadEvents(path);
    assert.equal(log.n, 3);
    assert.equal(report.problems.duplicate.count, 1, 'line 5 repeats line 2 once its ids are trimmed');
    assert.deepEqual(log.users.values(), ['u1', 'a-user-id-longer-than-twelve-bytes']);
    assert.deepEqual(log.items.values(), ['i1', 'i2']);
    assert.deepEqual(eventTable(log).objects(), table.objects());
    assert.deepEqual(table.array('category'), ['鞋', '鞋', null]);
  });

  test('numeric timestamps read as parseTimestamp reads them, short (read from their bytes) and long (cast by DuckDB, or read from their bytes when the first rows have none)', async () => {
    const values = ['1511544070', ' 1511544071 ', '+1511544072', '1511544073.5', '151154407.25', '\t1511544074', '1511544075.', '.5', '-1511544076',
      '1e9', '0x5A0A1B06', '15115440 77', '1511544078.123456', '  1511544079.75  ', '1511544080abc', '1511544081.1234567', '', '00001511544082000',
      '1511544083.', '+1511544084.000', ' -1511544085.5 ', '1511544086.5.5', '15115440870000001', '151154408:', '151154408/', '15115440 9', ' 151154409',
      '1511544090'];
    // Without a lead, long values are among the first rows (DuckDB casts them); after 1,001 short ones, they are read from their bytes.
    for (const lead of [0, 1001]) for (const [format, scale] of [['epoch_s', 1], ['epoch_ms', 1000]] as const) {
      const first = Array.from({ length: lead }, (_, k) => `v${k},i1,click,${1511540000 + k}${scale === 1 ? '' : '000'}`);
      const lines = values.map((v, k) => `u${k},i1,click,"${scale === 1 ? v : v.replace(/^(\s*[+-]?)(\d+)/, (_, a, d) => a + String(BigInt(d) * 1000n))}"`);
      const path = writeTmp(`ts-${format}-${lead}.csv`, ['user_id,item_id,event,ts', ...first, ...lines].join('\n') + '\n');
      const { log } = await readEvents(path, { tsFormat: format, dedupe: false });
      const got = new Map(Array.from(log.user, (u, r) => [log.users.get(u), log.ts[r]]));
      lines.forEach((line, k) => {
        const raw = line.slice(line.indexOf('"') + 1, -1);
        const want = parseTimestamp(raw, format);
        if (Number.isNaN(want)) assert.ok(!got.has(`u${k}`), `${format} "${raw}" is a bad timestamp (lead ${lead})`);
        else assert.equal(got.get(`u${k}`), want, `${format} "${raw}" (lead ${lead})`);
      });
    }
  });

  test('ten-byte values read at once (tenDigits) are read as inlineNumber reads them, and every other one is left to it', () => {
    // A DuckDB VARCHAR value of ten bytes, inline: its length, then its bytes.
    const value = (bytes: number[]) => {
      const data = new Uint8Array(16);
      new DataView(data.buffer).setInt32(0, bytes.length, true);
      data.set(bytes, 4);
      return { data, words: new Int32Array(data.buffer) };
    };
    const digits = [...Buffer.from('1767571203')];
    let read = 0;
    // Every byte value in every place: digits give the number, anything else -1 (spaces, signs, points, letters, UTF-8 bytes).
    for (let at = 0; at < 10; at++) for (let byte = 0; byte < 256; byte++) {
      const bytes = digits.slice();
      bytes[at] = byte;
      const { data, words } = value(bytes);
      const got = tenDigits(words, 0), isDigit = byte >= 48 && byte <= 57;
      assert.equal(got, isDigit ? inlineNumber(data, 0, 10) : -1, `byte ${byte} at ${at}`);
      if (isDigit) read++;
    }
    assert.equal(read, 100);
    for (const s of ['0000000000', '9999999999', '1000000000', '0123456789', '9876543210']) assert.equal(tenDigits(value([...Buffer.from(s)]).words, 0), Number(s), s);
  });

  test('a strict read that stops in its first chunk of many (a chunk still being fetched) fails cleanly, and the next read works', async () => {
    const rows = Array.from({ length: 20_000 }, (_, k) => `u${k % 50},i${k % 70},click,${1511544070 + k}`);
    rows[2] = 'u1,i1,click,yesterday';
    const path = writeTmp('strict-early.csv', ['user_id,item_id,event,ts', ...rows].join('\n') + '\n');
    await assert.rejects(readEvents(path, { strict: true }), /line 4/);
    const { report } = await readEvents(path);
    assert.equal(report.rows_read, 20_000);
    assert.equal(report.problems.bad_timestamp.count, 1);
  });

  test('without features, rows that differ only in a feature are not duplicates; rows that agree on it are', async () => {
    const path = writeTmp('f.csv', [
      'user_id,item_id,event,ts,price',
      'u1,i1,click,1511544070,3',
      'u1,i1,click,1511544070,4',
      'u1,i1,click,1511544070,3',
      'u2,i1,click,1511544070,3',
    ].join('\n') + '\n');
    for (const features of [true, false]) {
      const { log, report } = await readEvents(path, { features });
      assert.equal(log.n, 3, `features: ${features}`);
      assert.deepEqual(report.problems.duplicate.lines, [4]);
      assert.match(report.problems.duplicate.example, /line 4: exact duplicate of line 2/);
    }
    // The same rows as JSONL and Parquet: the features of the candidate rows are read again from each format.
    const jsonl = writeTmp('f.jsonl', [['u1', 3], ['u1', 4], ['u1', 3], ['u2', 3]]
      .map(([u, price]) => JSON.stringify({ user_id: u, item_id: 'i1', event: 'click', ts: 1511544070, price })).join('\n') + '\n');
    const parquet = join(tmp(), 'f.parquet');
    const con = await openDuckDB();
    await con.run(`COPY (SELECT * FROM read_csv(${sqlString(path)}, header=true)) TO ${sqlString(parquet)} (FORMAT parquet)`);
    con.closeSync();
    for (const file of [jsonl, parquet]) {
      const { log, report } = await readEvents(file, { features: false });
      assert.equal(log.n, 3, file);
      assert.deepEqual(report.problems.duplicate.lines, [3], file);
      assert.match(report.problems.duplicate.example, /line 3: exact duplicate of line 1/, file);
    }
  });
});

describe('minePathsDuckDB in partitions mines what it mines in one piece', () => {
  test('simulated log, impression and user-item mode', async () => {
    const { files } = await writeSimulation(tmp(), { impressions: 20_000, seed: 5 });
    for (const mode of ['impression', 'user-item'] as const) {
      const whole = await minePathsDuckDB(files.events, { preset: 'buypath', mode, partitions: 1 });
      const before = partitionLoads(), wrote = partitionWrites();
      // Partition files go to the temporary folder (TMPDIR), and are gone once the paths are mined.
      const temp = tmp(), was = process.env.TMPDIR;
      process.env.TMPDIR = temp;
      const parts = await minePathsDuckDB(files.events, { preset: 'buypath', mode, partitions: 3 }).finally(() => {
        if (was === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = was;
      });
      assert.deepEqual(readdirSync(temp).filter((f) => f.startsWith('buypath-partitions-')), []);
      assert.equal(parts.load.partitions, 3);
      // Each partition was read back and grouped on the worker thread (paths/partition-load.ts), none on the main thread;
      // the rows were written to the partition files there too (one batch here: the log is smaller than a batch).
      assert.deepEqual(partitionLoads(), { worker: before.worker + 3, here: before.here });
      assert.deepEqual(partitionWrites(), { worker: wrote.worker + 1, here: wrote.here });
      assert.deepEqual(pathLines(parts.paths), pathLines(whole.paths), mode);
      assert.equal(counts(analysePaths(parts.paths, { bootstrap: 20 })), counts(analysePaths(whole.paths, { bootstrap: 20 })));
      assert.deepEqual({ ...parts.load.report, seconds: 0 }, { ...whole.load.report, seconds: 0 });
      // And the one miner gives the same paths from the table.
      assert.deepEqual(pathLines(minePaths((await loadEvents(files.events, { preset: 'buypath' })).table, { mode })), pathLines(whole.paths));
    }
  });

  test('an impression id shared by two users is one path, duplicates across batches are found, bad rows counted once, long ids kept whole', async () => {
    const rows = ['impression_id,user_id,item_id,event,ts,price'];
    // Some ids longer than 12 bytes, in every batch: their bytes go to a file of their own, at offsets kept from batch to batch.
    const id = (i: number) => (i % 50 === 7 ? `an-impression-id-longer-than-twelve-bytes-${i}` : `i${i}`);
    for (let i = 0; i < 3000; i++) rows.push(`${id(i)},u${i % 7},p${i % 5},impression,${1511544000 + i},1`, `${id(i)},u${i % 7},p${i % 5},click,${1511544100 + i},1`);
    rows.push('shared,u1,p1,impression,1511545000,1', 'shared,u2,p1,click,1511545001,1', 'shared,u2,p1,buy,1511545002,1');
    rows.push('i3,u3,p3,click,1511544103,1', 'bad,,p1,click,1511544000,1', 'i4,u4,p4,teleport,1511544000,1', 'i5,u5,p0,click,soon,1');
    const path = writeTmp('p.csv', rows.join('\n') + '\n');
    const whole = await minePathsDuckDB(path, { partitions: 1 });
    const batch = PARTITION_DEFAULTS.batchRows;
    PARTITION_DEFAULTS.batchRows = 100; // rows reach the partition files in several batches (one per chunk of 2,048 lines), written on the worker
    const wrote = partitionWrites();
    const parts = await minePathsDuckDB(path, { partitions: 4 }).finally(() => (PARTITION_DEFAULTS.batchRows = batch));
    assert.deepEqual(partitionWrites(), { worker: wrote.worker + 3, here: wrote.here }, 'a batch per chunk of the 6,007 lines');
    assert.equal(whole.paths.n, 3001);
    assert.deepEqual(pathLines(parts.paths), pathLines(whole.paths));
    assert.deepEqual(parts.load.problems, { malformed_line: 0, blank_id: 1, unknown_event: 1, bad_timestamp: 1, duplicate: 1 });
    // The kept rows, counted by hand: the duplicate click of i3 is not among them; times from the first to the last row kept.
    assert.deepEqual(whole.load.report.events, { impression: 3001, click: 3001, buy: 1 });
    assert.equal(whole.load.rows_kept, 6003);
    assert.deepEqual([whole.load.report.ts_min, whole.load.report.ts_max], [new Date(1511544000e3).toISOString(), new Date(1511547099e3).toISOString()]);
    assert.deepEqual({ ...parts.load.report, seconds: 0 }, { ...whole.load.report, seconds: 0 });
  });

  test('Taobao sample (user-item mode)', needs('taobao'), async () => {
    const whole = await minePathsDuckDB(taobaoPath(), { preset: 'taobao-userbehavior', partitions: 1 });
    const parts = await minePathsDuckDB(taobaoPath(), { preset: 'taobao-userbehavior', partitions: 5 });
    assert.equal(whole.load.rows_kept, 84287);
    assert.deepEqual(pathLines(parts.paths), pathLines(whole.paths));
  });

  test('a partition read back into a reused slot, on the worker or here, is the one read into memory of its own', async () => {
    const { files: sim } = await writeSimulation(tmp(), { impressions: 6_000, seed: 8 });
    // Duplicates and rows without an impression id, so that every group kind and the duplicate pairs are there.
    const text = readFileSync(sim.events, 'utf8').trimEnd().split('\n');
    const csv = [...text, ...text.slice(1, 40), ...text.slice(50, 60).map((l) => l.replace(/^[^,]*/, ''))].join('\n') + '\n';
    const path = writeTmp('slots.csv', csv);
    const P = 3;
    let files: PartitionFiles | undefined;
    const open = (keys: boolean) => (files ??= new PartitionFiles(P, keys, 'impression'));
    const { b } = await streamLog(path, { preset: 'buypath' }, { features: false, keyWords: true, flush: { rows: 1000, write: (bb) => open(bb.impressionWords !== null).write(bb) } });
    open(b.impressionWords !== null).write(b);
    files!.close();
    try {
      const most = Math.max(...files!.rows);
      const slots = [partitionSlot(most, true), partitionSlot(most, true)];
      const job = (p: number, slot?: (typeof slots)[number]): PartitionJob => ({ dir: files!.dir, p, keys: true, dedupe: true, events: b.events, users: b.users.size, items: b.items.size, slot });
      const plainOf = (l: LoadedPartition) => JSON.stringify({
        n: l.n, cols: [l.user, l.item, l.event, l.ts, l.line, l.impression].map((a) => Array.from(a!)),
        order: Array.from(l.groups.order), offsets: Array.from(l.groups.offsets), pairs: Array.from(l.pairs),
      });
      const loader = new PartitionLoader(), memory = {};
      let pairs = 0;
      try {
        for (let p = 0; p < P; p++) {
          const own = plainOf(loadPartition(job(p)));
          pairs += loadPartition(job(p)).pairs.length / 2;
          // The same slot again and again (what was in it before must not show), with buffers and buckets kept from the partition before.
          assert.equal(plainOf(loadPartition(job(p, slots[0]), memory)), own, `partition ${p} here`);
          assert.equal(plainOf(await loader.load(job(p, slots[p % 2]))), own, `partition ${p} on the worker`);
          // Loaded unsorted on the worker, its groups sorted and duplicates found here (as minePartitions does): the same.
          const l = await loader.load({ ...job(p, slots[(p + 1) % 2]), unsorted: true });
          const log = { ...l, users: b.users, items: b.items, events: b.events, impressions: null, features: [] };
          assert.equal(plainOf(finishPartition(l, log, true)), own, `partition ${p} finished here`);
        }
      } finally {
        loader.close();
      }
      assert.equal(pairs, 39);
    } finally {
      await files!.remove();
    }
  });

  test('batches written on the worker are the files written here; a write that fails there is not done again', async () => {
    const { files: sim } = await writeSimulation(tmp(), { impressions: 3_000, seed: 9 });
    const batches: RowBatch[] = [];
    // Two copies of each batch (its arrays are the builder's until taken).
    const { b } = await streamLog(sim.events, { preset: 'buypath' }, { features: false, keyWords: true, shared: true, flush: { rows: 1000, write: (bb) => void batches.push(bb.takeBatch()) } });
    batches.push(b.takeBatch());
    const here = new PartitionFiles(3, true, 'impression'), there = new PartitionFiles(3, true, 'impression');
    const loader = new PartitionLoader();
    try {
      const wrote = partitionWrites();
      for (const batch of batches) {
        here.written(writeBatch(here.target(), batch, new WriteScratch()));
        there.written(await loader.write(there.target(), batch));
      }
      assert.deepEqual(partitionWrites(), { worker: wrote.worker + batches.length, here: wrote.here });
      assert.ok(batches.length >= 3, `${batches.length} batches`);
      here.close();
      there.close();
      assert.deepEqual(there.rows, here.rows);
      for (const f of readdirSync(here.dir)) assert.ok(readFileSync(join(here.dir, f)).equals(readFileSync(join(there.dir, f))), f);
      // Files that cannot be written: the worker's error, once (the rows may be half written: never again here).
      const bad = { ...there.target(), fds: Array.from({ length: 3 }, () => new Array<number>(7).fill(1 << 30)) };
      await assert.rejects(loader.write(bad, batches[0]), /EBADF/);
      assert.equal(partitionWrites().here, wrote.here);
      // A worker gone before a write: the write runs here.
      const again = new PartitionFiles(3, true, 'impression');
      for (const batch of batches) again.written(await loader.write(again.target(), batch));
      assert.deepEqual(partitionWrites().here, wrote.here + batches.length);
      assert.deepEqual(again.rows, here.rows);
      await again.remove();
    } finally {
      loader.close();
      await here.remove();
      await there.remove();
    }
  });

  test("a partition's keys spread over every bucket and slot that group them, and partitions are even", () => {
    // Impression keys i0 … i199999 as the reader hashes them (inline words of their bytes).
    const P = 13, perPart = new Array<number>(P).fill(0), users = new Array<number>(P).fill(0);
    const buckets = new Set<number>(), slots = new Set<number>();
    for (let i = 0; i < 200_000; i++) {
      const b = Buffer.alloc(12);
      b.write(`i${i}`);
      const h = hashInline(`i${i}`.length, b.readInt32LE(0), b.readInt32LE(4), b.readInt32LE(8));
      const p = keyPartition(h, P);
      perPart[p]++;
      users[partitionOf(i, P)]++;
      if (p !== 0) continue;
      buckets.add(h >>> 25); // key-groups.ts: the top 7 bits pick the bucket
      slots.add((h & 0xffff) >>> 10); // the low bits pick the slot within it (up to 2^16 slots for the largest buckets)
    }
    assert.equal(buckets.size, 128);
    assert.equal(slots.size, 64);
    for (const counts of [perPart, users]) assert.ok(Math.min(...counts) > 0.9 * (200_000 / P) && Math.max(...counts) < 1.1 * (200_000 / P), counts.join());
  });

  test('a partition count that is not a whole number is refused, naming the fix', async () => {
    const path = writeTmp('x.csv', 'user_id,item_id,event,ts\nu,i,click,1511544070\n');
    await assert.rejects(minePathsDuckDB(path, { partitions: 0 }), /partitions: expected a whole number.*got 0/);
  });
});
