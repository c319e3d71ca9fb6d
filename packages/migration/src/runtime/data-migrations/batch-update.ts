import { quoteIdent, quoteLiteral } from '../../sql/identifiers';
import { ensureForgeSchema } from '../forge-schema';
import { retryOnLockTimeout } from '../lock-retry';
import { silentLogger, type RuntimeLogger } from '../logger';
import { queryOne, type Queryable } from '../pg-client';
import { BatchProgress } from './batch-progress';
import { BatchSizer, DEFAULT_MAX_BATCH_MS } from './batch-sizer';
import { keyLiterals, keyOrder, keyParameters, keyTextExpression, keyValues, resolveBatchTarget, type BatchTarget } from './batch-target';
import { advanceCheckpoint, finishCheckpoint, openCheckpoint } from './checkpoints';
import type { BatchCopyJob, BatchUpdateJob, BatchUpdateResult } from './types';

export const DEFAULT_BATCH_SIZE = 5000;
export const MAX_BATCH_SIZE = 100_000;
/** Row locks of one batch are held for milliseconds; waiting longer than this for them means a long transaction is in the way. */
export const DEFAULT_BATCH_LOCK_TIMEOUT = '2s';

export interface BatchRunOptions {
  /** Checkpoint name in `_forge.batch_checkpoints`; the same name resumes the same job. */
  jobName: string;
  logger?: RuntimeLogger;
  /** `SET LOCAL lock_timeout` of each batch transaction (default 2s). */
  lockTimeout?: string;
  /** Retries of a batch stopped by lock_timeout, with exponential backoff (default 5). */
  lockRetries?: number;
  /** First backoff delay (default 200 ms, doubling). */
  retryDelayMs?: number;
  /** Minimum time between progress lines (default 1000 ms). */
  progressIntervalMs?: number;
}

/** A keyset batch job: what one batch runs over its key range, and the whole job for EXPLAIN. */
interface Job {
  /** For messages: batchUpdate or batchCopy. */
  verb: string;
  where?: string;
  batchSize: number;
  /** Time budget of one batch (0: fixed size); see BatchSizer. */
  maxBatchMs: number;
  throttleMs: number;
  /** The statement of one batch, restricted by `range` (a condition on the key with $n parameters). */
  statement(target: BatchTarget, range: string): string;
  /** Run first in the batch's transaction over the key range alone: locks its rows (see lockRowsFirst). */
  lockRows?(target: BatchTarget, range: string): string;
  /** The whole job as one statement, only ever EXPLAINed. */
  whole(target: BatchTarget): string;
}

/**
 * Runs one set-based UPDATE per key range, each in its own short transaction together with the
 * job's checkpoint. Pages with keyset pagination: the next boundary is the key one batch further
 * (`batchSize` rows, fewer while batches overrun `maxBatchMs`), so every batch is an index range
 * scan, however far into the table it is.
 * `db` must be one connection (not a pool): a batch is BEGIN … COMMIT on it.
 *
 * Rows inserted behind the checkpoint while the job runs are not visited: the application must
 * already write new rows in the migrated form (that is the order the recipes deploy in).
 */
export async function runBatchUpdate(db: Queryable, job: BatchUpdateJob, options: BatchRunOptions): Promise<BatchUpdateResult> {
  return runKeysetJob(db, job.table, job.key, updateJob(job), options);
}

/**
 * Copies columns of a table into another one (a backup), keyed by `key`, in the same short,
 * checkpointed batches: `INSERT … SELECT … WHERE key in range ON CONFLICT (key) DO UPDATE`, so a
 * re-run after a crash refreshes rather than duplicates. The target table must exist with a
 * unique index on the key column.
 */
export async function runBatchCopy(db: Queryable, job: BatchCopyJob, options: BatchRunOptions): Promise<BatchUpdateResult> {
  return runKeysetJob(db, job.table, job.key, copyJob(job), options);
}

