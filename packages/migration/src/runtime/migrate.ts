import { inputError } from '../errors';
import { markMigrationRolledBack, applyMigrations } from '../engine/operations';
import type { MigrationFolder } from '../engine/migrations';
import { registerBackupsAfterMigration } from './backups/registry';
import { assertIndexNameFree } from './index-name-guard';
import { CONCURRENT_BUILD_APPLICATION, DEFAULT_CONCURRENT_WAIT_MS, watchConcurrentBuild } from './concurrent-build';
import { interruptedDropNote } from './concurrent-drop';
import { concurrentIndexName, concurrentStatement, dropInvalidIndexLeftBy } from './invalid-index';
import { readInvalidIndexes } from './invalid-indexes';
import { withDeployLock } from './deploy-lock';
import { retryOnLockTimeout } from './lock-retry';
import { activeRecords, isApplied, isFailed, readMigrationRecords, type MigrationRecord } from './migration-records';
import { withClient } from './pg-client';
import { DEFAULT_SESSION_LOCK_TIMEOUT, suggestedCommand, type ProjectTarget } from './project-target';
import { rollbacksInProgress, type RollbackProgress } from './rollback-steps';
import { warnOnVersionMismatch } from './version-check';
import { assertKnownPhaseMarker, phaseOf, type Phase } from '../recipes/phase';

/** One step of a run: a SQL migration or the data migration that follows it. Results are data. */
export interface StepResult {
  migration: string;
  /** 'index': an INVALID index of an applied migration, rebuilt as the migration defines it. */
  kind: 'sql' | 'data' | 'index';
  status: 'applied' | 'failed';
  ms: number;
  retries: number;
  rows?: number;
  error?: string;
}

export interface MigrateResult {
  steps: StepResult[];
  /** Migrations that were already applied (and their data migrations done) before this run. */
  upToDate: number;
  /** Migration folders after `--to`, not looked at. */
  notAttempted: number;
  /** `--phase expand`: the pending migrations held back from the first contract one on (it needs the previous application version gone). */
  heldBack: string[];
  /** Set when a step failed; later migrations were not attempted. */
  error?: Error;
}

export interface MigrateOptions {
  /** Stop after this migration folder (inclusive). */
  to?: string;
  /**
   * expand: apply pending migrations up to, not including, the first pending contract one (before
   * the rollout of the new application version); contract, or unset: apply everything pending.
   */
  phase?: Phase;
}

/**
 * Applies pending migrations in order with Prisma's engine, each SQL migration followed at once by
 * its TypeScript data migration. One run at a time per database. A failed migration stops the
 * run; PostgreSQL rolled its statements back, and `migrate-status` shows it as failed.
 */
export async function migrate(target: ProjectTarget, options: MigrateOptions = {}): Promise<MigrateResult> {
  return withDeployLock(target.url, target.logger, async () => {
    const [records, rollbacks] = await withClient(target.url, (db) => Promise.all([readMigrationRecords(db), rollbacksInProgress(db)]));
    assertKnownHistory(target, records);
    assertNoRollbackInProgress(rollbacks);
    const active = activeRecords(records);
    const steps: StepResult[] = [];
    let upToDate = 0;
    const migrations = target.directory.migrations;
    const upTo = options.to ? migrations.findIndex((m) => m.name === options.to) : migrations.length - 1;
    if (upTo < 0) throw new Error(`No migration folder named ${options.to} in ${target.directory.path}.`);
    const notAttempted = migrations.length - upTo - 1;
    const isPending = (m: MigrationFolder) => {
      const record = active.get(m.name);
      return !record || !isApplied(record);
    };
    const pendingUpTo = migrations.slice(0, upTo + 1).filter(isPending);
    for (const m of pendingUpTo) assertKnownPhaseMarker(m.name, m.sql);
    const heldBack = options.phase === 'expand' ? heldBackByContract(pendingUpTo) : [];
    const last = heldBack.length ? migrations.findIndex((m) => m.name === heldBack[0]) - 1 : upTo;
    if (options.phase === 'contract') warnOnSkippedExpand(target, pendingUpTo);
    const pendingSql = pendingUpTo.slice(0, pendingUpTo.length - heldBack.length);
    if (target.versionCheck !== false) await warnOnVersionMismatch(target.url, pendingSql, target.logger);
    const late = await lateDataMigrations(target, migrations.slice(0, last + 1), active);
    if (late.length) return { steps: [], upToDate: 0, notAttempted, heldBack, error: new Error(lateDataMessage(late)) };
    for (const step of await rebuildInvalidIndexes(target, records)) {
      steps.push(step);
      if (step.status === 'failed') return { steps, upToDate, notAttempted, heldBack, error: new Error(step.error) };
    }
    for (let i = 0; i <= last; i++) {
      const migration = migrations[i];
      const record = active.get(migration.name);
      const sqlPending = !record || !isApplied(record);
      const dataPending = target.dataMigrations.has(migration.name) && (await target.dataMigrations.state(migration.name)) !== 'applied';
      if (!sqlPending && !dataPending) {
        upToDate++;
        continue;
      }
      if (sqlPending) {
        const step = await applySqlStep(target, migrations, i, record);
        steps.push(step);
        if (step.status === 'failed') return { steps, upToDate, notAttempted, heldBack, error: new Error(step.error) };
        await registerBackupsAfterMigration(target.url, migration, target.logger);
      }
      if (dataPending) {
        const step = await runDataStep(target, migration);
        steps.push(step);
        if (step.status === 'failed') return { steps, upToDate, notAttempted, heldBack, error: new Error(step.error) };
      }
    }
    return { steps, upToDate, notAttempted, heldBack };
  });
}

