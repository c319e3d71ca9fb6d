import type pg from 'pg';
import type { RuntimeLogger } from './logger';
import { connect, type Queryable } from './pg-client';

/** Advisory lock key of a deploy (< 2^32, so pg_locks shows it as objid with classid 0). */
const LOCK_KEY = 1919902565;

/**
 * One deploy at a time per database: a session advisory lock held for the whole run (Prisma's own
 * lock covers only one engine call, not "SQL migration, then its data migration"). A second run
 * says who holds it and waits, at most `waitMs`.
 */
export async function withDeployLock<T>(url: string, logger: RuntimeLogger, fn: () => Promise<T>, waitMs = 15 * 60_000): Promise<T> {
  const client = await connect(url, { applicationName: '@forge/migration deploy lock' });
  try {
    await acquire(client, logger, waitMs);
    try {
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * True while a migrate or migrate-down run holds the deploy lock on this database: a data
 * migration recorded as running is then really running; otherwise its run was interrupted.
 */
export async function deployInProgress(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = ${LOCK_KEY} AND d.datname = current_database()) AS held`,
  );
  return rows[0].held;
}

/**
 * Polls with pg_try_advisory_lock instead of blocking in pg_advisory_lock: a blocked statement
 * holds a snapshot, and the other run's CREATE INDEX CONCURRENTLY would wait for that snapshot
 * to go away — each run waiting for the other.
 */
async function acquire(client: pg.Client, logger: RuntimeLogger, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`);
    if (rows[0].locked) return;
    if (!told) {
      told = true;
      const holder = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = ${LOCK_KEY} LIMIT 1`,
      );
      logger.info(`Another migration run holds the deploy lock (backend pid ${holder.rows[0]?.pid ?? '?'}); waiting for it to finish…`);
    }
    if (Date.now() > deadline) throw new Error(`Gave up waiting ${Math.round(waitMs / 1000)} s for the deploy lock of another migration run.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
