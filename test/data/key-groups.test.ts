import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { KeyGroups, KeyWords, allFirstRows } from '../../src/data/key-groups';
import type { RawVector } from '../../src/data/duck-strings';
import { readEvents } from '../../src';
import { writeTmp } from '../helpers';

/** A DuckDB VARCHAR vector of inline values (at most 12 bytes; null: not valid), as a chunk's `vector` hands one over. */
function vectorOf(values: (string | null)[]): RawVector {
  const data = new Uint8Array(16 * values.length), words = new Int32Array(data.buffer);
  const valid = new Uint8Array(Math.ceil(values.length / 8)).fill(255);
  values.forEach((v, r) => {
    if (v === null) {
      valid[r >> 3] &= ~(1 << (r & 7));
      return;
    }
    const bytes = Buffer.from(v, 'utf8');
    assert.ok(bytes.length <= 12, 'inline values only');
    words[4 * r] = bytes.length;
    data.set(bytes, 16 * r + 4);
    data.fill(0x7a, 16 * r + 4 + bytes.length, 16 * r + 16); // bytes past the length are not guaranteed to be zero
  });
  return { data, words, valid };
}

/** Codes in order of first appearance of the trimmed values ('' and null: -1): what KeyGroups must give. */
function expected(values: (string | null)[]): { codes: number[]; dict: string[] } {
  const seen = new Map<string, number>();
  const codes = values.map((v) => {
    const t = v?.trim() ?? '';
    if (!t) return -1;
    if (!seen.has(t)) seen.set(t, seen.size);
    return seen.get(t)!;
  });
  return { codes, dict: [...seen.keys()] };
}

/** Encode `values` as the reader does: chunks of `chunk` rows through addRows; every third row of a chunk before the others (`add`). */
function encode(values: (string | null)[], numbers: boolean, chunk = 7): { codes: Int32Array; dict: string[]; numbered: boolean } {
  const kg = new KeyGroups(values.length, false, false, numbers);
  for (let s = 0; s < values.length; s += chunk) {
    const part = values.slice(s, s + chunk), v = vectorOf(part);
    const rs = Int32Array.from(part.keys()), rows = Int32Array.from(part.keys(), (r) => s + r);
    kg.addRows(v, rs, rows, part.length);
  }
  const numbered = kg.numbered;
  const codes = new Int32Array(values.length).fill(-1);
  const { dict } = kg.finish(codes, true);
  return { codes, dict: dict!.values(), numbered };
}

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
/** A fixed shuffle of 0 … n - 1. */
const shuffled = (n: number) => range(n, (i) => String((i * 7919) % n)).map(Number);

