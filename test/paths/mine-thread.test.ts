import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { minePathsDuckDB, type PathSet } from '../../src';
import { readEvents } from '../../src/data/read-events';
import { MineThread, mineThreadStats, minePathsOn } from '../../src/paths/mine-thread';
import { minePaths } from '../../src/paths/mine-paths';
import { withEnv, writeTmp } from '../helpers';

/** A log with what the path rules and the reader count: duplicates, near-duplicates, rows without an impression id, orphan purchases, late actions, bad rows. */
function oddLog(): string {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const rows = ['impression_id,user_id,item_id,event,ts,price'];
  const t0 = 1_700_000_000;
  for (let i = 0; i < 4000; i++) {
    const u = `u${Math.floor(rnd() * 300)}`, p = `p${Math.floor(rnd() * 80)}`, t = t0 + i * 7;
    // Some impression ids longer than 12 bytes, some written with spaces around them on the click.
    const id = i % 97 === 0 ? `impression-id-longer-than-twelve-bytes-${i}` : `i${i}`, clickId = i % 89 === 0 ? ` ${id} ` : id;
    rows.push(`${id},${u},${p},impression,${t},${i % 9}`);
    if (rnd() < 0.3 || i % 89 === 0) {
      rows.push(`${clickId},${u},${p},click,${t + 5},${i % 9}`);
      if (rnd() < 0.3) rows.push(`${id},${u},${p},cart,${t + 60},${i % 9}`);
      if (rnd() < 0.1) rows.push(`${id},${u},${p},wish,${t + 5},${i % 9}`); // same second as the click
      if (rnd() < 0.1) rows.push(`${id},${u},${p},buy,${t + 400},${i % 9}`);
      if (rnd() < 0.02) rows.push(`${id},${u},${p},cart,${t + 40 * 86400},${i % 9}`); // after the window
      if (i >= 3600 && rnd() < 0.1) rows.push(`${id},${u},${p},buy,${t + 500},${i % 9}`, `${id},${u},${p},buy,${t + 900},${i % 9}`); // bought twice: late groups only
    }
    if (rnd() < 0.01) rows.push(`${id},${u},${p},impression,${t},${i % 9}`); // exact duplicate
    if (rnd() < 0.01) rows.push(`${id},${u},${p},impression,${t},${(i % 9) + 1}`); // differs in its feature only
    if (rnd() < 0.01) rows.push(`,${u},${p},click,${t},1`); // no impression id
    if (rnd() < 0.01) rows.push(`o${i},${u},${p},buy,${t},1`); // a purchase alone
  }
  rows.push('bad,,p1,click,1700000000,1', 'i4,u4,p4,teleport,1700000000,1', 'i5,u5,p0,click,soon,1', 'short,line');
  return rows.join('\n') + '\n';
}

/** Everything a path set holds, as plain values (shared and unshared memory alike). */
function plain(p: PathSet): unknown {
  return { ...p, user: [...p.user], item: [...p.item], start: [...p.start], row: [...p.row], flags: [...p.flags], mask: [...p.mask], delayRow: [...p.delayRow], tBuy: [...p.tBuy], tAction: p.tAction.map((t) => [...t]) };
}

const withThread = <T>(on: '0' | '1', f: () => Promise<T>): Promise<T> => withEnv('BUYPATH_MINE_THREAD', on, f);

describe('mining in one piece on two threads (paths/mine-thread.ts)', () => {
  const path = writeTmp('odd.csv', oddLog());

  for (const mode of ['impression', 'user-item'] as const) {
    test(`${mode} mode: the same paths, in the same order, with the same anomaly examples and load report as on one thread`, async () => {
      const one = await withThread('0', () => minePathsDuckDB(path, { mode }));
      const before = mineThreadStats();
      const two = await withThread('1', () => minePathsDuckDB(path, { mode }));
      const after = mineThreadStats();
      // Impression keys grouped, groups placed, sorted and walked on the worker: every job ran there (user-item mode sorts twice: impression groups to read, user-item groups to walk).
      assert.equal(after.worker - before.worker, mode === 'impression' ? 4 : 5);
      assert.equal(after.here, before.here);
      assert.ok(one.load.problems.duplicate > 0, 'the log has duplicates');
      if (mode === 'impression') {
        assert.ok(one.paths.anomalies.no_impression_id.count > 0 && one.paths.anomalies.buy_without_click.count > 0, 'the log exercises anomalies');
        assert.ok(one.paths.anomalies.after_window.examples.length > 1, 'examples come from both halves');
        assert.ok(one.paths.anomalies.repeat_buy.examples.length > 0, 'examples from the second half only (the worker\'s)');
      }
      assert.deepEqual(plain(two.paths), plain(one.paths));
      // Long and padded impression ids are one path with the rest of their impression.
      if (mode === 'impression') assert.equal(one.paths.n, 4000, 'one path per impression id (a purchase alone and rows without an id make none)');
      assert.deepEqual({ ...two.load.report, seconds: 0 }, { ...one.load.report, seconds: 0 });
      assert.deepEqual(two.load.problems, one.load.problems);
    });
  }

  test('a worker that is gone: its half runs on this thread, with the same result', async () => {
    const thread = await withThread('1', async () => MineThread.start(0));
    assert.ok(thread);
    thread.close();
    const before = mineThreadStats();
    const { log } = await readEvents(path, { features: false, impressionValues: false }, thread);
    const paths = await minePathsOn(thread, log, { rows: false });
    assert.equal(mineThreadStats().here - before.here, 4);
    const single = await readEvents(path, { features: false, impressionValues: false });
    assert.deepEqual(plain(paths), plain(minePaths(single.log, { rows: false })));
  });

  test('off below the size where it pays, and when turned off', () => {
    const env = process.env.BUYPATH_MINE_THREAD;
    delete process.env.BUYPATH_MINE_THREAD;
    try {
      assert.equal(MineThread.start(1000), null);
      process.env.BUYPATH_MINE_THREAD = '0';
      assert.equal(MineThread.start(1e9), null);
    } finally {
      if (env === undefined) delete process.env.BUYPATH_MINE_THREAD;
      else process.env.BUYPATH_MINE_THREAD = env;
    }
  });
});
