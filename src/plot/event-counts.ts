/**
 * Bar chart of rows per canonical event, on a log scale (purchases are rare).
 */
import { LAYOUT_DEFAULTS, type Figure } from './figure';
import { eventRank } from '../data/schema';

/** Options of `eventCountsFigure`. */
export interface EventCountsOptions {
  /** Figure title. */
  title?: string;
  /** Log-scaled y axis. Default true. */
  log?: boolean;
}

/** Figure of event counts, in funnel order (impression, click, actions, buy). */
export function eventCountsFigure(counts: Record<string, number>, { title = 'Events per type', log = true }: EventCountsOptions = {}): Figure {
  const names = Object.keys(counts).sort((a, b) => eventRank(a) - eventRank(b) || counts[b] - counts[a]);
  return {
    data: [{ type: 'bar', x: names, y: names.map((n) => counts[n]), text: names.map((n) => counts[n].toLocaleString('en-US')), textposition: 'outside', marker: { color: '#4c78a8' } }],
    layout: { ...LAYOUT_DEFAULTS, title: { text: title }, yaxis: { type: log ? 'log' : 'linear', title: { text: 'rows' } }, xaxis: { title: { text: 'event' } } },
  };
}
