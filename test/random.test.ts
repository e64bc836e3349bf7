import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng, Rng } from '../src';

test('same seed, same stream; forks are independent and stable', () => {
  const a = rng(42), b = rng(42);
  const xs = Array.from({ length: 100 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.uniform()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => rng(43).uniform()));
  assert.equal(rng(1).fork('split').uniform(), rng(1).fork('split').uniform());
  assert.notEqual(rng(1).fork('split').uniform(), rng(1).fork('shuffle').uniform());
  assert.equal(rng(5).seedFor('tfjs'), rng(5).seedFor('tfjs'));
});

test('uniform and normal moments', () => {
  const r = rng(9);
  const n = 200_000;
  let s = 0, s2 = 0, ns = 0, ns2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform(); s += u; s2 += u * u;
    const z = r.normal(); ns += z; ns2 += z * z;
  }
  assert.ok(Math.abs(s / n - 0.5) < 0.005);
  assert.ok(Math.abs(s2 / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(ns / n) < 0.01);
  assert.ok(Math.abs(ns2 / n - 1) < 0.02);
});

test('shuffle is a seeded permutation', () => {
  const a = rng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(a, rng(3).shuffle(Array.from({ length: 50 }, (_, i) => i)));
});

test('a stream restored from its state continues with the same draws (spare normal included)', () => {
  const a = rng(11);
  for (let i = 0; i < 37; i++) a.uniform();
  a.normal(); // leaves a spare normal draw
  const b = Rng.fromState(JSON.parse(JSON.stringify(a.state())));
  assert.equal(b.seed, 11);
  assert.deepEqual(Array.from({ length: 50 }, () => [b.normal(), b.uniform()]), Array.from({ length: 50 }, () => [a.normal(), a.uniform()]));
  assert.notDeepEqual(rng(11).state(), b.state());
  assert.throws(() => Rng.fromState({ seed: 1, words: [1, 2, 3], spare: null } as never), /Rng state: expected \{ seed, words: four 32-bit integers/);
});
