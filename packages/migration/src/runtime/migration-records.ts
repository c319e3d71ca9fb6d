import type { Queryable } from './pg-client';

/** A row of `_prisma_migrations`, the table Prisma (and this tool) records applied migrations in. */
export interface MigrationRecord {
  name: string;
  checksum: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
}

/** All rows, oldest first; empty when the table does not exist yet. */
export async function readMigrationRecords(db: Queryable): Promise<MigrationRecord[]> {
  const { rows } = await db.query<{ exists: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`);
  if (!rows[0].exists) return [];
  const result = await db.query<{
    migration_name: string;
    checksum: string;
    started_at: Date;
    finished_at: Date | null;
    rolled_back_at: Date | null;
    logs: string | null;
  }>('SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at, migration_name');
  return result.rows.map((r) => ({
    name: r.migration_name,
    checksum: r.checksum,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    rolledBackAt: r.rolled_back_at,
    logs: r.logs,
  }));
}

/** Applied = finished and not rolled back (a later re-apply adds a new row). */
export function isApplied(record: MigrationRecord): boolean {
  return record.finishedAt !== null && record.rolledBackAt === null;
}

/** Failed = started, neither finished nor rolled back: Prisma refuses to migrate until it is resolved. */
export function isFailed(record: MigrationRecord): boolean {
  return record.finishedAt === null && record.rolledBackAt === null;
}

/** The records that count for each migration name (rolled-back attempts are history only). */
export function activeRecords(records: MigrationRecord[]): Map<string, MigrationRecord> {
  const active = new Map<string, MigrationRecord>();
  for (const record of records) if (record.rolledBackAt === null) active.set(record.name, record);
  return active;
}

/** The records of the migrations applied now (finished, not rolled back). */
export function appliedRecords(records: MigrationRecord[]): MigrationRecord[] {
  return [...activeRecords(records).values()].filter(isApplied);
}