/**
 * The pending migrations `--phase expand` leaves for later: the first pending contract migration
 * and everything after it (order is history: a later expand may build on the contract).
 */
function heldBackByContract(pending: MigrationFolder[]): string[] {
  const first = pending.findIndex((m) => phaseOf(m.sql) === 'contract');
  return first < 0 ? [] : pending.slice(first).map((m) => m.name);
}

/** `--phase contract` with expand migrations still pending before the first contract: the rollout ran without them. */
function warnOnSkippedExpand(target: ProjectTarget, pending: MigrationFolder[]): void {
  const first = pending.findIndex((m) => phaseOf(m.sql) === 'contract');
  if (first <= 0) return;
  const skipped = pending.slice(0, first).map((m) => m.name);
  target.logger.warn(
    `--phase contract also applies ${skipped.length} pending expand migration(s) the rollout should have had before it: ${skipped.join(', ')}. ` +
      'Run `migrate --phase expand` before deploying the application next time.',
  );
}

async function applySqlStep(target: ProjectTarget, migrations: MigrationFolder[], index: number, record: MigrationRecord | undefined): Promise<StepResult> {
  const migration = migrations[index];
  const db = { url: target.url, lockTimeout: target.lockTimeout ?? DEFAULT_SESSION_LOCK_TIMEOUT };
  const started = performance.now();
  try {
    // A failed attempt (its statements were rolled back with it) is marked rolled back, as
    // `prisma migrate resolve --rolled-back` would, so the fixed migration can be applied again.
    if (record && isFailed(record)) {
      target.logger.info(`${migration.name} failed before; marking that attempt rolled back and applying it again.`);
      await markMigrationRolledBack(db, migration.name);
    }
    await assertIndexNameFree(target, migration.name, migration.sql);
    await dropInvalidIndexLeftBy(target, migration.sql);
    const apply = () => applyMigrations(db, target.directory, migrations.slice(0, index + 1));
    const { retries } = await retryOnLockTimeout(
      migration.name,
      concurrentIndexName(migration.sql)
        ? () => watchConcurrentBuild(target.url, migration.name, target.logger, concurrentWait(target), () => applyMigrations(buildSession(target), target.directory, migrations.slice(0, index + 1)))
        : apply,
      {
        logger: target.logger,
        retries: target.lockRetries,
        baseDelayMs: target.retryDelayMs,
        beforeRetry: async () => {
          await markMigrationRolledBack(db, migration.name);
          await dropInvalidIndexLeftBy(target, migration.sql);
        },
      },
    );
    const ms = performance.now() - started;
    target.logger.info(`✓ ${migration.name} (${Math.round(ms)} ms${retries ? `, ${retries} lock retries` : ''})`);
    return { migration: migration.name, kind: 'sql', status: 'applied', ms, retries };
  } catch (error) {
    const left = await interruptedDropNote(target.url, migration.sql, suggestedCommand(target, 'migrate')).catch(() => undefined);
    const message = left ? `${(error as Error).message}\n${left}` : (error as Error).message;
    target.logger.warn(`✗ ${migration.name} failed:\n${message}`);
    return { migration: migration.name, kind: 'sql', status: 'failed', ms: performance.now() - started, retries: 0, error: message };
  }
}

async function runDataStep(target: ProjectTarget, migration: MigrationFolder): Promise<StepResult> {
  const started = performance.now();
  try {
    target.logger.info(`→ data migration of ${migration.name}`);
    const { rows } = await target.dataMigrations.up(migration.name);
    const ms = performance.now() - started;
    target.logger.info(`✓ data migration of ${migration.name}: ${rows} rows (${Math.round(ms)} ms)`);
    return { migration: migration.name, kind: 'data', status: 'applied', ms, retries: 0, rows };
  } catch (error) {
    const message = `Data migration of ${migration.name} failed: ${(error as Error).message}`;
    target.logger.warn(`✗ ${message}\nIts progress is checkpointed: run migrate again to resume.`);
    return { migration: migration.name, kind: 'data', status: 'failed', ms: performance.now() - started, retries: 0, error: message };
  }
}

/**
 * Data migrations whose SQL is applied but whose data step never completed, while a later migration
 * is applied too: something other than `migrate` deployed them (stock `prisma migrate deploy` runs
 * only migration.sql). Running them now would read a schema they were not written for (a backup
 * copy of a column the next migration dropped), so they are reported instead, and nothing runs.
 */
