import type pg from 'pg';
import { connect } from '../runtime/pg-client';

/**
 * A second session of the application: it writes in an open transaction and commits when told,
 * so a test can place a committed write exactly where a race would put it (for instance after a
 * migration's check and before its lock).
 */
export interface ConcurrentWriter {
  /** Runs `sql` in the writer's open transaction (BEGIN on first use); rejects with the server's error. */
  write(sql: string): Promise<void>;
  commit(): Promise<void>;
  /** Ends the session (rolling back what is not committed). */
  close(): Promise<void>;
}

export async function concurrentWriter(url: string): Promise<ConcurrentWriter> {
  const client: pg.Client = await connect(url);
  let open = false;
  return {
    async write(sql) {
      if (!open) await client.query('BEGIN');
      open = true;
      try {
        await client.query(sql);
      } catch (error) {
        await client.query('ROLLBACK');
        open = false;
        throw error;
      }
    },
    async commit() {
      await client.query('COMMIT');
      open = false;
    },
    async close() {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}

/** Resolves once some other session of the database waits for a lock (a migration queued behind the writer). */
export async function untilSomeoneWaitsForALock(url: string, timeoutMs = 10_000): Promise<void> {
  const sampler = await connect(url);
  try {
    const started = Date.now();
    for (;;) {
      const { rows } = await sampler.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (rows[0].n > 0) return;
      if (Date.now() - started > timeoutMs) throw new Error(`No session waited for a lock within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await sampler.end();
  }
}