describe('KeyGroups: impression keys kept as numbers give the codes bucketed keys give', () => {
  const cases: [string, (string | null)[], boolean][] = [
    ['a prefix and sequential numbers, some repeated', [...range(300, (i) => `i${i + 1}`), 'i5', 'i300', 'i1'], true],
    ['shuffled numbers, no prefix, zero among them', shuffled(500).map(String), true],
    ['a longer prefix, numbers far from zero', range(200, (i) => `im-${500_000_000 + ((i * 37) % 200)}`), true],
    ['nulls and blanks (no key) among them', ['i1', null, '', 'i2', '   ', 'i1', null], true],
    ['a leading zero: i07 is not i7', ['i7', 'i8', 'i07', 'i7'], false],
    ['another prefix after many numbers', [...range(50, (i) => `i${i}`), 'j3', 'i3', 'j3'], false],
    ['a suffix after the digits', ['i1', 'i2', 'i2x', 'i2'], false],
    ['a key with no digit first', ['abc', 'i1', 'abc'], false],
    ['a prefix only', ['i1', 'i', 'i1'], false],
    ['ten digits', ['1', '1234567890', '1'], false],
    ['nine digits: a range too wide for an array, each new number greater than those before', ['1', '999999999', '1', '999999999'], true],
    ['a wide range, new numbers in increasing order, repeats among them', range(400, (i) => `i${i % 7 === 3 ? 10_000 * (i >> 1) : 10_000 * i}`), true],
    ['a range that grows wide after many numbers, then a new number below the greatest', [...range(300, (i) => `i${i}`), 'i900000000', 'i5', 'i900000001', 'i299', 'i50000'], false],
    ['a wide range, a new number below the greatest', ['5', '999999999', '7', '5'], false],
    ['whitespace around some (trimmed: one key)', ['i5', ' i5', 'i6 ', 'i6', '\u00a0i5'], false],
    ['digits that are not ASCII', ['i1', 'i١', 'i1'], false],
  ];
  for (const [name, values, numbered] of cases) {
    test(name, () => {
      const want = expected(values);
      for (const numbers of [true, false]) {
        for (const chunk of [1, 7, 1000]) {
          const got = encode(values, numbers, chunk);
          assert.deepEqual([...got.codes], want.codes, `numbers ${numbers}, chunks of ${chunk}`);
          assert.deepEqual(got.dict, want.dict, `numbers ${numbers}, chunks of ${chunk}`);
          assert.equal(got.numbered, numbers && numbered, 'kept as numbers');
        }
      }
    });
  }

  test('partition keys (KeyWords, addWordRows) as numbers over a narrow and a wide range, and a reused set that turned to buckets takes numbers again', () => {
    const wide = range(300, (i) => `i${(i % 5 === 4 ? i - 2 : i) * 100_003}`); // as a partition holds numbered ids: spread out, in increasing order
    const sets = [range(100, (i) => `i${(i * 13) % 40}`), ['i1', 'x1', 'i1', 'x1'], range(60, (i) => `i${100 + (i % 30)}`), wide, range(50, (i) => `i${i % 20}`)];
    const kg = new KeyGroups(10, false, true);
    const seen: boolean[] = [];
    for (const values of sets) {
      const words = new KeyWords(values.length), v = vectorOf(values);
      words.addRows(v, Int32Array.from(values.keys()), Int32Array.from(values.keys()), values.length);
      kg.reset().addWordRows(words.words, words.long, values.length);
      seen.push(kg.numbered);
      const codes = new Int32Array(values.length).fill(-1);
      const { size } = kg.finish(codes, false);
      const want = expected(values);
      assert.deepEqual([...codes], want.codes);
      assert.equal(size, want.dict.length);
    }
    assert.deepEqual(seen, [true, false, true, true, true]);
  });

  test('the first pass over the parts handed to another thread finds the groups finish finds', () => {
    const values = [...range(1000, (i) => `i${(i * 31) % 700}`), null, 'i3'];
    for (const numbers of [true, false]) {
      const kg = new KeyGroups(values.length, true, false, numbers), v = vectorOf(values);
      kg.addRows(v, Int32Array.from(values.keys()), Int32Array.from(values.keys()), values.length);
      const codes = new Int32Array(values.length).fill(-1);
      const groups = allFirstRows(kg.parts(), codes);
      assert.equal(groups, 700);
      kg.finish(codes, false, groups);
      assert.deepEqual([...codes], expected(values).codes);
    }
  });

  test('through the reader: numbered ids, then a long one, keep their values and groups', async () => {
    const lines = ['impression_id,user_id,item_id,event,ts'];
    for (let i = 0; i < 40; i++) lines.push(`i${i},u${i % 3},p${i % 5},impression,${1767571200 + i}`);
    lines.push(`i3,u0,p3,click,1767571300`, `an-impression-id-longer-than-twelve-bytes,u1,p1,impression,1767571301`, ` i4 ,u1,p4,click,1767571302`);
    const { log } = await readEvents(writeTmp('k.csv', lines.join('\n') + '\n'), { features: false, impressionValues: true });
    const names = Array.from(log.impression!, (c) => log.impressions!.get(c));
    assert.deepEqual(names, [...range(40, (i) => `i${i}`), 'i3', 'an-impression-id-longer-than-twelve-bytes', 'i4']);
    assert.equal(log.impressions!.size, 41);
  });
});
