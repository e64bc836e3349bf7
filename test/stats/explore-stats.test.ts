import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { benjaminiHochberg, chiSquareSf, chiSquare2x2, cochranQ, compressCells, kaplanMeier, lnGamma, normalTwoSided, survivalCells } from '../../src';

/** Run Python (Debian's, with SciPy) on JSON input; skips the test when SciPy is absent. */
function python(t: { skip(msg: string): void }, code: string, input: unknown): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', `import json,sys\n${code}`, JSON.stringify(input)], { encoding: 'utf8' });
  if (r.status !== 0) { t.skip(`needs SciPy in /usr/bin/python3 (apt-get install -y python3-scipy): ${r.stderr.trim().split('\n').pop()}`); return undefined; }
  return JSON.parse(r.stdout);
}

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe('p-values', () => {
  test('log-gamma at integers and halves', () => {
    assert.ok(close(lnGamma(10), Math.log(362880), 1e-13));
    assert.ok(close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13));
  });

  test('χ² and normal tails match SciPy, from the centre to 1e-30', (t) => {
    const cases = [[0.1, 1], [1, 1], [3.841458820694124, 1], [17.66, 1], [50, 3], [150, 1], [4, 10], [0.5, 7]];
    const want = python(t, 'from scipy.stats import chi2\nprint(json.dumps([chi2.sf(x, d) for x, d in json.loads(sys.argv[1])]))', cases) as number[] | undefined;
    if (!want) return;
    cases.forEach(([x, d], i) => assert.ok(close(chiSquareSf(x, d), want[i], 1e-10), `χ²(${d}) sf ${x}: ${chiSquareSf(x, d)} vs ${want[i]}`));
    assert.ok(close(normalTwoSided(1.959963984540054), 0.05, 1e-12));
    assert.ok(Number.isNaN(chiSquareSf(NaN, 1)));
  });

  test('Pearson χ² of a 2×2 table matches SciPy chi2_contingency(correction=False)', (t) => {
    const tables = [[40, 100, 12, 300], [26, 200, 26, 200], [3, 31, 49, 369]];
    const want = python(t, `from scipy.stats import chi2_contingency
out=[]
for a,n1,c,n0 in json.loads(sys.argv[1]):
    s,p,_,_=chi2_contingency([[a,n1-a],[c,n0-c]],correction=False); out.append([s,p])
print(json.dumps(out))`, tables) as number[][] | undefined;
    if (!want) return;
    tables.forEach(([a, n1, c, n0], i) => {
      const r = chiSquare2x2({ a, n1, c, n0 });
      assert.ok(close(r.statistic, want[i][0], 1e-9) || (r.statistic === 0 && want[i][0] < 1e-12), `table ${i}: ${r.statistic} vs ${want[i][0]}`);
      assert.ok(close(r.p_value, want[i][1], 1e-9), `table ${i}: p ${r.p_value} vs ${want[i][1]}`);
    });
  });
});

describe('Benjamini–Hochberg', () => {
  test('hand-worked: q(i) = min over j ≥ i of p(j)·m/j', () => {
    // Sorted p: .01 .02 .03 .04 .20 → ×5/rank: .05 .05 .05 .05 .20; the running minimum from the top keeps them.
    const q = benjaminiHochberg([0.04, 0.01, 0.2, 0.03, 0.02]);
    assert.deepEqual(q.map((x) => +x.toFixed(12)), [0.05, 0.05, 0.2, 0.05, 0.05]);
    // A smaller p later lowers the earlier q: .01 .04 .045 → .03 .06 .045 → min from the top: .03 .045 .045.
    assert.deepEqual(benjaminiHochberg([0.045, 0.01, 0.04]).map((x) => +x.toFixed(12)), [0.045, 0.03, 0.045]);
    const withNaN = benjaminiHochberg([NaN, 0.01, 0.02]);
    assert.ok(Number.isNaN(withNaN[0]));
    assert.deepEqual(withNaN.slice(1), [0.02, 0.02], 'NaN does not count in m');
  });

  test('matches an independent implementation (NumPy) on 200 p-values with ties', (t) => {
    const p = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 1000) / 1000 / (1 + (i % 5)) + (i % 13 === 0 ? 0 : 1e-4));
    const want = python(t, `import numpy as np
p=np.array(json.loads(sys.argv[1])); m=len(p); o=np.argsort(p, kind='stable'); r=p[o]*m/np.arange(1,m+1)
q=np.minimum.accumulate(r[::-1])[::-1]; out=np.empty(m); out[o]=np.minimum(q,1); print(json.dumps(out.tolist()))`, p) as number[] | undefined;
    if (!want) return;
    benjaminiHochberg(p).forEach((q, i) => assert.ok(close(q, want[i], 1e-12), `${i}: ${q} vs ${want[i]}`));
  });
});

