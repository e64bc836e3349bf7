/**
 * Self-contained HTML: tables from plain rows and pages with plotly.js
 * inlined once (no CDN, works offline).
 */
import { figureHtml, plotlyScriptTag, type Figure } from '../plot/figure';

/** Escape text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One column of an HTML table. */
export interface HtmlColumn<T> {
  label: string;
  value: (row: T) => unknown;
}

/** Format a number for tables: rates as percentages (when `pct`), others with 4 significant digits. */
export function fmt(v: unknown, pct = false): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '—' : escapeHtml(String(v));
  if (!Number.isFinite(v)) return '—';
  if (pct) return `${(100 * v).toFixed(2)}%`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(+v.toPrecision(4));
}

/** Format a rate and its interval: `3.70% [3.55, 3.85]`. */
export function fmtCi(v: number, ci: [number, number], pct = true): string {
  return `${fmt(v, pct)} <span class="ci">[${fmt(ci[0], pct)}, ${fmt(ci[1], pct)}]</span>`;
}

/** An HTML table of rows. Cell values are inserted as given: escape text with `fmt`/`escapeHtml`. */
export function htmlTable<T>(rows: T[], columns: HtmlColumn<T>[], { caption }: { caption?: string } = {}): string {
  const head = columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td>${c.value(r)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="buypath">${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A section of a page: a heading, text/HTML and figures. */
export interface PageSection {
  heading: string;
  html?: string;
  figures?: Figure[];
}

export const PAGE_STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table.buypath{border-collapse:collapse;margin:.5em 0 1.5em;font-size:14px}table.buypath td,table.buypath th{border-bottom:1px solid #ddd;padding:.3em .7em;text-align:right}
table.buypath td:first-child,table.buypath th:first-child{text-align:left}.ci{color:#777;font-size:85%}caption{text-align:left;font-weight:600;padding:.3em 0}
.note{color:#555;font-size:14px}code{background:#f3f3f3;padding:0 .2em}`;

/** A complete, self-contained HTML page (plotly inlined when any section has figures). */
export function htmlPage(title: string, sections: PageSection[], { intro = '' }: { intro?: string } = {}): string {
  const hasFigures = sections.some((s) => s.figures?.length);
  let n = 0;
  const body = sections.map((s) => `<section><h2>${escapeHtml(s.heading)}</h2>${s.html ?? ''}${(s.figures ?? []).map((f) => figureHtml(f, { id: `fig-${++n}` })).join('\n')}</section>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style>${hasFigures ? plotlyScriptTag() : ''}</head>
<body><h1>${escapeHtml(title)}</h1>${intro}
${body}
</body></html>
`;
}
