'use strict';
// `npm test`: set up what the tests need, run them, end with a summary that names every skipped test.
// 1. System prerequisites (scripts/prerequisites.js, "test"): installed with apt-get on Debian/Ubuntu as
//    root, else the exact command is printed and the tests that need them are skipped with that reason.
// 2. The suite (node:test, spec reporter plus scripts/test-summary.mjs); arguments select test files.
// 3. Under CI=true or BUYPATH_REQUIRE_ALL=1 nothing optional may be missing: a missing prerequisite
//    fails before the run, a missing sample fails its tests, and every defined test must have run.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, rmSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');
const { ensure } = require('./prerequisites');

const ROOT = join(__dirname, '..');
const requireAll = process.env.CI === 'true' || process.env.BUYPATH_REQUIRE_ALL === '1';
const summaryPath = process.env.BUYPATH_TEST_SUMMARY || join(ROOT, 'test-results', 'summary.json');

/** Every *.test.ts under `dir`, folder by folder (tests mirror src/). */
function testFiles(dir) {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? testFiles(p) : f.endsWith('.test.ts') ? [p] : [];
  });
}

function main() {
  try {
    ensure('test', { install: true, strict: requireAll });
  } catch (e) {
    console.error(`buypath: ${e.message}\n(CI=true or BUYPATH_REQUIRE_ALL=1: every test must run, so nothing may be missing.)`);
    return 1;
  }
  const files = process.argv.slice(2);
  const selected = files.length ? files : testFiles(join(ROOT, 'test')).map((f) => relative(ROOT, f));
  rmSync(summaryPath, { force: true });
  const r = spawnSync(process.execPath, [
    '--import', 'tsx', '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(ROOT, 'scripts', 'test-summary.mjs')}`, '--test-reporter-destination=stdout',
    ...selected,
  ], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, BUYPATH_TEST_SUMMARY: summaryPath } });
  if (r.status !== 0) return r.status ?? 1;
  if (!existsSync(summaryPath)) {
    console.error(`buypath: expected the test summary at ${summaryPath}, got nothing there (did the reporter run?)`);
    return 1;
  }
  const s = JSON.parse(readFileSync(summaryPath, 'utf8'));
  if (requireAll && (s.ran !== s.defined || s.skipped || s.todo)) {
    console.error(`buypath: CI expects every defined test to run: ${s.defined} defined, ${s.ran} ran, ${s.skipped} skipped, ${s.todo} todo.`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
