import { diffDatabaseToSchema } from '../engine/operations';
import type { SchemaFile } from '../engine/schema-engine';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { deployInProgress } from './deploy-lock';
import { activeRecords, isApplied, isFailed, readMigrationRecords } from './migration-records';
import { withClient } from './pg-client';
import type { DataMigrationState, ProjectTarget } from './project-target';
import { rollbacksInProgress, type RollbackProgress } from './rollback-steps';

export type MigrationState = 'applied' | 'pending' | 'failed' | 'edited after apply';

export interface MigrationStatusRow {
  name: string;
  state: MigrationState;
  appliedAt: Date | null;
  hasDown: boolean;
  /**
   * The data migration's state, undefined when there is none: 'pending' when it never ran,
   * 'interrupted' when it is recorded as running but no migrate run holds the deploy lock (killed).
   */
  data?: DataMigrationState | 'pending' | 'interrupted';
}

export interface StatusReport {
  rows: MigrationStatusRow[];
  /** Applied in the database, but no folder on disk. */
  unknownApplied: string[];
  /** The drift check: SQL that would bring the database to schema.prisma ('' = none), or why it was skipped. */
  drift: { checked: true; sql: string } | { checked: false; reason: string };
  /** Applied SQL migrations whose data migration has not completed (a deploy stopped between the two). */
  unfinishedData: string[];
  /** Rollbacks in steps that started and stopped before their last step: migrate-down finishes them. */
  interruptedRollbacks: RollbackProgress[];
  /** True when a pipeline should stop: a failed migration or data migration, an unfinished one, an interrupted rollback, or drift. */
  unhealthy: boolean;
}

/** Applied, pending, failed, edited-after-apply migrations, data migrations, and drift. */
export async function migrationStatus(target: ProjectTarget, schemaFiles: SchemaFile[]): Promise<StatusReport> {
  const [records, deploying, interruptedRollbacks] = await withClient(target.url, (db) =>
    Promise.all([readMigrationRecords(db), deployInProgress(db), rollbacksInProgress(db)]),
  );
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
    const recorded = target.dataMigrations.has(migration.name) ? ((await target.dataMigrations.state(migration.name)) ?? 'pending') : undefined;
    const data = recorded === 'running' && !deploying ? 'interrupted' : recorded;
    rows.push({ name: migration.name, state, appliedAt: record?.finishedAt ?? null, hasDown: migration.downSql !== null, data });
  }
  const onDisk = new Set(target.directory.migrations.map((m) => m.name));
  const unknownApplied = [...active.values()].filter((r) => isApplied(r) && !onDisk.has(r.name)).map((r) => r.name);
  const pending = rows.filter((r) => r.state !== 'applied' && r.state !== 'edited after apply').length;
  const drift: StatusReport['drift'] =
    pending || unknownApplied.length
      ? { checked: false, reason: `${pending || unknownApplied.length} migration(s) ${pending ? 'not applied' : 'unknown'}: drift is checked once the database is up to date` }
      : { checked: true, sql: await diffDatabaseToSchema({ url: target.url }, toEngineSchema(schemaFiles)) };
  // The SQL is in but its data is not: a deploy stopped between the two steps (migrate finishes it).
  const unfinishedData = rows.filter((r) => r.state !== 'pending' && r.state !== 'failed' && r.data && r.data !== 'applied' && r.data !== 'running').map((r) => r.name);
  const unhealthy =
    rows.some((r) => r.state === 'failed' || r.data === 'failed') || unfinishedData.length > 0 || interruptedRollbacks.length > 0 || (drift.checked && drift.sql !== '');
  return { rows, unknownApplied, drift, unfinishedData, interruptedRollbacks, unhealthy };
}
