import { quoteIdent } from '../../sql/identifiers';
import type { RuntimeLogger } from '../logger';
import { queryOne, type Queryable } from '../pg-client';
import { runBatchCopy, runBatchUpdate, type BatchRunOptions } from './batch-update';
import type { BatchCopyJob, BatchUpdateJob, DataMigrationContext, DataMigrationDirection } from './types';

export interface ContextOptions extends Omit<BatchRunOptions, 'jobName' | 'logger'> {
  migrationName: string;
  direction: DataMigrationDirection;
  logger: RuntimeLogger;
}

export interface RunContext {
  context: DataMigrationContext;
  /** Checkpoint names of the batch jobs this run started, in order. */
  jobs: string[];
}

/**
 * Checkpoint name of a batch job: `{migration}:{table}[:{name}]` for up, `{migration}#down:{table}[:{name}]`
 * for down, so a rollback never mistakes up's finished checkpoint for its own.
 */
export function batchJobName(migrationName: string, direction: DataMigrationDirection, job: Pick<BatchUpdateJob, 'table' | 'name'>): string {
  return `${checkpointPrefix(migrationName, direction)}${job.table}${job.name ? `:${job.name}` : ''}`;
}

/** What every checkpoint name of a migration's up (or down) jobs starts with. */
export function checkpointPrefix(migrationName: string, direction: DataMigrationDirection): string {
  return direction === 'down' ? `${migrationName}#down:` : `${migrationName}:`;
}

/** The `ctx` a data migration receives: everything it may do, over the runtime's one connection. */
export function createDataMigrationContext(db: Queryable, options: ContextOptions): RunContext {
  const { migrationName, direction, logger, ...batchOptions } = options;
  const jobs: string[] = [];
  /** Each batch job of a run needs its own checkpoint; validate() may not write at all. */
  const claimJobName = (verb: string, job: Pick<BatchUpdateJob, 'table' | 'name'>): string => {
    if (direction === 'validate') throw new Error(`${migrationName}: validate() must only read; ${verb} belongs in up() or down().`);
    const jobName = batchJobName(migrationName, direction, job ?? ({} as BatchUpdateJob));
    if (jobs.includes(jobName)) {
      throw new Error(
        `${migrationName}: two batch jobs on ${quoteIdent(job.table)} would share the checkpoint ${JSON.stringify(jobName)}. ` +
          `Give each a distinct name: ${verb}({ name: 'step2', … }).`,
      );
    }
    jobs.push(jobName);
    return jobName;
  };
  const context: DataMigrationContext = {
    migrationName,
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
      // One statement, as the contract says: the extended protocol refuses a second one.
      const { rows } = await queryOne(db, sql, params ?? []);
      return rows as Row[];
    },
    async batchUpdate(job: BatchUpdateJob) {
      return runBatchUpdate(db, job, { ...batchOptions, jobName: claimJobName('batchUpdate', job), logger });
    },
    async batchCopy(job: BatchCopyJob) {
      return runBatchCopy(db, job, { ...batchOptions, jobName: claimJobName('batchCopy', job), logger });
    },
    async count(table: string, where?: string): Promise<number> {
      const { rows } = await queryOne<{ n: string }>(db, `SELECT count(*) AS n FROM ${quoteIdent(table)}${where?.trim() ? ` WHERE (${where})` : ''}`);
      return Number(rows[0].n);
    },
    log(message: string) {
      logger.info(`[${migrationName}] ${message}`);
    },
  };
  return { context, jobs };
}
