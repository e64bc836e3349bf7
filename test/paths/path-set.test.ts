import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { actionDelay, buyDelay, PATH_FLAGS as F, PathSetBuilder, subsetPaths, type PathSet } from '../../src/paths/path-set';

const META = { mode: 'impression', window: 86400, preClick: 'attach', hasImpressions: true, events: 0, end: 1e9, users: ['u'], items: ['i'] } as const;

/** Path k of `n`: every third clicked (every sixth bought, after 30 + k s; cart after k s), the rest impressions alone. */
function fill(b: PathSetBuilder, n: number, from = 0): void {
  for (let k = from; k < from + n; k++) {
    if (k % 3 !== 0) {
      b.addImpression(0, 0, k);
      continue;
    }
    const buy = k % 6 === 0;
    b.add(0, 0, k, F.IMPRESSION | F.CLICK | (buy ? F.BUY : 0), 1, buy ? 30 + k : NaN, Float64Array.of(k, NaN));
  }
}

/** Every path's delays as the readers see them. */
const delays = (p: PathSet) => Array.from({ length: p.n }, (_, k) => [buyDelay(p, k), actionDelay(p, 0, k), actionDelay(p, 1, k)]);
const want = (n: number, from = 0) => Array.from({ length: n }, (_, i) => {
  const k = from + i;
  return k % 3 ? [NaN, NaN, NaN] : [k % 6 === 0 ? 30 + k : NaN, k, NaN];
});

describe('path delays: kept for clicked paths only', () => {
  test('a delay row per clicked path, in path order; none for impressions alone; columns grown past what was expected', () => {
    const b = new PathSetBuilder(['cart', 'wish'], 4, false, undefined, 2);
    fill(b, 100);
    const p = b.finish(META);
    assert.equal(p.n, 100);
    assert.equal(p.tBuy.length, 34, 'one delay row per clicked path');
    assert.deepEqual(Array.from(p.delayRow.subarray(0, 7)), [0, -1, -1, 1, -1, -1, 2]);
    assert.deepEqual(delays(p), want(100));
  });

  test('appended paths keep their delays (their rows follow these), through `into` as another thread writes', () => {
    const b = new PathSetBuilder(['cart', 'wish'], 200, true);
    fill(b, 50);
    // Another builder writes paths 50 … 149 into b's columns from index 50 on, its delays in memory of its own.
    const other = PathSetBuilder.into(['cart', 'wish'], b.columns(0, 200), 50, 150);
    fill(other, 100, 50);
    b.append(other.columns());
    // And a builder of its own, appended after.
    const third = new PathSetBuilder(['cart', 'wish'], 8);
    fill(third, 30, 150);
    b.append(third.columns());
    const p = b.finish(META);
    assert.equal(p.n, 180);
    assert.deepEqual(delays(p), want(180));
    assert.equal(p.tBuy.length, 60);
  });

  test('a subset keeps its paths\' delays, with delay rows of its own', () => {
    const b = new PathSetBuilder(['cart', 'wish'], 64);
    fill(b, 60);
    const p = b.finish(META);
    const idx = [59, 0, 3, 4, 30, 31, 57];
    const sub = subsetPaths(p, idx);
    assert.deepEqual(delays(sub), idx.map((k) => want(60)[k]));
    assert.deepEqual(Array.from(sub.delayRow), [-1, 0, 1, -1, 2, -1, 3]);
    assert.equal(sub.tBuy.length, 4);
  });
});
