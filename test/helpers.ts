/** Shared test helpers: temporary files, the Taobao sample path, CLI runs. */
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';

export const ROOT = resolve(__dirname, '..');

/** Temporary folders made by this test process: removed when it exits (BUYPATH_KEEP_TMP=1 keeps them, to look into a failure). */
const made: string[] = [];
process.on('exit', () => {
  if (process.env.BUYPATH_KEEP_TMP === '1') return;
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function tmp(prefix = 'buypath-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Write text (gzip-compressed when the name ends in .gz) to a new file in a temp folder. */
export function writeTmp(name: string, text: string, dir = tmp()): string {
  const p = join(dir, name);
  writeFileSync(p, name.endsWith('.gz') ? gzipSync(text) : text);
  return p;
}

/** Where the real Taobao sample is looked for: BUYPATH_TAOBAO, else ../shared beside the repository. */
export function taobaoCandidate(): string {
  return process.env.BUYPATH_TAOBAO ?? resolve(ROOT, '..', 'shared', 'data', 'taobao-userbehavior', 'UserBehavior_head.csv');
}

const TAOBAO_HOW = 'put ../shared beside the repository (it holds data/taobao-userbehavior/) or set BUYPATH_TAOBAO to UserBehavior_head.csv';

/** The real Taobao sample. Fails loudly when absent (tests that use it declare `needs('taobao')`). */
export function taobaoPath(): string {
  const p = taobaoCandidate();
  if (!existsSync(p)) throw new Error(`Taobao sample: expected ${p}, got nothing there. To run this test, ${TAOBAO_HOW}.`);
  return p;
}

/** True under CI=true or BUYPATH_REQUIRE_ALL=1: nothing optional may be skipped. */
export const REQUIRE_ALL = process.env.CI === 'true' || process.env.BUYPATH_REQUIRE_ALL === '1';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const prerequisites = require('../scripts/prerequisites.js') as {
  prerequisite(name: string): { name: string; what: string; apt: string[]; elsewhere: string };
  locate(name: string): string | undefined;
};

/** What a test may need that a fresh clone may lack: the real Taobao sample, or a system prerequisite. */
export type Need = 'taobao' | 'jupyter' | 'notebook-server' | 'xgboost' | 'openblas' | 'scikit-learn' | 'python-xgboost' | 'chromium';

/** Why `need` is absent (what is missing and how to get it), or undefined when it is here. */
export function missingReason(need: Need): string | undefined {
  if (need === 'taobao') return existsSync(taobaoCandidate()) ? undefined : `needs the real Taobao sample: ${TAOBAO_HOW}`;
  if (prerequisites.locate(need)) return undefined;
  const p = prerequisites.prerequisite(need);
  return `needs ${p.name} (${p.what}): apt-get install -y ${p.apt.join(' ')}, or ${p.elsewhere}`;
}

/**
 * Test options for a test that needs optional data or tools: `{ skip: reason }` when one is absent,
 * so the run says what it left out and how to get it. Under CI=true or BUYPATH_REQUIRE_ALL=1 nothing is
 * skipped: the test runs and fails, naming what is missing.
 */
export function needs(...what: Need[]): { skip?: string } {
  const reasons = what.map(missingReason).filter((r): r is string => Boolean(r));
  return reasons.length && !REQUIRE_ALL ? { skip: reasons.join('; ') } : {};
}

/** The Python that has `need` (a Python prerequisite), or a failure naming the install command. */
export function pythonFor(need: 'scikit-learn' | 'python-xgboost' | 'jupyter' | 'notebook-server'): string {
  const py = prerequisites.locate(need);
  if (!py) throw new Error(`${need}: expected a Python that has it, got none. ${missingReason(need)}`);
  return py;
}

/** Run the compiled CLI; returns status, stdout and stderr. */
export function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'buypath.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run `f` with environment variable `name` set to `value`, restoring what it was after (unset included). */
export async function withEnv<T>(name: string, value: string, f: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}
