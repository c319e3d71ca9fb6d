import { diffDatabaseToSchema } from '../engine/operations';
import type { SchemaFile } from '../engine/schema-engine';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { deployInProgress } from './deploy-lock';
import { readInvalidIndexes, type InvalidIndex } from './invalid-indexes';
import { activeRecords, isApplied, isFailed, readMigrationRecords } from './migration-records';
import { withClient } from './pg-client';
import type { DataMigrationState, ProjectTarget } from './project-target';
import { rollbacksInProgress, type RollbackProgress } from './rollback-steps';
import { statusAdvice, type StatusAdvice } from './status-advice';
import { phaseOf, type Phase } from '../recipes/phase';

export type MigrationState = 'applied' | 'pending' | 'failed' | 'edited after apply';

/**
 * A data migration as status shows it: its recorded state, 'pending' when it never ran,
 * 'interrupted' when recorded as running but no run holds the deploy lock (killed), and
 * 'rollback interrupted' when the same happened to its down().
 */
export type DataMigrationView = Exclude<DataMigrationState, 'rolling_back'> | 'rolling back' | 'pending' | 'interrupted' | 'rollback interrupted';

export interface MigrationStatusRow {
  name: string;
  state: MigrationState;
  appliedAt: Date | null;
  hasDown: boolean;
  /** From the first line of its migration.sql: expand, or contract (needs the previous application version gone). */
  phase: Phase;
  /** The data migration's state, undefined when there is none. */
  data?: DataMigrationView;
}

export interface StatusReport {
  rows: MigrationStatusRow[];
  /** Applied in the database, but no folder on disk. */
  unknownApplied: string[];
  /** The drift check: SQL that would bring the database to schema.prisma ('' = none), or why it was skipped. */
  drift: { checked: true; sql: string } | { checked: false; reason: string };
  /** Applied SQL migrations whose data migration has not completed (a deploy stopped between the two). */
  unfinishedData: string[];
  /** Applied SQL migrations whose rollback started (data migration down()) but did not finish. */
  unfinishedRollbacks: string[];
  /** Indexes reads ignore (indisvalid false) or writes do not maintain (indisready false). */
  invalidIndexes: InvalidIndex[];
  /** Rollbacks in steps that started and stopped before their last step: migrate-down finishes them. */
  interruptedRollbacks: RollbackProgress[];
  /** Each problem with the commands that get out of it. */
  advice: StatusAdvice[];
  /** True when a pipeline should stop: any problem above, a failed migration, or drift. */
  unhealthy: boolean;
}

/** Applied, pending, failed, edited-after-apply migrations, data migrations, invalid indexes, and drift. */
export async function migrationStatus(target: ProjectTarget, schemaFiles: SchemaFile[]): Promise<StatusReport> {
  // One client runs one query at a time: in sequence.
  const [records, deploying, invalidIndexes, interruptedRollbacks] = await withClient(target.url, async (db) => [
    await readMigrationRecords(db),
    await deployInProgress(db),
    await readInvalidIndexes(db, target.directory.migrations),
    await rollbacksInProgress(db),
  ] as const);
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
    rows.push({
      name: migration.name,
      state,
      appliedAt: record?.finishedAt ?? null,
      hasDown: migration.downSql !== null,
      phase: phaseOf(migration.sql),
      data: dataView(recorded, deploying),
    });
  }
  const onDisk = new Set(target.directory.migrations.map((m) => m.name));
  const unknownApplied = [...active.values()].filter((r) => isApplied(r) && !onDisk.has(r.name)).map((r) => r.name);
  const pending = rows.filter((r) => r.state !== 'applied' && r.state !== 'edited after apply').length;
  const drift: StatusReport['drift'] =
    pending || unknownApplied.length
      ? { checked: false, reason: `${pending || unknownApplied.length} migration(s) ${pending ? 'not applied' : 'unknown'}: drift is checked once the database is up to date` }
      : { checked: true, sql: await diffDatabaseToSchema({ url: target.url }, toEngineSchema(schemaFiles)) };
  const sqlIn = (r: MigrationStatusRow) => r.state === 'applied' || r.state === 'edited after apply';
  // The SQL is in but its data is not: a deploy stopped between the two steps (migrate finishes it).
  // rolled_back with the SQL in: a rollback stopped before down.sql, or a re-apply before its data step.
  // A rollback in steps that stopped is one problem (migrate-down continues it), whatever its data step's state.
  const stepped = new Set(interruptedRollbacks.map((r) => r.migration));
  const unfinished = (r: MigrationStatusRow) => sqlIn(r) && !stepped.has(r.name);
  const unfinishedData = rows.filter((r) => unfinished(r) && ['pending', 'interrupted', 'failed', 'rolled_back'].includes(r.data ?? '')).map((r) => r.name);
  const unfinishedRollbacks = rows.filter((r) => unfinished(r) && (r.data === 'rollback interrupted' || r.data === 'rollback_failed')).map((r) => r.name);
  const report = { rows, unknownApplied, drift, unfinishedData, unfinishedRollbacks, interruptedRollbacks, invalidIndexes };
  const advice = statusAdvice(report);
  const unhealthy = advice.length > 0 || rows.some((r) => r.state === 'failed' || r.data === 'failed') || (drift.checked && drift.sql !== '');
  return { ...report, advice, unhealthy };
}

function dataView(recorded: DataMigrationState | 'pending' | undefined, deploying: boolean): DataMigrationView | undefined {
  if (recorded === 'running') return deploying ? 'running' : 'interrupted';
  if (recorded === 'rolling_back') return deploying ? 'rolling back' : 'rollback interrupted';
  return recorded;
}
