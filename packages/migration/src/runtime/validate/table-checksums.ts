import type { Queryable } from '../pg-client';

export interface TableChecksum {
  rows: number;
  /** md5 over every row as JSON (jsonb sorts keys, so column order does not matter). */
  hash: string;
}

/** Row checksums of every table of the current schema (but Prisma's migrations table). */
export async function tableChecksums(db: Queryable): Promise<Map<string, TableChecksum>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')
       AND relname <> '_prisma_migrations' ORDER BY 1`,
  );
  const checksums = new Map<string, TableChecksum>();
  for (const { name } of tables) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const { rows } = await db.query<{ rows: string; hash: string | null }>(
      `SELECT count(*) AS rows, md5(string_agg(h, '' ORDER BY h)) AS hash FROM (SELECT md5(to_jsonb(t)::text) AS h FROM ${quoted} t) s`,
    );
    checksums.set(name, { rows: Number(rows[0].rows), hash: rows[0].hash ?? '' });
  }
  return checksums;
}

/** Tables whose rows changed between two checksum sets (missing tables included). */
export function changedTables(before: Map<string, TableChecksum>, after: Map<string, TableChecksum>): string[] {
  const changed: string[] = [];
  for (const [table, sum] of before) {
    const now = after.get(table);
    if (!now) changed.push(`${table} (table missing)`);
    else if (now.hash !== sum.hash) changed.push(`${table} (${sum.rows} rows before, ${now.rows} after${now.rows === sum.rows ? ', contents differ' : ''})`);
  }
  return changed;
}

/** md5 of every row of one table by primary key (as text): for tables whose rows are written while the proof runs. */
export async function rowHashes(db: Queryable, table: string, key: string): Promise<Map<string, string>> {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const { rows } = await db.query<{ k: string; h: string }>(`SELECT t.${quote(key)}::text AS k, md5(to_jsonb(t)::text) AS h FROM ${quote(table)} t`);
  return new Map(rows.map((r) => [r.k, r.h]));
}

/** Rows that differ between two sets of row hashes, leaving out the rows in `skip` (written by the workload: checked write by write). */
export function changedRows(before: Map<string, string>, after: Map<string, string>, skip: Set<string>): number {
  let changed = 0;
  for (const key of new Set([...before.keys(), ...after.keys()])) if (!skip.has(key) && before.get(key) !== after.get(key)) changed++;
  return changed;
}
