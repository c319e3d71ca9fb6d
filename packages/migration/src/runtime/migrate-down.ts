import type { MigrationFolder } from '../engine/migrations';
import { inputError } from '../errors';
import { splitStatements } from '../sql/split-statements';
import { interruptedDropNote } from './concurrent-drop';
import { withDeployLock } from './deploy-lock';
import { assertIndexNameFree } from './index-name-guard';
import { dropInvalidIndexLeftBy } from './invalid-index';
import { retryOnLockTimeout } from './lock-retry';
import { ensureForgeSchema } from './forge-schema';
import { activeRecords, appliedRecords, isFailed, readMigrationRecords, type MigrationRecord } from './migration-records';
import { withClient } from './pg-client';
import { DEFAULT_SESSION_LOCK_TIMEOUT, suggestedCommand, type ProjectTarget } from './project-target';
import { forgetProgressSql, recordStepSql, rollbackStepsOf, stepsDone, type RollbackStep } from './rollback-steps';

export interface RollbackResult {
  migration: string;
  dataMs: number;
  sqlMs: number;
  retries: number;
}

export interface MigrateDownResult {
  rolledBack: RollbackResult[];
  error?: Error;
}

/**
 * Rolls back the last `count` applied migrations, newest first: the data migration's down(),
 * then down.sql, then the migration's row leaves `_prisma_migrations` (so status shows it pending
 * and migrate applies it again). Every selected migration must have a down.sql, checked before
 * anything changes.
 */
export async function migrateDown(target: ProjectTarget, count = 1): Promise<MigrateDownResult> {
  rollbackCount(count);
  return withDeployLock(target.url, target.logger, async () => {
    const records = await withClient(target.url, readMigrationRecords);
    refuseWhileFailed(target, records);
    const applied = appliedRecords(records).sort((a, b) => b.name.localeCompare(a.name));
    if (applied.length === 0) throw inputError('No applied migration to roll back.');
    const selected = applied.slice(0, count).map((record) => {
      const folder = target.directory.migrations.find((m) => m.name === record.name);
      if (!folder) throw inputError(`Migration ${record.name} is applied but its folder is not in ${target.directory.path}; nothing was rolled back.`);
      return folder;
    });
    const missingDown = selected.filter((m) => m.downSql === null || !splitStatements(m.downSql).length);
    if (missingDown.length) {
      throw inputError(
        `Cannot roll back: ${missingDown.map((m) => m.name).join(', ')} ha${missingDown.length > 1 ? 've' : 's'} no down.sql. ` +
          'Nothing was changed. Write the reverse SQL into down.sql next to migration.sql, then run migrate-down again.',
      );
    }
    if (count > applied.length) target.logger.warn(`Only ${applied.length} migration(s) are applied; rolling back all of them.`);
    const rolledBack: RollbackResult[] = [];
    for (const migration of selected) {
      try {
        rolledBack.push(await rollBackOne(target, migration));
      } catch (error) {
        const left = await interruptedDropNote(target.url, migration.downSql!, suggestedCommand(target, 'migrate-down')).catch(() => undefined);
        const message = `Rolling back ${migration.name} failed: ${(error as Error).message}${left ? `\n${left}` : ''}`;
        target.logger.warn(`✗ ${message}`);
        return { rolledBack, error: new Error(message) };
      }
    }
    return { rolledBack };
  });
}

/**
 * A failed migration is not applied (PostgreSQL undid its statements), so "the last applied one"
 * would be the good migration before it, whose data would go while the failed record still blocks
 * every later migrate. The operator resolves the failed one first.
 */
function refuseWhileFailed(target: ProjectTarget, records: MigrationRecord[]): void {
  const failed = [...activeRecords(records).values()].filter(isFailed).map((r) => r.name);
  if (!failed.length) return;
  const newest = failed.sort().at(-1)!;
  throw inputError(
    `Cannot roll back: ${failed.join(', ')} failed and ${failed.length > 1 ? 'are' : 'is'} recorded as failed, not applied ` +
      '(PostgreSQL undid its statements), so migrate-down would roll back the good migration before it. Nothing was changed. ' +
      `Record the failed attempt as rolled back with \`${suggestedCommand(target, 'migrate-resolve', { rolledBack: newest })}\`, ` +
      `then fix it and run \`${suggestedCommand(target, 'migrate')}\`, or run migrate-down again to roll back the migration before it.`,
  );
}

/** `--count` as given (a number, or a string from the command line), checked: a positive integer. */
export function rollbackCount(value: unknown = 1): number {
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw inputError(`--count must be a positive integer (got ${JSON.stringify(value)}).`);
  }
  return count;
}

