/**
 * Timestamps as logs write them: epoch seconds, milliseconds or microseconds;
 * ISO-8601 with `T` or a space, with or without seconds (or minutes: date-hour),
 * date only, with a trailing zone name (`UTC`, `GMT`, `Z`) or offset (`+08`,
 * `+0800`, `+08:00`); or any strftime-style pattern (`%Y-%m-%d %H`). The
 * format is decided once per file from its first values, or given; values are
 * converted to epoch seconds. Values without a zone are read in `tz` (an IANA
 * zone such as `Asia/Shanghai`; default UTC).
 */

/** A strftime-style pattern: text with `%` directives. */
export type TimestampPattern = `${string}%${string}`;

/** How a file writes its timestamps: a named format or a strftime-style pattern. */
export type TimestampFormat = 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'iso8601' | TimestampPattern;

/** The named formats, for validation and help texts (any strftime-style pattern is accepted too). */
export const TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['epoch_s', 'epoch_ms', 'epoch_us', 'iso8601'];

/** Epoch seconds of 1990-01-01 and 2100-01-01: timestamps outside are reported as bad. */
export const TS_MIN = 631152000;
export const TS_MAX = 4102444800;

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The strftime directives a pattern may use, and the text each matches. */
const DIRECTIVES: Record<string, string> = {
  Y: '(\\d{4})', y: '(\\d{2})', m: '(\\d{1,2})', d: '(\\d{1,2})', e: '\\s*(\\d{1,2})', H: '(\\d{1,2})', I: '(\\d{1,2})',
  M: '(\\d{1,2})', S: '(\\d{1,2})', f: '(\\d{1,9})', p: '(AM|PM|am|pm)', b: '([A-Za-z]{3})', B: '([A-Za-z]+)', j: '(\\d{1,3})',
  z: '(Z|[+-]\\d{2}(?::?\\d{2})?)', Z: '([A-Za-z_/+-]+)', T: '(\\d{1,2}):(\\d{1,2}):(\\d{1,2})', '%': '%',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** True when timestamps in this format are text to parse (ISO-8601 or a pattern), not numbers. */
export function isTextTimestamp(format: TimestampFormat): boolean {
  return format === 'iso8601' || format.includes('%');
}

/** Why `format` is not a timestamp format, or undefined when it is one. */
export function timestampFormatProblem(format: string): string | undefined {
  if ((TIMESTAMP_FORMATS as readonly string[]).includes(format)) return undefined;
  if (!format.includes('%')) return `expected one of ${TIMESTAMP_FORMATS.join(', ')} or a strftime-style pattern such as %Y-%m-%d %H:%M, got "${format}"`;
  const bad = [...format.matchAll(/%(.)/g)].map((m) => m[1]).filter((d) => !(d in DIRECTIVES));
  if (bad.length) return `expected strftime directives among ${Object.keys(DIRECTIVES).map((d) => `%${d}`).join(' ')}, got ${bad.map((d) => `%${d}`).join(' ')} in "${format}"`;
  if (!/%[YyTj]|%[mdbBe]/.test(format)) return `expected a pattern with a date (%Y, %m, %d), got "${format}"`;
  return undefined;
}

const patterns = new Map<string, { re: RegExp; fields: string[] }>();

/** The regular expression of a strftime-style pattern, and which directive each group captures. */
function compilePattern(format: string): { re: RegExp; fields: string[] } {
  let p = patterns.get(format);
  if (p) return p;
  const fields: string[] = [];
  let src = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] === '%' && i + 1 < format.length) {
      const d = format[++i];
      src += DIRECTIVES[d] ?? d;
      if (d === 'T') fields.push('H', 'M', 'S');
      else if (d !== '%') fields.push(d);
    } else src += format[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  p = { re: new RegExp(`^${src}$`), fields };
  patterns.set(format, p);
  return p;
}

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

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Offset of `tz` from UTC at the instant `utcMs`, in milliseconds. */
function zoneOffsetMs(utcMs: number, tz: string): number {
  let f = zoneFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    zoneFormats.set(tz, f);
  }
  const v = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second) - Math.floor(utcMs / 1000) * 1000;
}

/** True when `tz` is a time zone this runtime knows (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Epoch milliseconds of a wall-clock time: in `zone` (an offset like +08:00, Z, UTC, GMT) when given, else in `tz`. */
function wallClockMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string | undefined, tz: string | undefined): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(naive);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 60) return NaN;
  if (zone && !/^(z|utc|gmt)$/i.test(zone)) {
    const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (m) return naive - (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
    if (!isTimeZone(zone)) return NaN;
    tz = zone;
  } else if (zone) return naive;
  if (!tz || /^(utc|gmt|z)$/i.test(tz)) return naive;
  // The offset at the guess, then at the corrected instant (right across DST changes except in the skipped hour).
  const first = naive - zoneOffsetMs(naive, tz);
  return naive - zoneOffsetMs(first, tz);
}

/** Parse with a strftime-style pattern. */
function parsePattern(s: string, format: string, tz: string | undefined): number {
  const { re, fields } = compilePattern(format);
  const m = re.exec(s);
  if (!m) return NaN;
  let y = 1970, mo = 1, d = 1, h = 0, mi = 0, sec = 0, ms = 0, pm: boolean | undefined, zone: string | undefined, doy: number | undefined;
  fields.forEach((f, i) => {
    const v = m[i + 1];
    switch (f) {
      case 'Y': y = Number(v); break;
      case 'y': y = 2000 + Number(v) - (Number(v) >= 70 ? 100 : 0); break;
      case 'm': mo = Number(v); break;
      case 'd': case 'e': d = Number(v); break;
      case 'H': case 'I': h = Number(v); break;
      case 'M': mi = Number(v); break;
      case 'S': sec = Number(v); break;
      case 'f': ms = Number(`0.${v}`) * 1000; break;
      case 'p': pm = v.toLowerCase() === 'pm'; break;
      case 'b': case 'B': mo = MONTHS.indexOf(v.slice(0, 3).toLowerCase()) + 1; break;
      case 'j': doy = Number(v); break;
      case 'z': case 'Z': zone = v; break;
    }
  });
  if (mo < 1) return NaN;
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  if (doy !== undefined) {
    const t = new Date(Date.UTC(y, 0, doy));
    mo = t.getUTCMonth() + 1;
    d = t.getUTCDate();
  }
  return wallClockMs(y, mo, d, h, mi, sec, ms, zone, tz) / 1000;
}

/**
 * Parse one timestamp in the given format to epoch seconds, or NaN when it
 * does not parse or falls outside 1990–2100. Text values without a zone are
 * read in `tz` (default UTC).
 */
export function parseTimestamp(raw: string, format: TimestampFormat, tz?: string): number {
  const s = raw.trim();
  let t: number;
  if (format === 'iso8601') {
    const m = ISO.exec(s);
    if (!m) return NaN;
    const ms = m[7] ? Number(m[7]) * 1000 : 0;
    t = wallClockMs(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms, m[8], tz) / 1000;
  } else if (format.includes('%')) {
    t = parsePattern(s, format, tz);
  } else {
    if (!NUMERIC.test(s)) return NaN;
    const v = Number(s);
    t = format === 'epoch_s' ? v : format === 'epoch_ms' ? v / 1e3 : v / 1e6;
  }
  return Number.isFinite(t) && t >= TS_MIN && t < TS_MAX ? t : NaN;
}
