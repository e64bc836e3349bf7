/**
 * Line-oriented readers for CSV/TSV and JSONL files, plain or gzip-compressed,
 * streamed so that memory holds one chunk at a time.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** File formats the loader reads. */
export type FileFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

/** True when the file starts with the gzip magic bytes. */
export function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const n = readSync(fd, buf, 0, 2, 0);
    return n === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** True when the file starts with the Parquet magic bytes `PAR1`. */
export function isParquet(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const n = readSync(fd, buf, 0, 4, 0);
    return n === 4 && buf.toString('latin1') === 'PAR1';
  } finally {
    closeSync(fd);
  }
}

/** Format from the file name (a trailing `.gz` ignored), or undefined when the name does not tell. */
export function formatFromName(path: string): FileFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.tsv') || name.endsWith('.tab')) return 'tsv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  if (name.endsWith('.parquet') || name.endsWith('.pq')) return 'parquet';
  return undefined;
}

/** Guess the format of a text file from its first line. */
export function sniffFormat(firstLine: string): Exclude<FileFormat, 'parquet'> {
  const s = firstLine.trimStart();
  if (s.startsWith('{')) return 'jsonl';
  const tabs = s.split('\t').length - 1;
  const commas = s.split(',').length - 1;
  return tabs > commas ? 'tsv' : 'csv';
}

/** Open a (possibly gzip-compressed) file as a byte stream. */
export function openText(path: string): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return isGzip(path) ? raw.pipe(createGunzip()) : raw;
}

/**
 * Stream the lines of a text file (LF or CRLF), yielding batches of lines to
 * keep the per-line overhead of async iteration low.
 */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let first = true;
  for await (const chunk of openText(path)) {
    let text = rest + decoder.write(chunk as Buffer);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.length && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
    }
    if (lines.length) yield lines;
  }
  rest += decoder.end();
  if (rest.length) yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/**
 * Split one delimited line into fields. Handles RFC 4180 quoting within the
 * line (`"a,b"`, `""` for a quote). Returns null when a quote is left open.
 */
export function splitDelimited(line: string, delimiter: string): string[] | null {
  if (line.indexOf('"') < 0) return line.split(delimiter);
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i <= n) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < n && line[i] !== delimiter) return null;
      out.push(value);
      i++;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d < 0) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, d));
      i = d + 1;
      if (i === n) {
        out.push('');
        break;
      }
    }
  }
  return out;
}
