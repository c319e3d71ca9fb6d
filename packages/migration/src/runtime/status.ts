import { diffDatabaseToSchema } from '../engine/operations';
import type { SchemaFile } from '../engine/schema-engine';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { activeRecords, isApplied, isFailed, readMigrationRecords } from './migration-records';
import { withClient } from './pg-client';
import type { DataMigrationState, ProjectTarget } from './project-target';

export type MigrationState = 'applied' | 'pending' | 'failed' | 'edited after apply';

export interface MigrationStatusRow {
  name: string;
  state: MigrationState;
  appliedAt: Date | null;
  hasDown: boolean;
  /** The data migration's state, 'pending' when it never ran, undefined when there is none. */
  data?: DataMigrationState | 'pending';
}

export interface StatusReport {
  rows: MigrationStatusRow[];
  /** Applied in the database, but no folder on disk. */
  unknownApplied: string[];
  /** The drift check: SQL that would bring the database to schema.prisma ('' = none), or why it was skipped. */
  drift: { checked: true; sql: string } | { checked: false; reason: string };
  /** True when a pipeline should stop: a failed migration or data migration, or drift. */
  unhealthy: boolean;
}

/** Applied, pending, failed, edited-after-apply migrations, data migrations, and drift. */
export async function migrationStatus(target: ProjectTarget, schemaFiles: SchemaFile[]): Promise<StatusReport> {
  const records = await withClient(target.url, readMigrationRecords);
  const active = activeRecords(records);
  const rows: MigrationStatusRow[] = [];
  for (const migration of target.directory.migrations) {
    const record = active.get(migration.name);
    const state: MigrationState = !record
      ? 'pending'
      : isFailed(record)
        ? 'failed'
        : record.checksum !== migration.checksum
          ? 'edited after apply'
          : 'applied';
    const data = target.dataMigrations.has(migration.name) ? ((await target.dataMigrations.state(migration.name)) ?? 'pending') : undefined;
    rows.push({ name: migration.name, state, appliedAt: record?.finishedAt ?? null, hasDown: migration.downSql !== null, data });
  }
  const onDisk = new Set(target.directory.migrations.map((m) => m.name));
  const unknownApplied = [...active.values()].filter((r) => isApplied(r) && !onDisk.has(r.name)).map((r) => r.name);
  const pending = rows.filter((r) => r.state !== 'applied' && r.state !== 'edited after apply').length;
  const drift: StatusReport['drift'] =
    pending || unknownApplied.length
      ? { checked: false, reason: `${pending || unknownApplied.length} migration(s) ${pending ? 'not applied' : 'unknown'}: drift is checked once the database is up to date` }
      : { checked: true, sql: await diffDatabaseToSchema({ url: target.url }, toEngineSchema(schemaFiles)) };
  const unhealthy = rows.some((r) => r.state === 'failed' || r.data === 'failed') || (drift.checked && drift.sql !== '');
  return { rows, unknownApplied, drift, unhealthy };
}
