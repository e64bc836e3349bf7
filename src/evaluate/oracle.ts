/**
 * The simulator's truths as an oracle: true p(click) and p(buy | click) of
 * the impressions behind a sample set, read from `truth.csv`.
 */
import { readFileSync } from 'node:fs';
import { LoadError } from '../errors';
import type { SampleSet } from '../features/samples';

/** True probabilities per sample row (NaN where the truth has no such impression). */
export interface OracleScores {
  p_click: Float64Array;
  p_buy_given_click: Float64Array;
}

/** Read `truth.csv` (written by `buypath simulate`) and align it to the rows of a sample set. */
export function oracleScores(truthPath: string, s: SampleSet, rows: ArrayLike<number>): OracleScores {
  if (!s.impression_id) throw new LoadError(`${truthPath}: expected samples keyed by impression_id to align the truth, got a log without impression ids.`);
  const lines = readFileSync(truthPath, 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const [ci, cc, cb] = ['impression_id', 'p_click', 'p_buy_given_click'].map((c) => head.indexOf(c));
  if (ci < 0 || cc < 0 || cb < 0) throw new LoadError(`${truthPath}: expected columns impression_id, p_click, p_buy_given_click, got ${head.join(', ')}. Pass the truth.csv written beside the simulated log.`);
  const byId = new Map<string, [number, number]>();
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    byId.set(f[ci], [Number(f[cc]), Number(f[cb])]);
  }
  const n = rows.length;
  const out = { p_click: new Float64Array(n), p_buy_given_click: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const t = byId.get(s.impression_id[rows[k]] ?? '');
    out.p_click[k] = t ? t[0] : NaN;
    out.p_buy_given_click[k] = t ? t[1] : NaN;
  }
  return out;
}
