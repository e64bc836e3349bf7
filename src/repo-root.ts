/** The buypath checkout (or installed package) this code runs from. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folder holding buypath's package.json, found upwards from this file; the working directory as a last resort. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}