async function runKeysetJob(db: Queryable, table: string, key: string | string[] | undefined, spec: Job, options: BatchRunOptions): Promise<BatchUpdateResult> {
  const lockTimeout = checkLockTimeout(options.lockTimeout ?? DEFAULT_BATCH_LOCK_TIMEOUT);
  const logger = options.logger ?? silentLogger;
  const target = await resolveBatchTarget(db, table, key);
  const estimate = await planJob(db, target, spec);
  await assertNoNullKeys(db, target, spec.where);
  if (!target.indexed) {
    logger.warn(`${target.label}: no index starts with ${target.key}; every batch will scan the table. Page on indexed columns (the primary key).`);
  }
  await ensureForgeSchema(db);
  const checkpoint = await openCheckpoint(db, options.jobName);
  const result: BatchUpdateResult = { rows: 0, batches: 0, longestBatchMs: 0, resumedFromKey: checkpoint.lastKey, seconds: 0 };
  if (checkpoint.finished) {
    logger.info(`${target.label}: batch job ${options.jobName} already finished (${checkpoint.rowsDone} rows); nothing to do.`);
    return result;
  }
  if (checkpoint.lastKey !== null) logger.info(`${target.label}: resuming after ${target.key} = ${checkpoint.lastKey} (${checkpoint.rowsDone} rows done before).`);

  const progress = new BatchProgress(logger, target.label, await remainingEstimate(db, target, spec, checkpoint.lastKey, estimate), options.progressIntervalMs);
  let last = checkpoint.lastKey;
  const sizer = new BatchSizer(spec.batchSize, spec.maxBatchMs);
  for (;;) {
    // The pause comes before the boundary is read, so the batch acts on what it just saw.
    if (result.batches > 0 && spec.throttleMs > 0) await sleep(spec.throttleMs);
    const next = await nextBoundary(db, target, spec, last, sizer.size);
    if (next === null) break;
    const from = last;
    const { value } = await retryOnLockTimeout(
      `${target.label}: batch ${target.key} > ${from ?? '-∞'} and ≤ ${next}`,
      () => runBatch(db, target, spec, options.jobName, from, next, lockTimeout),
      { logger, retries: options.lockRetries ?? 5, baseDelayMs: options.retryDelayMs ?? 200 },
    );
    result.rows += value.rows;
    result.batches++;
    result.longestBatchMs = Math.max(result.longestBatchMs, value.ms);
    sizer.record(value.ms);
    last = next;
    progress.update(result.rows);
  }
  await finishCheckpoint(db, options.jobName);
  result.seconds = progress.finish(result.rows, result.batches, result.longestBatchMs);
  return result;
}

