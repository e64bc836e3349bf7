import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SpareMemory, transferables, typedArray } from '../src/shared-memory';

describe('SpareMemory', () => {
  test('hands out disjoint, aligned arrays of the spare buffer with their old values, then fresh shared memory', () => {
    const buffer = new SharedArrayBuffer(64);
    new Uint8Array(buffer).fill(7);
    const spare = new SpareMemory(buffer);
    const a = spare.take(Uint8Array, 3), b = spare.take(Float64Array, 2), c = spare.take(Int32Array, 4), d = spare.take(Int32Array, 7);
    assert.equal(a.buffer, buffer);
    assert.deepEqual(Array.from(a), [7, 7, 7]); // not zeroed: the caller writes every value
    assert.equal(b.byteOffset, 8); // a Float64Array starts on an 8-byte boundary
    assert.equal(c.byteOffset, 24);
    // 40 + 28 bytes would pass the end (64): fresh (zeroed) shared memory.
    assert.notEqual(d.buffer, buffer);
    assert.ok(d.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Array.from(d), [0, 0, 0, 0, 0, 0, 0]);
    b.fill(1);
    c.fill(2);
    assert.deepEqual(Array.from(a), [7, 7, 7]); // writing one does not touch another
    assert.equal(transferables([a, b, c, d]).length, 0); // shared memory is never handed over
  });

  test('without a spare buffer, every array is fresh shared memory', () => {
    const x = new SpareMemory(null).take(Int32Array, 5);
    assert.ok(x.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Array.from(x), [0, 0, 0, 0, 0]);
    assert.ok(!(typedArray(Int32Array, 2, false).buffer instanceof SharedArrayBuffer));
  });
});
