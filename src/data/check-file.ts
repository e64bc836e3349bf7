/**
 * Before a log is read: is the path a file, and is it a log at all? A
 * directory, a missing path or a binary file (an executable, an image, a
 * spreadsheet) each get their own one-line message, never raw bytes.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { LoadError } from '../errors';

/** How many bytes of the file are looked at to tell text from binary. */
const SNIFF_BYTES = 8192;

/** Throw a LoadError unless `path` is a text log (CSV, TSV, JSONL, possibly gzip-compressed) or a Parquet file. */
export function checkLogFile(path: string): void {
  const where = `relative paths start from ${process.cwd()}`;
  if (!existsSync(path)) throw new LoadError(`${path}: expected an event log file, got nothing at that path. Check the path (${where}).`);
  const st = statSync(path);
  if (st.isDirectory()) throw new LoadError(`${path}: expected an event log file, got a directory. Pass one file in it (e.g. ${path.replace(/\/$/, '')}/events.csv).`);
  if (!st.isFile()) throw new LoadError(`${path}: expected an event log file, got something else (a device, socket or pipe). Pass a regular file.`);
  const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const gzip = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  const parquet = buf.length >= 4 && buf.toString('latin1', 0, 4) === 'PAR1';
  if (gzip || parquet) return;
  // Text has no NUL bytes and few control characters other than tab, CR and LF.
  let control = 0;
  for (const c of buf) {
    if (c === 0) return binary(path, buf);
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  if (buf.length && control / buf.length > 0.1) binary(path, buf);
}

function binary(path: string, buf: Buffer): never {
  const head = Array.from(buf.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new LoadError(`${path}: expected a text log (CSV, TSV or JSONL, gzip allowed) or a Parquet file, got a binary file (first bytes ${head}). Export the log as CSV or Parquet.`);
}
