import type pg from 'pg';
import type { MeasuredLock } from '../analysis/lock-comparison';
import { strongerLock } from '../analysis/locks';
import { connect } from '../runtime/pg-client';
import { lockMode } from '../runtime/validate/lock-trace';

// Table locks of one backend, named as the lock trace names them (bare in the current schema).
const BACKEND_TABLE_LOCKS = `
  SELECT l.mode, CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END AS name
    FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE l.pid = $1 AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;

const USER_TABLES = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;

/**
 * The table locks a statement that cannot run in a transaction block (`… CONCURRENTLY`) holds
 * while it runs. A third session keeps a snapshot open and ACCESS SHARE on every table, so the
 * statement waits for it in its later phases (old snapshots, or lockers of the table); meanwhile
 * a second session samples the statement's backend in pg_locks. Then the snapshot is released and
 * the statement finishes (its effect stays: undo it yourself). Strongest mode per table.
 */
export async function locksOfConcurrentStatement(url: string, sql: string): Promise<{ locks: MeasuredLock[]; waited: boolean; error?: string }> {
  const holder = await connect(url);
  const runner = await connect(url);
  const sampler = await connect(url);
  try {
    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    for (const { name } of (await holder.query<{ name: string }>(USER_TABLES)).rows) await holder.query(`LOCK TABLE ${name} IN ACCESS SHARE MODE`);
    const pid = (await runner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    let done = false;
    let error: string | undefined;
    const running = runner.query(sql).then(
      () => void (done = true),
      (e: Error) => {
        done = true;
        error = e.message;
      },
    );
    const locks = new Map<string, MeasuredLock['mode']>();
    let waited = false;
    const started = Date.now();
    while (!done) {
      await sample(sampler, pid, locks);
      const { rows } = await sampler.query<{ waiting: string | null }>('SELECT wait_event_type AS waiting FROM pg_stat_activity WHERE pid = $1', [pid]);
      if (!waited && (rows[0]?.waiting === 'Lock' || Date.now() - started > 10_000)) {
        // Seen waiting for the snapshot holder (or given up on it): one more sample, then let it finish.
        waited = rows[0]?.waiting === 'Lock';
        await sample(sampler, pid, locks);
        await holder.query('COMMIT');
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await running;
    return { locks: [...locks].map(([table, mode]) => ({ table, mode })).sort((a, b) => a.table.localeCompare(b.table)), waited, ...(error ? { error } : {}) };
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await Promise.all([holder.end(), runner.end(), sampler.end()]);
  }
}

async function sample(sampler: pg.Client, pid: number, into: Map<string, MeasuredLock['mode']>): Promise<void> {
  const { rows } = await sampler.query<{ mode: string; name: string }>(BACKEND_TABLE_LOCKS, [pid]);
  for (const row of rows) {
    const mode = lockMode(row.mode);
    if (!mode) continue;
    const current = into.get(row.name);
    into.set(row.name, current ? strongerLock(current, mode) : mode);
  }
}
