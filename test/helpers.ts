/** Shared test helpers: temporary files, the Taobao sample path, CLI runs. */
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';

export const ROOT = resolve(__dirname, '..');

/** A fresh temporary folder. */
export function tmp(prefix = 'buypath-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write text (gzip-compressed when the name ends in .gz) to a new file in a temp folder. */
export function writeTmp(name: string, text: string, dir = tmp()): string {
  const p = join(dir, name);
  writeFileSync(p, name.endsWith('.gz') ? gzipSync(text) : text);
  return p;
}

/** The real Taobao sample beside the repository (../shared), or BUYPATH_TAOBAO. Fails loudly when absent. */
export function taobaoPath(): string {
  const p = process.env.BUYPATH_TAOBAO ?? resolve(ROOT, '..', 'shared', 'data', 'taobao-userbehavior', 'UserBehavior_head.csv');
  if (!existsSync(p)) throw new Error(`Taobao sample: expected ${p}, got nothing there. Put ../shared beside the repository or set BUYPATH_TAOBAO.`);
  return p;
}

/** Run the compiled CLI; returns status, stdout and stderr. */
export function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'buypath.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