/** One batch: its statement and the checkpoint commit together or not at all. */
async function runBatch(
  db: Queryable,
  target: BatchTarget,
  job: Job,
  jobName: string,
  from: string | null,
  to: string,
  lockTimeout: string,
): Promise<{ rows: number; ms: number }> {
  const started = performance.now();
  await db.query(`BEGIN; SET LOCAL lock_timeout = ${quoteLiteral(lockTimeout)}`);
  try {
    const range = keyRange(target, from, to);
    if (job.lockRows) await queryOne(db, job.lockRows(target, range.conditions.join(' AND ')), range.params);
    const changed = await queryOne(db, job.statement(target, [...range.conditions, ...filter(job.where)].join(' AND ')), range.params);
    const rows = changed.rowCount ?? 0;
    await advanceCheckpoint(db, jobName, from, to, rows);
    await db.query('COMMIT');
    return { rows, ms: performance.now() - started };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * The key `size` matching rows after `last`, or the last matching key when fewer remain;
 * null when none remain. Read outside the batch transaction: it takes no row locks. The text
 * output is aliased: ORDER BY the key's own name would otherwise sort by that text column. No
 * max(): uuid has none.
 */
async function nextBoundary(db: Queryable, target: BatchTarget, job: Job, last: string | null, size: number): Promise<string | null> {
  const range = keyRange(target, last);
  const where = [...range.conditions, ...filter(job.where)];
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const text = keyTextExpression(target);
  const { rows } = await queryOne<{ next: string | null }>(
    db,
    `SELECT coalesce(
       (SELECT ${text} AS boundary FROM ${target.table} ${clause} ORDER BY ${keyOrder(target)} OFFSET ${size - 1} LIMIT 1),
       (SELECT ${text} AS boundary FROM ${target.table} ${clause} ORDER BY ${keyOrder(target, 'DESC')} LIMIT 1)) AS next`,
    range.params,
  );
  return rows[0]?.next ?? null;
}

/**
 * `key > $1` (after the checkpoint) and, with `upper`, `key <= $2`; the checkpoint's text is cast
 * back to the key's types. A composite key compares as a row value, `(a, b) > ($1, $2)`: the
 * order of ORDER BY a, b, which an index on (a, b) serves as a range scan.
 */
function keyRange(target: BatchTarget, last: string | null, upper?: string): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  for (const [bound, op] of [[last, '>'], [upper ?? null, '<=']] as const) {
    if (bound === null) continue;
    conditions.push(`${target.key} ${op} ${keyParameters(target, params.length + 1)}`);
    params.push(...keyValues(target, bound));
  }
  return { conditions, params };
}

function filter(where: string | undefined): string[] {
  return where ? [`(${where})`] : [];
}

/**
 * EXPLAIN of the whole job as one statement: proves its clauses are valid SQL for this table before
 * any batch runs (nothing is executed), and gives the planner's row estimate for progress.
 */
async function planJob(db: Queryable, target: BatchTarget, job: Job): Promise<number> {
  try {
    const { rows } = await queryOne<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(db, `EXPLAIN (FORMAT JSON) ${job.whole(target)}`);
    return planRows(rows[0]['QUERY PLAN'][0].Plan);
  } catch (error) {
    throw new Error(`${job.verb} on ${target.label}: the set or where clause is not valid: ${(error as Error).message}`);
  }
}

async function remainingEstimate(db: Queryable, target: BatchTarget, job: Job, last: string | null, whole: number): Promise<number> {
  if (last === null) return whole;
  const where = [`${target.key} > ${keyLiterals(target, keyValues(target, last))}`, ...filter(job.where)].join(' AND ');
  const { rows } = await queryOne<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(db, `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${target.table} WHERE ${where}`);
  return planRows(rows[0]['QUERY PLAN'][0].Plan);
}

interface PlanNode {
  'Plan Rows': number;
  'Node Type': string;
  Plans?: PlanNode[];
}

/** An UPDATE's or INSERT's top node reports 0 rows; the rows it will touch are its input's. */
function planRows(plan: PlanNode): number {
  return plan['Node Type'] === 'ModifyTable' && plan.Plans?.length ? planRows(plan.Plans[0]) : plan['Plan Rows'];
}

/** Rows with a NULL key sort outside every `key > x` range: they would silently never be migrated. */
async function assertNoNullKeys(db: Queryable, target: BatchTarget, where: string | undefined): Promise<void> {
  if (!target.keyNullable) return;
  const { rows } = await queryOne<{ n: string }>(
    db,
    `SELECT count(*) AS n FROM ${target.table} WHERE ${[`(${target.columns.map((c) => `${c} IS NULL`).join(' OR ')})`, ...filter(where)].join(' AND ')}`,
  );
  const n = Number(rows[0].n);
  if (n > 0) {
    throw new Error(
      `${target.label}: ${n} row(s) to migrate have a NULL ${target.key}, and batches page by that key, ` +
        'so they would never be reached. Page on a NOT NULL column (the primary key) with key: …',
    );
  }
}

function updateJob(job: BatchUpdateJob): Job {
  if (!job || typeof job.set !== 'string' || !job.set.trim()) {
    throw new Error("batchUpdate needs `set`: the SQL after SET, e.g. set: `\"locale\" = 'en'`.");
  }
  return {
    ...pacing('batchUpdate', job),
    statement: (target, range) => `UPDATE ${target.table} SET ${job.set} WHERE ${range}`,
    ...(job.lockRowsFirst ? { lockRows: (target: BatchTarget, range: string) => `SELECT 1 FROM ${target.table} WHERE ${range} FOR UPDATE` } : {}),
    whole: (target) => `UPDATE ${target.table} SET ${job.set}${job.where?.trim() ? ` WHERE (${job.where})` : ''}`,
  };
}

function copyJob(job: BatchCopyJob): Job {
  if (!job || !Array.isArray(job.columns) || job.columns.length === 0 || typeof job.into !== 'string' || !job.into.trim()) {
    throw new Error('batchCopy needs `columns` (to copy) and `into` (the table that receives them, with a unique key column).');
  }
  const columns = job.columns.map(quoteIdent);
  // The key columns are copied too: the receiving table is keyed by them (a unique index on all of them).
  const list = (target: BatchTarget) => [...target.columns, ...columns].join(', ');
  const upsert = (target: BatchTarget) =>
    job.keepExisting
      ? `ON CONFLICT (${target.columns.join(', ')}) DO NOTHING`
      : `ON CONFLICT (${target.columns.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  const select = (target: BatchTarget) => `SELECT ${[...target.columns, ...columns].map((c) => `${target.table}.${c}`).join(', ')} FROM ${target.table}`;
  return {
    ...pacing('batchCopy', job),
    statement: (target, range) => `INSERT INTO ${job.into} (${list(target)}) ${select(target)} WHERE ${range} ${upsert(target)}`,
    whole: (target) => `INSERT INTO ${job.into} (${list(target)}) ${select(target)}${job.where?.trim() ? ` WHERE (${job.where})` : ''} ${upsert(target)}`,
  };
}

function pacing(
  verb: string,
  job: { batchSize?: number; maxBatchMs?: number; throttleMs?: number; where?: string },
): Pick<Job, 'verb' | 'batchSize' | 'maxBatchMs' | 'throttleMs' | 'where'> {
  const batchSize = job.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new Error(`${verb}: batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE} (got ${job.batchSize}).`);
  }
  const throttleMs = job.throttleMs ?? 0;
  if (!Number.isFinite(throttleMs) || throttleMs < 0) throw new Error(`${verb}: throttleMs must be 0 or more (got ${job.throttleMs}).`);
  const maxBatchMs = job.maxBatchMs ?? DEFAULT_MAX_BATCH_MS;
  if (!Number.isFinite(maxBatchMs) || maxBatchMs < 0) throw new Error(`${verb}: maxBatchMs must be 0 (fixed batch size) or more (got ${job.maxBatchMs}).`);
  return { verb, batchSize, maxBatchMs, throttleMs, where: job.where?.trim() || undefined };
}

function checkLockTimeout(value: string): string {
  if (!/^\d+\s*(ms|s|min)?$/.test(value)) throw new Error(`lockTimeout must look like 500ms, 2s or 1min (got ${JSON.stringify(value)}).`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
