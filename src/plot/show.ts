/**
 * Display figures in a tslab notebook. The first figure of a kernel carries
 * the plotly.js bundle inline, so executed notebooks and their HTML exports
 * work offline.
 */
import { figureHtml, plotlyScriptTag, type Figure } from './figure';

let plotlySent = false;

interface TslabDisplay {
  html(s: string): void;
  text(s: string): void;
}

function display(): TslabDisplay | undefined {
  try {
    // tslab is only present inside a notebook kernel.
    return (require('tslab') as { display: TslabDisplay }).display;
  } catch {
    return undefined;
  }
}

/** Show a figure in the notebook (or print its JSON size outside one). */
export function show(fig: Figure): void {
  const d = display();
  if (!d) {
    console.log(`[figure: ${fig.data.length} trace(s), ${String((fig.layout as { title?: { text?: string } }).title?.text ?? '')}]`);
    return;
  }
  const head = plotlySent ? '' : plotlyScriptTag();
  plotlySent = true;
  d.html(head + figureHtml(fig));
}

/** Show an HTML fragment in the notebook (tables, reports). */
export function showHtml(html: string): void {
  const d = display();
  if (d) d.html(html);
  else console.log(html);
}
