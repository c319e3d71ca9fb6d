import { FORGE_SCHEMA } from '../forge-schema';
import type { Queryable } from '../pg-client';

/**
 * Checkpoints of batch jobs in `_forge.batch_checkpoints`: the last key a job committed. A batch
 * advances its checkpoint inside its own transaction, so the two can never disagree.
 */
const TABLE = `"${FORGE_SCHEMA}".batch_checkpoints`;

export interface Checkpoint {
  /** Text form of the last key done, or null before the first batch. */
  lastKey: string | null;
  rowsDone: number;
  finished: boolean;
}

/** The job's checkpoint, created empty when the job never ran. */
export async function openCheckpoint(db: Queryable, job: string): Promise<Checkpoint> {
  await db.query(`INSERT INTO ${TABLE} (job) VALUES ($1) ON CONFLICT (job) DO NOTHING`, [job]);
  const { rows } = await db.query<{ last_key: string | null; rows_done: string; finished: boolean }>(
    `SELECT last_key, rows_done, finished FROM ${TABLE} WHERE job = $1`,
    [job],
  );
  return { lastKey: rows[0].last_key, rowsDone: Number(rows[0].rows_done), finished: rows[0].finished };
}

/**
 * Moves the checkpoint from `from` to `to`; call inside the batch's transaction. Fails when the
 * checkpoint is not where this run left it: another process is running the same job.
 */
export async function advanceCheckpoint(db: Queryable, job: string, from: string | null, to: string, rows: number): Promise<void> {
  const result = await db.query(
    `UPDATE ${TABLE} SET last_key = $2, rows_done = rows_done + $3, batches_done = batches_done + 1, updated_at = now()
      WHERE job = $1 AND last_key IS NOT DISTINCT FROM $4 AND NOT finished`,
    [job, to, rows, from],
  );
  if (result.rowCount !== 1) {
    throw new Error(
      `The checkpoint of batch job ${JSON.stringify(job)} moved while this run held it: another process is running ` +
        'the same data migration. Let one of them finish; the other can be re-run afterwards and will resume.',
    );
  }
}

export async function finishCheckpoint(db: Queryable, job: string): Promise<void> {
  await db.query(`UPDATE ${TABLE} SET finished = true, updated_at = now() WHERE job = $1`, [job]);
}

/** Rows done by these jobs, resumed runs included. */
export async function rowsDone(db: Queryable, jobs: readonly string[]): Promise<number> {
  if (!jobs.length) return 0;
  const { rows } = await db.query<{ n: string }>(`SELECT coalesce(sum(rows_done), 0) AS n FROM ${TABLE} WHERE job = ANY($1::text[])`, [jobs]);
  return Number(rows[0].n);
}

/** Removes every checkpoint whose job name starts with `prefix` (a literal prefix, no wildcards). */
export async function clearCheckpoints(db: Queryable, prefix: string): Promise<void> {
  await db.query(`DELETE FROM ${TABLE} WHERE left(job, length($1)) = $1`, [prefix]);
}