async function rollBackOne(target: ProjectTarget, migration: MigrationFolder): Promise<RollbackResult> {
  await assertIndexNameFree(target, migration.name, migration.downSql!);
  const steps = rollbackStepsOf(migration.downSql!);
  if (steps) return rollBackInSteps(target, migration, steps);
  let dataMs = 0;
  // Never ran: nothing to undo. rolled_back: an earlier rollback stopped after down(), before down.sql.
  const data = target.dataMigrations.has(migration.name) ? await target.dataMigrations.state(migration.name) : undefined;
  if (data !== undefined && data !== 'rolled_back') {
    const started = performance.now();
    await target.dataMigrations.down(migration.name);
    dataMs = performance.now() - started;
  }
  const started = performance.now();
  await dropInvalidIndexLeftBy(target, migration.downSql!);
  const { retries } = await retryOnLockTimeout(`${migration.name} (down.sql)`, () => runDownScript(target, migration), {
    logger: target.logger,
    retries: target.lockRetries,
    baseDelayMs: target.retryDelayMs,
    beforeRetry: async () => void (await dropInvalidIndexLeftBy(target, migration.downSql!)),
  });
  const sqlMs = performance.now() - started;
  target.logger.info(`↩ ${migration.name} rolled back (${Math.round(dataMs + sqlMs)} ms)`);
  return { migration: migration.name, dataMs, sqlMs, retries };
}

/**
 * A down.sql in steps: each step commits on its own with its progress, the data migration's down()
 * runs at its `-- forge:data-step` (first, when there is none), and the last step removes the
 * migration's row. A rollback that stopped (an error, a lock timeout, a killed process) continues
 * at the step after the last committed one when migrate-down runs again.
 */
async function rollBackInSteps(target: ProjectTarget, migration: MigrationFolder, steps: RollbackStep[]): Promise<RollbackResult> {
  const name = migration.name;
  const total = steps.length;
  const done = await withClient(target.url, async (db) => {
    await ensureForgeSchema(db);
    return stepsDone(db, name, total);
  });
  if (done > 0) target.logger.info(`↩ ${name}: its rollback stopped after step ${done} of ${total}; continuing at step ${done + 1}.`);
  let dataMs = 0;
  let sqlMs = 0;
  let retries = 0;
  const runData = async () => {
    // Never ran, or its down() already finished: nothing to undo.
    const state = target.dataMigrations.has(name) ? await target.dataMigrations.state(name) : undefined;
    if (state === undefined || state === 'rolled_back') return;
    const started = performance.now();
    await target.dataMigrations.down(name);
    dataMs += performance.now() - started;
  };
  if (done === 0 && !steps.some((s) => s.kind === 'data')) await runData();
  for (let i = done; i < total; i++) {
    const step = steps[i];
    const last = i === total - 1;
    const progress = last ? `${forgetProgressSql(name)}\n${forgetMigrationSql(name)}` : recordStepSql(name, i + 1, total);
    if (step.kind === 'data') {
      await runData();
      await withClient(target.url, (db) => db.query(progress));
      continue;
    }
    const started = performance.now();
    const sql = step.sql.replace(/;?\s*$/, ';');
    await dropInvalidIndexLeftBy(target, sql);
    const { retries: stepRetries } = await retryOnLockTimeout(`${name} (down.sql, step ${i + 1} of ${total}: ${step.title})`, () => runScript(target, sql, progress), {
      logger: target.logger,
      retries: target.lockRetries,
      baseDelayMs: target.retryDelayMs,
      beforeRetry: async () => void (await dropInvalidIndexLeftBy(target, sql)),
    });
    retries += stepRetries;
    sqlMs += performance.now() - started;
  }
  target.logger.info(`↩ ${name} rolled back in ${total} steps (${Math.round(dataMs + sqlMs)} ms)`);
  return { migration: name, dataMs, sqlMs, retries };
}

function forgetMigrationSql(name: string): string {
  return `DELETE FROM _prisma_migrations WHERE migration_name = '${name.replace(/'/g, "''")}';`;
}

/** A script and the SQL that records it, in one transaction; a CONCURRENTLY statement alone first. */
async function runScript(target: ProjectTarget, sql: string, record: string): Promise<void> {
  await withClient(
    target.url,
    async (client) => {
      if (/\bCONCURRENTLY\b/i.test(sql)) {
        await client.query(sql);
        await client.query(record);
      } else {
        await client.query(`${sql}\n${record}`);
      }
    },
    { lockTimeout: target.lockTimeout ?? DEFAULT_SESSION_LOCK_TIMEOUT, applicationName: '@forge/migration migrate-down' },
  );
}

/**
 * down.sql and the removal of the migration's row run as one script, so one implicit transaction:
 * either both happen or neither. A CONCURRENTLY statement cannot run in a transaction; it runs
 * alone (it is idempotent with IF EXISTS), then the row is removed.
 */
async function runDownScript(target: ProjectTarget, migration: MigrationFolder): Promise<void> {
  await runScript(target, migration.downSql!.trim().replace(/;?\s*$/, ';'), forgetMigrationSql(migration.name));
}