describe('Cochran Q', () => {
  test('two groups whose lift differs: hand-worked, and against SciPy', (t) => {
    // A: 25/50 vs 3/150 (RR 25, v = 1/25 − 1/50 + 1/3 − 1/150); B: 5/50 vs 15/150 (RR 1, v = 1/5 − 1/50 + 1/15 − 1/150).
    // With two groups Q = (y1 − y2)² / (v1 + v2).
    const A = { a: 25, n1: 50, c: 3, n0: 150 }, B = { a: 5, n1: 50, c: 15, n0: 150 };
    const v1 = 1 / 25 - 1 / 50 + 1 / 3 - 1 / 150, v2 = 1 / 5 - 1 / 50 + 1 / 15 - 1 / 150;
    const q = cochranQ([A, B]);
    assert.ok(close(q.statistic, Math.log(25) ** 2 / (v1 + v2), 1e-12));
    assert.equal(q.df, 1);
    assert.equal(q.groups, 2);
    const want = python(t, 'from scipy.stats import chi2\nprint(json.dumps(chi2.sf(json.loads(sys.argv[1]), 1)))', q.statistic) as number | undefined;
    if (want !== undefined) assert.ok(close(q.p_value, want, 1e-10));
    assert.ok(q.p_value < 1e-4);
  });

  test('identical groups: Q = 0, p = 1; a group without purchases is left out', () => {
    const A = { a: 25, n1: 50, c: 3, n0: 150 };
    const q = cochranQ([A, { ...A }, { a: 0, n1: 10, c: 0, n0: 10 }]);
    assert.ok(Math.abs(q.statistic) < 1e-12);
    assert.equal(q.p_value, 1);
    assert.equal(q.groups, 2);
    assert.ok(Number.isNaN(cochranQ([A]).p_value), 'one group: no test');
  });
});

describe('Kaplan–Meier', () => {
  // Events at 10, 100, 200; censored at 0, 50, 150, 604800 (seven subjects).
  const time = [10, 100, 0, 50, 200, 150, 604800], event = [1, 1, 0, 0, 1, 0, 0];

  test('hand-worked curve and Greenwood sums', () => {
    const km = kaplanMeier(survivalCells(time, event));
    // t=0: a censoring (6 left); t=10: 1 of 6 → 5/6; 50 censored → 4 at risk at 100: × 3/4; 150 censored → 2 at risk at 200: × 1/2.
    assert.deepEqual(km.map((s) => [s.t, s.at_risk, s.events]), [[10, 6, 1], [100, 4, 1], [200, 2, 1]]);
    const S = [5 / 6, 5 / 8, 5 / 16], G = [1 / 30, 1 / 30 + 1 / 12, 1 / 30 + 1 / 12 + 1 / 2];
    km.forEach((s, j) => { assert.ok(close(s.survival, S[j], 1e-14)); assert.ok(close(s.greenwood, G[j], 1e-14)); });
    // log-log interval at t=10: se = √(1/30) / |log(5/6)|; bounds S^exp(±1.96·se).
    const se = Math.sqrt(1 / 30) / Math.abs(Math.log(5 / 6));
    assert.ok(close(km[0].low, (5 / 6) ** Math.exp(1.959963984540054 * se), 1e-12) && close(km[0].high, (5 / 6) ** Math.exp(-1.959963984540054 * se), 1e-12));
    assert.ok(km.every((s) => s.low <= s.survival && s.survival <= s.high));
  });

  test('against an independent implementation (NumPy) on tied, censored data', (t) => {
    const T = Array.from({ length: 300 }, (_, i) => (i * 37) % 97), E = T.map((_, i) => (i % 3 ? 1 : 0));
    const want = python(t, `import numpy as np
T,E=[np.array(x) for x in json.loads(sys.argv[1])]; S=1.0; g=0.0; out=[]
for u in np.unique(T[E==1]):
    n=(T>=u).sum(); d=((T==u)&(E==1)).sum(); S*=1-d/n; g+=d/(n*(n-d)) if n>d else np.inf
    se=np.sqrt(g)/abs(np.log(S)); out.append([float(u),float(S),float(S**np.exp(1.959963984540054*se)),float(S**np.exp(-1.959963984540054*se))])
print(json.dumps(out))`, [T, E]) as number[][] | undefined;
    if (!want) return;
    const km = kaplanMeier(survivalCells(T, E));
    assert.equal(km.length, want.length);
    km.forEach((s, j) => [s.t, s.survival, s.low, s.high].forEach((v, k) => assert.ok(close(v, want[j][k], 1e-10), `step ${j} field ${k}: ${v} vs ${want[j][k]}`)));
  });

  test('merging censorings into the last event time leaves the curve unchanged', () => {
    const cells = survivalCells(time, event);
    assert.deepEqual(kaplanMeier(compressCells(cells)), kaplanMeier(cells));
    assert.equal(compressCells(cells).t.length, 4, 'a leading cell (t=0) and the three event times');
  });
});

describe('medianP90', () => {
  test('median and 90th percentile of the finite values, interpolated as NumPy does; NaN and infinities left out', async () => {
    const { medianP90 } = await import('../../src/stats/intervals');
    // NumPy: np.percentile([1, 2, 3, 4, 10], [50, 90]) = [3, 7.6]
    const r = medianP90(Float32Array.from([4, NaN, 1, Infinity, 10, 2, -Infinity, 3]));
    assert.equal(r.n, 5);
    assert.equal(r.median, 3);
    assert.ok(Math.abs(r.p90 - 7.6) < 1e-12, `p90 ${r.p90}`);
    assert.deepEqual(medianP90([NaN]), { n: 0, median: NaN, p90: NaN });
  });
});
