/** One mining run, in its own process so that its peak memory is its own. Prints one JSON line. */
// The compiled library (dist/, built by `npm run bench`): what `buypath mine` runs.
import { loadEvents, minePaths, minePathsDuckDB, funnel, openDuckDB, sqlString, exploreReport } from '../dist';

async function main() {
  const [engine, file] = process.argv.slice(2);
  const t0 = Date.now();
  let counts: Record<string, number>;
  let extra: Record<string, number> = {};
  if (engine === 'memory' || engine === 'memory-explore') {
    // The table engine: the same reader with the features, and an arquero table built from the typed columns.
    const { table, report } = await loadEvents(file, { preset: 'buypath' });
    extra = { read_seconds: (Date.now() - t0) / 1000, reader_rows_per_s: report.rows_read / ((Date.now() - t0) / 1000) };
    const t1 = Date.now();
    const paths = minePaths(table);
    extra.walk_seconds = (Date.now() - t1) / 1000;
    extra.walk_rows_per_s = report.rows_kept / extra.walk_seconds;
    counts = funnel(paths).counts;
    if (engine === 'memory-explore') {
      // The views of `buypath mine --by category --scan --graph` (time to purchase included).
      const t1 = Date.now();
      exploreReport(paths, table, { by: 'category', scan: true, graph: true });
      extra.explore_seconds = (Date.now() - t1) / 1000;
    }
  } else if (engine === 'buypath') {
    // The default engine (buypath mine): DuckDB reads ids, events and times into typed columns; one walk mines them.
    const { paths, load } = await minePathsDuckDB(file, { preset: 'buypath' });
    counts = funnel(paths).counts;
    extra = { events: load.rows_read, partitions: load.partitions, read_seconds: load.timings.read, walk_seconds: load.timings.walk,
      reader_rows_per_s: load.rows_read / load.timings.read, walk_rows_per_s: load.rows_kept / load.timings.walk };
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
