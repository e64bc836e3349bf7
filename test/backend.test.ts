import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, BACKENDS } from '../src';

test('initBackend picks an available backend and says which', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    const b = await initBackend();
    assert.ok(BACKENDS.includes(b.name));
    assert.equal(b.tf.getBackend(), b.name);
    assert.match(lines.join('\n'), new RegExp(`tfjs backend ${b.name}`));
    const sum = b.tf.tidy(() => b.tf.tensor1d([1, 2, 3]).sum().dataSync()[0]);
    assert.equal(sum, 6);
  } finally {
    console.log = log;
  }
});

test('a requested backend is honoured', async () => {
  const b = await initBackend('cpu', { quiet: true });
  assert.equal(b.name, 'cpu');
  assert.equal(b.tf.getBackend(), 'cpu');
});