async function lateDataMigrations(target: ProjectTarget, migrations: MigrationFolder[], active: Map<string, MigrationRecord>): Promise<{ name: string; next: string }[]> {
  const applied = (m: MigrationFolder) => {
    const record = active.get(m.name);
    return !!record && isApplied(record);
  };
  const late: { name: string; next: string }[] = [];
  for (const [i, migration] of migrations.entries()) {
    if (!applied(migration) || !target.dataMigrations.has(migration.name)) continue;
    const next = migrations.slice(i + 1).find(applied);
    if (next && (await target.dataMigrations.state(migration.name)) !== 'applied') late.push({ name: migration.name, next: next.name });
  }
  return late;
}

function lateDataMessage(late: { name: string; next: string }[]): string {
  return [
    `${late.length} data migration(s) never ran although their SQL and the migrations after it are applied (deployed with stock \`prisma migrate deploy\`, which runs only migration.sql?):`,
    ...late.map((l) => `  ${l.name} (${l.next} is applied after it)`),
    'Running them now would work on a schema they were not written for, so nothing was run. For each: check the data it was to move',
    '(its src/migrations file says what), put it right by hand if needed, then record it as done with `migrate-resolve --applied <name>`.',
  ].join('\n');
}

/**
 * An applied migration's concurrent index left INVALID (an interrupted rollback's DROP INDEX
 * CONCURRENTLY, a build recovered by hand with `prisma migrate resolve --applied`): reads ignore
 * it while status used to say all is well. Dropped and built again from the migration's own statement.
 */
async function rebuildInvalidIndexes(target: ProjectTarget, records: MigrationRecord[]): Promise<StepResult[]> {
  const active = activeRecords(records);
  const invalid = await withClient(target.url, (db) => readInvalidIndexes(db, target.directory.migrations));
  const steps: StepResult[] = [];
  for (const index of invalid) {
    const record = index.migration ? active.get(index.migration) : undefined;
    if (!record || !isApplied(record)) continue; // a pending or failed migration's build handles its own leftover
    const dropper = index.droppedBy ? active.get(index.droppedBy) : undefined;
    if (index.droppedBy && !(dropper && isApplied(dropper))) continue; // a pending drop (remove-index stopped half-way) finishes it: no rebuild first
    const migration = target.directory.migrations.find((m) => m.name === index.migration)!;
    const started = performance.now();
    try {
      target.logger.warn(`Index ${index.name} of ${migration.name} is INVALID (an interrupted concurrent build or drop): rebuilding it.`);
      await dropInvalidIndexLeftBy(target, migration.sql);
      const session = buildSession(target);
      await watchConcurrentBuild(target.url, `Rebuilding ${index.name}`, target.logger, concurrentWait(target), () =>
        withClient(target.url, (client) => client.query(concurrentStatement(migration.sql)), { lockTimeout: session.lockTimeout, applicationName: session.applicationName }),
      );
      steps.push({ migration: migration.name, kind: 'index', status: 'applied', ms: performance.now() - started, retries: 0 });
    } catch (error) {
      const message = `Rebuilding the INVALID index ${index.name} of ${migration.name} failed: ${(error as Error).message}`;
      target.logger.warn(`✗ ${message}`);
      await dropInvalidIndexLeftBy(target, migration.sql).catch(() => undefined);
      steps.push({ migration: migration.name, kind: 'index', status: 'failed', ms: performance.now() - started, retries: 0, error: message });
      break;
    }
  }
  return steps;
}

/** A concurrent build's session: no lock_timeout (its waits are bounded by the watch instead), and named for it. */
function buildSession(target: ProjectTarget): { url: string; lockTimeout: string; applicationName: string } {
  return { url: target.url, lockTimeout: '0', applicationName: CONCURRENT_BUILD_APPLICATION };
}

function concurrentWait(target: ProjectTarget): number {
  return target.concurrentWaitMs ?? DEFAULT_CONCURRENT_WAIT_MS;
}

/** Migrations recorded in the database but missing on disk mean the histories diverged: stop. */
function assertKnownHistory(target: ProjectTarget, records: MigrationRecord[]): void {
  const onDisk = new Set(target.directory.migrations.map((m) => m.name));
  const unknown = [...activeRecords(records).values()].filter((r) => isApplied(r) && !onDisk.has(r.name)).map((r) => r.name);
  if (unknown.length) {
    throw new Error(
      `The database has applied migrations that are not in ${target.directory.path}: ${unknown.join(', ')}. ` +
        'Pull the missing migration folders (or roll them back from the branch that has them) before migrating.',
    );
  }
}

/** Half a rollback is not a state to migrate from: the rest of it comes first. */
function assertNoRollbackInProgress(rollbacks: RollbackProgress[]): void {
  const [r] = rollbacks;
  if (!r) return;
  throw inputError(
    `The rollback of ${r.migration} stopped after step ${r.stepsDone} of ${r.stepsTotal}. Nothing was migrated. ` +
      `Finish it first with migrate-down (it continues at step ${r.stepsDone + 1}), then run migrate to apply it again.`,
  );
}
