// A node:test reporter that ends `npm test` with what ran and, by name, what was skipped and why,
// so a partial run is never mistaken for a full one. It also writes the counts as JSON to
// BUYPATH_TEST_SUMMARY (scripts/test.js and .ci/run read them: under CI every defined test must run).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative } from 'node:path';

export default async function* summary(source) {
  const tests = [];
  const stack = [];
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:start') stack[d.nesting] = d.name;
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const isSuite = d.details?.type === 'suite';
    // A suite counts only when it was skipped as a whole (its tests then never start).
    if (isSuite && !d.skip && !d.todo) continue;
    const path = [...stack.slice(0, d.nesting), d.name].join(' › ');
    const file = d.file ? relative(process.cwd(), d.file) : '';
    const status = d.skip !== undefined ? 'skipped' : d.todo !== undefined ? 'todo' : event.type === 'test:pass' ? 'passed' : 'failed';
    tests.push({ file, name: path, status, reason: typeof d.skip === 'string' ? d.skip : typeof d.todo === 'string' ? d.todo : '' });
  }
  const count = (s) => tests.filter((t) => t.status === s).length;
  const counts = { defined: tests.length, ran: count('passed') + count('failed'), passed: count('passed'), failed: count('failed'), skipped: count('skipped'), todo: count('todo') };
  const out = process.env.BUYPATH_TEST_SUMMARY;
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ ...counts, skipped_tests: tests.filter((t) => t.status === 'skipped') }, null, 2) + '\n');
  }
  let text = `\nbuypath test summary: ${counts.defined} defined, ${counts.ran} ran (${counts.passed} passed, ${counts.failed} failed), ${counts.skipped} skipped, ${counts.todo} todo\n`;
  const left = tests.filter((t) => t.status === 'skipped' || t.status === 'todo');
  if (left.length) {
    text += `NOT A FULL RUN: ${left.length} test(s) did not run:\n`;
    for (const t of left) text += `  - ${t.file} › ${t.name}\n      ${t.status}: ${t.reason || '(no reason given)'}\n`;
    text += 'CI (CI=true or BUYPATH_REQUIRE_ALL=1) runs them all and fails on anything missing.\n';
  } else if (counts.defined) {
    text += 'Full run: every defined test ran.\n';
  }
  yield text;
}
