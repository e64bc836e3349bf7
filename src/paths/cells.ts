/**
 * Clicked paths summarised as counts per cell (action set × bought). Every
 * rate of the action analysis is a function of these counts, which makes
 * bootstrap intervals cheap at any data size.
 */
import { PATH_FLAGS, type PathSet } from './path-set';
import { katzRatio, wilson, type RateCI, type RatioCI } from '../stats/intervals';

/** Counts of clicked paths per action bitmask: `counts[2c]` not bought, `counts[2c+1]` bought. */
export interface Cells {
  masks: Uint32Array;
  counts: Float64Array;
}

/** Summarise the clicked paths of a path set into cells. */
export function clickedCells(paths: PathSet): Cells {
  const index = new Map<number, number>();
  const acc: number[] = [];
  for (let p = 0; p < paths.n; p++) {
    const f = paths.flags[p];
    if (!(f & PATH_FLAGS.CLICK)) continue;
    const m = paths.mask[p];
    let c = index.get(m);
    if (c === undefined) {
      index.set(m, (c = index.size));
      acc.push(0, 0);
    }
    acc[2 * c + (f & PATH_FLAGS.BUY ? 1 : 0)]++;
  }
  // Cells in mask order, so results do not depend on the order paths were mined in.
  const masks = Uint32Array.from(index.keys()).sort();
  const counts = new Float64Array(2 * masks.length);
  masks.forEach((m, k) => {
    const c = index.get(m)!;
    counts[2 * k] = acc[2 * c];
    counts[2 * k + 1] = acc[2 * c + 1];
  });
  return { masks, counts };
}

/** Paths and purchases among clicked paths whose mask meets `set` (any bit), and in total. */
export interface SetCounts {
  clicks: number;
  buys: number;
  /** Paths holding at least one action of the set, and their purchases. */
  withSet: number;
  buysWithSet: number;
}

/** Count paths and purchases with and without any action of the bitmask `set`. */
export function countSet(masks: Uint32Array, counts: Float64Array, set: number): SetCounts {
  let clicks = 0, buys = 0, withSet = 0, buysWithSet = 0;
  for (let c = 0; c < masks.length; c++) {
    const n = counts[2 * c] + counts[2 * c + 1], b = counts[2 * c + 1];
    clicks += n;
    buys += b;
    if (masks[c] & set) {
      withSet += n;
      buysWithSet += b;
    }
  }
  return { clicks, buys, withSet, buysWithSet };
}

/** Buy-rate lift of a set: P(buy | click, set) / P(buy | click, not set). */
export function liftOf(s: SetCounts): number {
  const without = (s.buys - s.buysWithSet) / (s.clicks - s.withSet);
  return s.buysWithSet / s.withSet / without;
}

/** The lift with its 95% Katz interval, finite even where no purchase happens without the set (lift ∞). */
export function liftInterval(s: SetCounts): RatioCI {
  return katzRatio(s.buysWithSet, s.withSet, s.buys - s.buysWithSet, s.clicks - s.withSet);
}

/** P(buy | click, the set) and P(buy | click, none of the set), each with a 95% Wilson interval. */
export function buyRatesOf(s: SetCounts): { withSet: RateCI; withoutSet: RateCI } {
  return { withSet: wilson(s.buysWithSet, s.withSet), withoutSet: wilson(s.buys - s.buysWithSet, s.clicks - s.withSet) };
}

/** Bitmask of action names (unknown names are an error the caller reports). */
export function maskOf(actions: string[], names: readonly string[]): number {
  return names.reduce((m, a) => m | (1 << actions.indexOf(a)), 0);
}
