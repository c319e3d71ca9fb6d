import { ensureForgeSchema } from '../forge-schema';
import { silentLogger, type RuntimeLogger } from '../logger';
import type { Queryable } from '../pg-client';
import { clearCheckpoints, rowsDone } from './checkpoints';
import { checkpointPrefix, createDataMigrationContext } from './context';
import { markFailed, markFinished, markRunning } from './records';
import type { DataMigrationModule } from './types';

export interface RunDataMigrationOptions {
  logger?: RuntimeLogger;
  /** lock_timeout of each batch transaction (default 2s). */
  lockTimeout?: string;
  lockRetries?: number;
  retryDelayMs?: number;
  /** After up(), require validate() to return true, or record the run as failed (default true). */
  verify?: boolean;
}

export interface DataMigrationRun {
  /** Rows updated by the run's batch jobs, including what an interrupted earlier run of the same jobs did. */
  rows: number;
  seconds: number;
}

/**
 * Runs a data migration's up() or down() for its SQL migration folder, keeping its row in
 * `_forge.data_migrations` (running → applied / rolled_back, or failed with the error). A failure
 * is recorded and rethrown; the batch checkpoints stay, so running it again resumes.
 * `db` must be one connection (batches are transactions on it).
 */
export async function runDataMigration(
  db: Queryable,
  migrationName: string,
  module: DataMigrationModule,
  direction: 'up' | 'down',
  options: RunDataMigrationOptions = {},
): Promise<DataMigrationRun> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  await ensureForgeSchema(db);
  // A run in one direction makes the other direction's progress meaningless: up's checkpoints
  // say "done" for rows a started down() may already have reverted (and the other way round).
  // Cleared before the run is marked, so a crash in between leaves nothing stale.
  await clearCheckpoints(db, checkpointPrefix(migrationName, direction === 'up' ? 'down' : 'up'));
  await markRunning(db, migrationName, direction);
  const { context, jobs } = createDataMigrationContext(db, { ...options, migrationName, direction, logger });
  try {
    await module[direction](context);
    if (direction === 'up' && options.verify !== false && !(await validateDataMigration(db, migrationName, module, options))) {
      throw new Error(
        `validate() returned false after up(): some rows are not in the migrated state. ` +
          'Check the batch jobs’ where conditions against validate(); running migrate again resumes and re-checks.',
      );
    }
    const rows = await rowsDone(db, jobs);
    if (direction === 'up') {
      await markFinished(db, migrationName, 'applied', rows);
    } else {
      // Rolled back: its checkpoints (up's and down's) describe nothing any more; a re-apply starts fresh.
      await db.query('BEGIN');
      await clearCheckpoints(db, checkpointPrefix(migrationName, 'up'));
      await clearCheckpoints(db, checkpointPrefix(migrationName, 'down'));
      await markFinished(db, migrationName, 'rolled_back', rows);
      await db.query('COMMIT');
    }
    return { rows, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    // The session may be inside the user's failed transaction; outside one, ROLLBACK only warns.
    await db.query('ROLLBACK').catch(() => undefined);
    await markFailed(db, migrationName, error).catch(() => undefined);
    throw error;
  }
}

/**
 * Runs validate() in a read-only transaction: it sees one consistent snapshot and cannot change
 * data by mistake. Anything but a boolean is an error, not a silent pass.
 */
export async function validateDataMigration(
  db: Queryable,
  migrationName: string,
  module: DataMigrationModule,
  options: Pick<RunDataMigrationOptions, 'logger'> = {},
): Promise<boolean> {
  const { context } = createDataMigrationContext(db, { migrationName, direction: 'validate', logger: options.logger ?? silentLogger });
  await db.query('BEGIN TRANSACTION READ ONLY');
  try {
    const verdict: unknown = await module.validate(context);
    if (typeof verdict !== 'boolean') {
      throw new Error(`${migrationName}: validate() must return true or false, but returned ${describe(verdict)}.`);
    }
    return verdict;
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
}
