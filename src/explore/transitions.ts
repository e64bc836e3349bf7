/**
 * Transition graph and step matrix of event sequences: which event directly
 * follows which within a path (directly-follows relation, as in process
 * mining), how often, with what probability and after how long; and the share
 * of sequences at each step holding each event.
 */
import { EXPLORE_DEFAULTS } from '../defaults';
import { medianP90 } from '../stats/intervals';
import type { EventColumns, Sequences } from './sequences';

/** An event type in the graph. */
export interface GraphNode {
  event: string;
  /** Occurrences in the sequences. */
  count: number;
  /** Sequences it starts, and ends. */
  starts: number;
  ends: number;
}

/** A directly-follows transition. */
export interface GraphEdge {
  from: string;
  to: string;
  /** Times `to` directly follows `from`. */
  count: number;
  /** count / occurrences of `from` (the rest of them end their sequence). */
  probability: number;
  /** Median and 90th percentile of the seconds between the two events. */
  median_s: number;
  p90_s: number;
}

/** The transition graph of a set of sequences. */
export interface TransitionGraph {
  nodes: GraphNode[];
  /** Edges, most frequent first. */
  edges: GraphEdge[];
  /** Sequences with at least one event. */
  sequences: number;
  unit: Sequences['unit'];
}

/** Options of `transitionGraph`. */
export interface GraphOptions {
  /** Only the sequences for which this returns true (e.g. clicked paths). */
  keep?: (s: number) => boolean;
}

/** Directly-follows transitions of `seqs` over the events `e`. */
export function transitionGraph(e: EventColumns, seqs: Sequences, options: GraphOptions = {}): TransitionGraph {
  const K = e.names.length;
  const count = new Float64Array(K), starts = new Float64Array(K), ends = new Float64Array(K), pairs = new Float64Array(K * K);
  const gaps: number[][] = Array.from({ length: K * K }, () => []);
  let sequences = 0;
  for (let s = 0; s + 1 < seqs.offsets.length; s++) {
    const a = seqs.offsets[s], b = seqs.offsets[s + 1];
    if (a === b || (options.keep && !options.keep(s))) continue;
    sequences++;
    starts[e.ev[seqs.rows[a]]]++;
    ends[e.ev[seqs.rows[b - 1]]]++;
    for (let q = a; q < b; q++) {
      const i = seqs.rows[q];
      count[e.ev[i]]++;
      if (q + 1 < b) {
        const j = seqs.rows[q + 1], k = e.ev[i] * K + e.ev[j];
        pairs[k]++;
        gaps[k].push(e.ts[j] - e.ts[i]);
      }
    }
  }
  const nodes = e.names.map((event, k) => ({ event, count: count[k], starts: starts[k], ends: ends[k] })).filter((n) => n.count > 0);
  const edges: GraphEdge[] = [];
  for (let k = 0; k < K * K; k++) {
    if (!pairs[k]) continue;
    const from = Math.floor(k / K), to = k % K;
    const { median, p90 } = medianP90(gaps[k]);
    edges.push({ from: e.names[from], to: e.names[to], count: pairs[k], probability: pairs[k] / count[from], median_s: median, p90_s: p90 });
  }
  edges.sort((x, y) => y.count - x.count || (x.from + x.to < y.from + y.to ? -1 : 1));
  return { nodes, edges, sequences, unit: seqs.unit };
}

/** The step matrix: share of sequences whose k-th event is each event type (steps beyond a sequence's end count as `end`). */
export interface StepMatrix {
  /** Row labels: event types, then `end`. */
  events: string[];
  steps: number;
  /** share[r][k]: share of sequences at step k + 1 in row r. */
  share: number[][];
  sequences: number;
}

/** Step matrix of the first `steps` events of each kept sequence (retentioneering's step matrix, without its time cuts). */
export function stepMatrix(e: EventColumns, seqs: Sequences, { steps = EXPLORE_DEFAULTS.steps, keep }: { steps?: number; keep?: (s: number) => boolean } = {}): StepMatrix {
  const K = e.names.length;
  const m = Array.from({ length: K + 1 }, () => new Array<number>(steps).fill(0));
  let n = 0;
  for (let s = 0; s + 1 < seqs.offsets.length; s++) {
    const a = seqs.offsets[s], b = seqs.offsets[s + 1];
    if (a === b || (keep && !keep(s))) continue;
    n++;
    for (let k = 0; k < steps; k++) m[a + k < b ? e.ev[seqs.rows[a + k]] : K][k]++;
  }
  const used = m.map((row, r) => (row.some((v) => v > 0) ? r : -1)).filter((r) => r >= 0);
  return { events: used.map((r) => (r === K ? 'end' : e.names[r])), steps, share: used.map((r) => m[r].map((v) => (n ? v / n : NaN))), sequences: n };
}
