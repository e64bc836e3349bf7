/**
 * DuckDB access: the engine for Parquet files and for logs too big for memory.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Quote a string as a SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Open an in-memory DuckDB connection; close it with `closeSync()`. */
export async function openDuckDB(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(':memory:');
  return db.connect();
}

/**
 * Stream the rows of a Parquet file as string fields (every column cast to
 * VARCHAR, nulls as empty strings), in chunks.
 */
export async function* readParquetRows(path: string): AsyncGenerator<{ names: string[]; rows: string[][]; offset: number }> {
  const con = await openDuckDB();
  try {
    const result = await con.stream(`SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${sqlString(path)})`);
    const names = result.columnNames();
    let offset = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.getRows().map((r) => r.map((v) => (v === null ? '' : String(v))));
      yield { names, rows, offset };
      offset += rows.length;
    }
  } finally {
    con.closeSync();
  }
}
