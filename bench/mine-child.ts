/** One mining run, in its own process so that its peak memory is its own. Prints one JSON line. */
import { loadEvents, minePaths, minePathsDuckDB, funnel, openDuckDB, sqlString, exploreReport } from '../src';

async function main() {
  const [engine, file] = process.argv.slice(2);
  const t0 = Date.now();
  let counts: Record<string, number>;
  let extra: Record<string, number> = {};
  if (engine === 'memory' || engine === 'memory-explore') {
    const { table, report } = await loadEvents(file, { preset: 'buypath' });
    extra = { load_seconds: (Date.now() - t0) / 1000, rows_per_s: report.rows_kept / ((Date.now() - t0) / 1000) };
    const paths = minePaths(table);
    counts = funnel(paths).counts;
    if (engine === 'memory-explore') {
      // The views of `buypath mine --by category --scan --graph` (time to purchase included).
      const t1 = Date.now();
      exploreReport(paths, table, { by: 'category', scan: true, graph: true });
      extra.explore_seconds = (Date.now() - t1) / 1000;
    }
  } else if (engine === 'duckdb-engine') {
    counts = funnel((await minePathsDuckDB(file, { preset: 'buypath' })).paths).counts;
  } else {
    // Plain DuckDB SQL: the same funnel without buypath's rules (no windows, no pre-click rule).
    const con = await openDuckDB();
    const rows = (await con.runAndReadAll(`WITH f AS (SELECT impression_id, bool_or(event = 'impression') AS imp, bool_or(event = 'click') AS click,
      bool_or(event = 'cart') AS cart, bool_or(event = 'wish') AS wish, bool_or(event = 'share') AS share, bool_or(event = 'buy') AS buy
      FROM read_csv(${sqlString(file)}, header=true) GROUP BY impression_id)
      SELECT count(*) FILTER (imp)::DOUBLE AS impression, count(*) FILTER (click)::DOUBLE AS click, count(*) FILTER (click AND cart)::DOUBLE AS cart,
      count(*) FILTER (click AND share)::DOUBLE AS share, count(*) FILTER (click AND wish)::DOUBLE AS wish, count(*) FILTER (click AND buy)::DOUBLE AS buy FROM f`)).getRowObjects();
    counts = Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  }
  console.log(JSON.stringify({ engine, seconds: (Date.now() - t0) / 1000, max_rss_mib: process.resourceUsage().maxRSS / 1024, counts, ...extra }));
}
main();
