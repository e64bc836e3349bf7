/**
 * Timestamp detection: epoch seconds, epoch milliseconds, epoch microseconds
 * or ISO-8601 strings, decided once per file from its first values, and
 * converted to epoch seconds.
 */

/** How a file writes its timestamps. */
export type TimestampFormat = 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'iso8601';

/** Every TimestampFormat, for validation and help texts. */
export const TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['epoch_s', 'epoch_ms', 'epoch_us', 'iso8601'];

/** Epoch seconds of 1990-01-01 and 2100-01-01: timestamps outside are reported as bad. */
export const TS_MIN = 631152000;
export const TS_MAX = 4102444800;

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Decide the format from sample values (blank values ignored). Numbers are
 * read by magnitude: below 1e11 seconds, below 1e14 milliseconds, above that
 * microseconds. Returns undefined when no sample value looks like a timestamp.
 */
export function detectTimestampFormat(samples: readonly string[]): TimestampFormat | undefined {
  let numeric = 0, iso = 0, maxAbs = 0;
  for (const raw of samples) {
    const s = raw.trim();
    if (!s) continue;
    if (NUMERIC.test(s)) {
      numeric++;
      maxAbs = Math.max(maxAbs, Math.abs(Number(s)));
    } else if (ISO.test(s)) iso++;
  }
  if (numeric === 0 && iso === 0) return undefined;
  if (iso > numeric) return 'iso8601';
  if (maxAbs < 1e11) return 'epoch_s';
  if (maxAbs < 1e14) return 'epoch_ms';
  return 'epoch_us';
}

/**
 * Parse one timestamp in the given format to epoch seconds, or NaN when it
 * does not parse or falls outside 1990–2100. ISO-8601 values without an
 * offset are read as UTC.
 */
export function parseTimestamp(raw: string, format: TimestampFormat): number {
  const s = raw.trim();
  let t: number;
  if (format === 'iso8601') {
    if (!ISO.test(s)) return NaN;
    let iso = s.replace(' ', 'T');
    if (iso.length === 10) iso += 'T00:00:00';
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z';
    t = Date.parse(iso) / 1000;
  } else {
    if (!NUMERIC.test(s)) return NaN;
    const v = Number(s);
    t = format === 'epoch_s' ? v : format === 'epoch_ms' ? v / 1e3 : v / 1e6;
  }
  return Number.isFinite(t) && t >= TS_MIN && t < TS_MAX ? t : NaN;
}
