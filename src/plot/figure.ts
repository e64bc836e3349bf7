/**
 * Plotly figures as plain JSON, and their HTML. Builders in `plot/` are pure
 * `(data, options) => Figure`; rendering happens in notebooks and reports.
 */
import { readFileSync } from 'node:fs';

/** A plotly figure: traces and layout, as plain JSON. */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Shared layout defaults of every buypath figure. */
export const LAYOUT_DEFAULTS = {
  font: { family: 'system-ui, -apple-system, Segoe UI, sans-serif', size: 13 },
  margin: { l: 60, r: 20, t: 50, b: 50 },
  height: 380,
  template: undefined,
};

/** The plotly.js bundle (minified), for inlining into self-contained pages. */
export function plotlySource(): string {
  return readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
}

/** `<script>` tag holding the whole plotly.js bundle (no CDN, works offline). */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">${plotlySource().replace(/<\/script/gi, '<\\/script')}</script>`;
}

let counter = 0;

/** HTML of one figure: a div and the script that draws it (expects `window.Plotly`). */
export function figureHtml(fig: Figure, { id }: { id?: string } = {}): string {
  const divId = id ?? `buypath-plot-${++counter}`;
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  const height = Number((fig.layout as { height?: number }).height ?? LAYOUT_DEFAULTS.height);
  return (
    `<div id="${divId}" class="buypath-plot" style="width:100%;height:${height}px"></div>` +
    `<script type="text/javascript">Plotly.newPlot(${json(divId)}, ${json(fig.data)}, ${json(fig.layout)}, {responsive: true, displaylogo: false});</script>`
  );
}
