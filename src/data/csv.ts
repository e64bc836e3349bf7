/** Writing CSV: one field, quoted only when it holds a quote, a comma or a newline (RFC 4180). */

/** A value as one CSV field; null and undefined are empty. */
export function csvField(v: unknown): string {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}
