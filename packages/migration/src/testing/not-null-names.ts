import { notNullConstraintName } from '../recipes/backup-names';
import { query } from './database';

/**
 * NOT NULL constraints (named objects from PostgreSQL 18 on) whose name is not the one a fresh
 * database built from the schema gives them, `{table}_{column}_not_null`, as `table.column: name`.
 * Prisma does not compare these names, so a recipe that leaves an old one behind passes its diff.
 */
export async function misnamedNotNullConstraints(url: string): Promise<string[]> {
  const rows = await query<{ table: string; column: string; name: string }>(
    url,
    `SELECT c.relname AS table, a.attname AS column, k.conname AS name
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
      WHERE k.contype = 'n' AND c.relnamespace = 'public'::regnamespace
      ORDER BY 1, 2`,
  );
  return rows.filter((r) => r.name !== notNullConstraintName(r.table, r.column)).map((r) => `${r.table}.${r.column}: ${r.name}`);
}

/** How many NOT NULL constraints the database's public tables have (none before PostgreSQL 18). */
export async function notNullConstraintCount(url: string): Promise<number> {
  const [row] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'n' AND connamespace = 'public'::regnamespace`);
  return row.n;
}
