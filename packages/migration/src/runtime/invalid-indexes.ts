import type { MigrationFolder } from '../engine/migrations';
import type { Queryable } from './pg-client';
import { concurrentDropName, concurrentIndexName } from './invalid-index';

/** An index PostgreSQL does not use for reads (indisvalid false), or does not even maintain (indisready false). */
export interface InvalidIndex {
  name: string;
  table: string;
  /** False: writes do not keep it up to date either (a concurrent drop got that far). */
  ready: boolean;
  /** The migration whose `CREATE INDEX CONCURRENTLY` builds it, when one does. */
  migration?: string;
  /** The migration whose migration.sql drops it with `DROP INDEX CONCURRENTLY` (remove-index), when one does. */
  droppedBy?: string;
}

/**
 * Every INVALID or not-ready index in the schema the database URL points at. Prisma's drift check
 * cannot see them (it compares definitions, not pg_index's flags), yet reads ignore them: an
 * interrupted concurrent build or drop leaves one behind.
 */
export async function readInvalidIndexes(db: Queryable, migrations: MigrationFolder[]): Promise<InvalidIndex[]> {
  const { rows } = await db.query<{ name: string; table: string; ready: boolean }>(
    `SELECT c.relname AS name, t.relname AS "table", i.indisready AS ready
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)
      ORDER BY 1`,
  );
  const builders = new Map(migrations.flatMap((m) => (concurrentIndexName(m.sql) ? [[concurrentIndexName(m.sql)!, m.name] as const] : [])));
  // The newest migration that drops it: a later one builds nothing under that name again before it.
  const droppers = new Map(migrations.flatMap((m) => (concurrentDropName(m.sql) ? [[concurrentDropName(m.sql)!, m.name] as const] : [])));
  return rows.map((r) => ({
    ...r,
    ...(builders.has(r.name) ? { migration: builders.get(r.name) } : {}),
    ...(droppers.has(r.name) ? { droppedBy: droppers.get(r.name) } : {}),
  }));
}
