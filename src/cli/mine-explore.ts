/** Plain-text summaries of the exploration views of `buypath mine` (--by, --scan, --graph, time to purchase). */
import { EXPLORE_DEFAULTS } from '../defaults';
import type { ExploreReport } from '../explore/explore-report';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : '—');
const num = (v: number) => (Number.isFinite(v) ? String(+v.toPrecision(3)) : v > 0 ? '∞' : '—');
const p2 = (v: number) => (Number.isFinite(v) ? v.toPrecision(2) : '—');
const dur = (s: number) => (!Number.isFinite(s) ? '—' : s < 120 ? `${Math.round(s)}s` : s < 7200 ? `${+(s / 60).toFixed(1)}m` : s < 172800 ? `${+(s / 3600).toFixed(1)}h` : `${+(s / 86400).toFixed(1)}d`);
const lift = (v: number, ci: [number, number]) => `${num(v)} [${num(ci[0])}, ${num(ci[1])}]`;

/** Text of the exploration views that were run. */
export function formatExplore(x: ExploreReport, { top = 10, fdr = EXPLORE_DEFAULTS.fdr } = {}): string {
  const lines: string[] = [];
  const b = x.breakdown;
  if (b) {
    const actions = b.heterogeneity.map((h) => h.action);
    const w = Math.max(8, ...b.groups.map((g) => g.value.length)) + 2;
    lines.push(`breakdown by ${b.column} (${b.groups.length} groups; lift [95% CI] and BH q per action)`);
    lines.push(`${'group'.padEnd(w)}${'clicked'.padStart(9)}${'click→buy'.padStart(11)}  ${actions.map((a) => a.padEnd(30)).join('')}recommended`);
    for (const g of b.groups) {
      const cells = actions.map((a) => {
        const r = g.actions.find((y) => y.action === a)!;
        return (r.paths ? `${lift(r.lift, r.lift_ci)} q ${p2(r.q_value)}` : '—').padEnd(30);
      });
      lines.push(`${g.value.padEnd(w)}${String(g.clicked_paths).padStart(9)}${pct(g.buys / g.clicked_paths).padStart(11)}  ${cells.join('')}${g.recommended.join(', ') || 'none'}`);
    }
    lines.push('heterogeneity (Cochran\'s Q on log lifts): ' + b.heterogeneity.map((h) => `${h.action} Q ${num(h.statistic)} (${h.df} df) p ${p2(h.p_value)} q ${p2(h.q_value)}`).join('; '));
  }
  if (x.scan && x.scan_summary) {
    const s = x.scan_summary;
    lines.push(`correlation scan: ${x.scan.length} values tested (${s.below_support} below the support rule), ${s.survivors} survive false-discovery control at ${s.fdr}; top ${Math.min(top, x.scan.length)}:`);
    for (const r of x.scan.slice(0, top)) {
      lines.push(`  ${(r.feature === 'event' ? r.value : `${r.feature} = ${r.value}`).padEnd(28)} ${String(r.support).padStart(7)} paths  buy ${pct(r.buy_rate).padStart(7)}  share ${pct(r.buy_share).padStart(7)}  lift ${lift(r.lift, r.lift_ci).padEnd(24)} q ${p2(r.q_value)}${r.q_value <= fdr ? ' *' : ''}`);
    }
  }
  if (x.graph) {
    lines.push(`transitions within ${x.graph.sequences} clicked paths (top ${Math.min(top, x.graph.edges.length)} of ${x.graph.edges.length} edges):`);
    for (const e of x.graph.edges.slice(0, top)) lines.push(`  ${`${e.from} → ${e.to}`.padEnd(20)} ${String(e.count).padStart(8)}  ${pct(e.probability).padStart(7)} of ${e.from}  median ${dur(e.median_s)}, p90 ${dur(e.p90_s)}`);
  }
  const t = x.time_to_buy;
  if (!t) return lines.join('\n');
  const perc = (ps: typeof t.percentiles) => ps.map((p) => `p${Math.round(100 * p.q)} ${dur(p.t_s)} [${dur(p.low)}, ${dur(p.high)}]`).join(', ');
  lines.push(`time to purchase (Kaplan–Meier, ${t.censored} paths censored by the log end): ${pct(t.buy_within_window)} of clicked paths buy within the window; among them ${perc(t.percentiles)}`);
  for (const g of t.groups ?? []) lines.push(`  ${g.value}: ${pct(g.buy_within_window)} buy; ${perc(g.percentiles)}`);
  return lines.join('\n');
}
