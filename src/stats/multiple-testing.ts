/**
 * False-discovery control across a family of tests.
 */

/**
 * Benjamini–Hochberg adjusted p-values (q-values; Benjamini & Hochberg 1995): q(i) =
 * min over j ≥ i of p(j)·m/j on the ascending p-values, capped at 1. Rejecting every test with
 * q ≤ α controls the false-discovery rate at α for independent or positively dependent tests.
 * NaN p-values (a test that could not be run) stay NaN and do not count in m.
 */
export function benjaminiHochberg(p: ArrayLike<number>): number[] {
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i])) idx.push(i);
  idx.sort((a, b) => p[a] - p[b] || a - b);
  const m = idx.length;
  const q = new Array<number>(p.length).fill(NaN);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    running = Math.min(running, (p[idx[r]] * m) / (r + 1));
    q[idx[r]] = running;
  }
  return q;
}
