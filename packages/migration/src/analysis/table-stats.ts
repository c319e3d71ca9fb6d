import type { Queryable } from '../runtime/pg-client';

/** What the database knows about a table's size: the planner's estimate, not a count (instant on any size). */
export interface TableStats {
  table: string;
  /** pg_class.reltuples, or an exact count for tables never analyzed (small by definition). */
  rows: number;
  tableBytes: number;
  indexBytes: number;
}

/**
 * Size statistics of tables of the current schema, by name. A table that does not exist is
 * missing from the map (a new table: zero rows).
 */
export async function readTableStats(db: Queryable, tables: string[]): Promise<Map<string, TableStats>> {
  if (tables.length === 0) return new Map();
  const { rows } = await db.query<{ table: string; reltuples: string; table_bytes: string; index_bytes: string; analyzed: boolean }>(
    `SELECT c.relname AS table, c.reltuples, pg_table_size(c.oid) AS table_bytes, pg_indexes_size(c.oid) AS index_bytes,
            c.reltuples >= 0 AS analyzed
       FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND c.relname = ANY ($1)`,
    [tables],
  );
  const stats = new Map<string, TableStats>();
  for (const row of rows) {
    // reltuples is -1 before the first ANALYZE/VACUUM; such tables are young: count them.
    const count = row.analyzed
      ? Number(row.reltuples)
      : Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${row.table.replace(/"/g, '""')}"`)).rows[0].n);
    stats.set(row.table, { table: row.table, rows: Math.round(count), tableBytes: Number(row.table_bytes), indexBytes: Number(row.index_bytes) });
  }
  return stats;
}
