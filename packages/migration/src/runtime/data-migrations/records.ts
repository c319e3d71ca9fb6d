import { FORGE_SCHEMA } from '../forge-schema';
import type { Queryable } from '../pg-client';
import type { DataMigrationStatus } from './types';

/** One row of `_forge.data_migrations`: what migrate-status shows for a data migration. */
export interface DataMigrationRecord {
  migrationName: string;
  status: DataMigrationStatus;
  startedAt: Date;
  finishedAt: Date | null;
  rowsAffected: number;
  lastError: string | null;
}

const TABLE = `"${FORGE_SCHEMA}".data_migrations`;

/** Every record, oldest migration first; empty when the bookkeeping schema does not exist yet (read-only). */
export async function readDataMigrationRecords(db: Queryable): Promise<DataMigrationRecord[]> {
  const { rows: exists } = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [TABLE]);
  if (!exists[0].ok) return [];
  const { rows } = await db.query<{
    migration_name: string;
    status: DataMigrationStatus;
    started_at: Date;
    finished_at: Date | null;
    rows_affected: string;
    last_error: string | null;
    direction: string | null;
  }>(`SELECT migration_name, status, started_at, finished_at, rows_affected, last_error, ${DIRECTION} FROM ${TABLE} d ORDER BY migration_name`);
  return rows.map((r) => ({
    migrationName: r.migration_name,
    status: statusOf(r),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    rowsAffected: Number(r.rows_affected),
    lastError: r.last_error,
  }));
}

export async function readDataMigrationStatus(db: Queryable, migrationName: string): Promise<DataMigrationStatus | undefined> {
  const { rows: exists } = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [TABLE]);
  if (!exists[0].ok) return undefined;
  const { rows } = await db.query<{ status: StoredStatus; direction: string | null }>(`SELECT status, ${DIRECTION} FROM ${TABLE} d WHERE migration_name = $1`, [
    migrationName,
  ]);
  return rows[0] && statusOf(rows[0]);
}

type StoredStatus = 'running' | 'applied' | 'failed' | 'rolled_back';

/** The direction column, read so that a table created before it existed reads as 'up'. */
const DIRECTION = `to_jsonb(d) ->> 'direction' AS direction`;

/** A running or failed down() is a rollback stopped half-way, not an up() to resume. */
function statusOf(row: { status: DataMigrationStatus; direction: string | null }): DataMigrationStatus {
  if (row.direction !== 'down') return row.status;
  return row.status === 'running' ? 'rolling_back' : row.status === 'failed' ? 'rollback_failed' : row.status;
}

/** Committed at once, so a status command sees a long backfill as running (or, after a crash, interrupted). */
export async function markRunning(db: Queryable, migrationName: string, direction: 'up' | 'down'): Promise<void> {
  await db.query(
    `INSERT INTO ${TABLE} (migration_name, status, started_at, direction) VALUES ($1, 'running', now(), $2)
     ON CONFLICT (migration_name) DO UPDATE SET status = 'running', started_at = now(), finished_at = NULL, last_error = NULL, direction = $2`,
    [migrationName, direction],
  );
}

export async function markFinished(db: Queryable, migrationName: string, status: 'applied' | 'rolled_back', rowsAffected: number): Promise<void> {
  await db.query(`UPDATE ${TABLE} SET status = $2, finished_at = now(), rows_affected = $3, last_error = NULL WHERE migration_name = $1`, [
    migrationName,
    status,
    rowsAffected,
  ]);
}

export async function markFailed(db: Queryable, migrationName: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await db.query(`UPDATE ${TABLE} SET status = 'failed', finished_at = now(), last_error = $2 WHERE migration_name = $1`, [migrationName, message]);
}
