import type pg from 'pg';
import type { RuntimeLogger } from './logger';
import { connect } from './pg-client';

// CREATE INDEX CONCURRENTLY waits, after building, for every transaction whose snapshot is older
// than the build — on any table (lock type virtualxid). lock_timeout there would throw the finished
// build away and a retry would pay for it again; so a concurrent build runs without lock_timeout,
// watched from a second session that names whoever it waits for and cancels it after a bound.

/** application_name of the session that runs a concurrent index build: the watch finds it by this. */
export const CONCURRENT_BUILD_APPLICATION = '@forge/migration concurrent index';

/** Default bound of the wait for other transactions (the build itself is not limited). */
export const DEFAULT_CONCURRENT_WAIT_MS = 10 * 60_000;

/** A session another one waits for, as pg_stat_activity shows it. */
export interface BlockingSession {
  pid: number;
  state: string | null;
  /** Seconds since its transaction started. */
  ageSeconds: number;
  query: string;
}

export class ConcurrentBuildWaitError extends Error {
  constructor(what: string, waitedMs: number, sessions: BlockingSession[]) {
    super(
      `${what}: the index was built, then waited ${Math.round(waitedMs / 1000)} s for older transactions to end and was cancelled ` +
        `(CREATE INDEX CONCURRENTLY waits for every transaction older than it, on any table). ${describeSessions(sessions)} ` +
        'End them (or let them finish), then run the command again; the INVALID index left behind is rebuilt.',
    );
    this.name = 'ConcurrentBuildWaitError';
  }
}

/**
 * Runs `build` (which starts a session named CONCURRENT_BUILD_APPLICATION) while watching it: when
 * it waits on a lock, the blocking sessions are logged once; after `waitMs` of waiting it is
 * cancelled and a ConcurrentBuildWaitError names them.
 */
export async function watchConcurrentBuild<T>(url: string, what: string, logger: RuntimeLogger, waitMs: number, build: () => Promise<T>): Promise<T> {
  const watcher = await connect(url, { applicationName: '@forge/migration build watch' });
  let done = false;
  let cancelled: { waitedMs: number; sessions: BlockingSession[] } | undefined;
  const watch = (async () => {
    let waitingSince: number | undefined;
    let told = false;
    while (!done) {
      const waiting = await waitingBuild(watcher).catch(() => undefined);
      if (!waiting) {
        waitingSince = undefined;
      } else {
        waitingSince ??= Date.now();
        if (!told && waiting.blockers.length) {
          told = true;
          logger.warn(`${what}: waiting for older transactions to end (${waiting.lock}). ${describeSessions(waiting.blockers)}`);
        }
        if (Date.now() - waitingSince > waitMs) {
          cancelled = { waitedMs: Date.now() - waitingSince, sessions: waiting.blockers };
          await watcher.query('SELECT pg_cancel_backend($1)', [waiting.pid]);
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  try {
    return await build();
  } catch (error) {
    if (cancelled) throw new ConcurrentBuildWaitError(what, cancelled.waitedMs, cancelled.sessions);
    throw error;
  } finally {
    done = true;
    await watch.catch(() => undefined);
    await watcher.end().catch(() => undefined);
  }
}

/** The watched build session when it waits on a heavyweight lock, with the sessions it waits for. */
async function waitingBuild(db: pg.Client): Promise<{ pid: number; lock: string; blockers: BlockingSession[] } | undefined> {
  const { rows } = await db.query<{ pid: number; lock: string }>(
    `SELECT pid, wait_event AS lock FROM pg_stat_activity
      WHERE application_name = $1 AND datname = current_database() AND wait_event_type = 'Lock' LIMIT 1`,
    [CONCURRENT_BUILD_APPLICATION],
  );
  if (!rows[0]) return undefined;
  return { ...rows[0], blockers: await sessions(db, `pid = ANY (pg_blocking_pids($1))`, [rows[0].pid]) };
}

/**
 * A `CREATE INDEX CONCURRENTLY` of `index` that another session runs now — typically a killed
 * run's build, which PostgreSQL finishes on its own. Dropping its index meanwhile would deadlock.
 */
export async function runningBuildOf(db: pg.ClientBase, index: string): Promise<BlockingSession | undefined> {
  const found = await sessions(
    db,
    `pid <> pg_backend_pid() AND datname = current_database() AND state = 'active'
       AND query ~* 'CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY' AND strpos(query, $1) > 0`,
    [`"${index.replace(/"/g, '""')}"`],
  );
  return found[0];
}

/**
 * Waits (at most `waitMs`) until no other session builds `index`: the next steps either find it
 * valid (IF NOT EXISTS skips it) or INVALID (dropped and built again), never half-built.
 */
export async function waitForRunningBuild(url: string, index: string, logger: RuntimeLogger, waitMs: number): Promise<void> {
  await withWatcher(url, async (db) => {
    const started = Date.now();
    let told = false;
    for (let running = await runningBuildOf(db, index); running; running = await runningBuildOf(db, index)) {
      if (!told) {
        told = true;
        logger.warn(`An earlier run's CREATE INDEX CONCURRENTLY of ${index} is still building (${describeSession(running)}); waiting for it to finish.`);
      }
      if (Date.now() - started > waitMs) {
        throw new Error(
          `An earlier run's CREATE INDEX CONCURRENTLY of ${index} is still building after ${Math.round((Date.now() - started) / 1000)} s (${describeSession(running)}). ` +
            `Let it finish and run the command again, or cancel it with SELECT pg_cancel_backend(${running.pid}); and run the command again. Nothing was changed.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
}

async function withWatcher<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = await connect(url, { applicationName: '@forge/migration build watch' });
  try {
    return await fn(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function sessions(db: pg.ClientBase, where: string, params: unknown[]): Promise<BlockingSession[]> {
  const { rows } = await db.query<{ pid: number; state: string | null; age: number | null; query: string }>(
    `SELECT pid, state, extract(epoch FROM now() - coalesce(xact_start, query_start))::int AS age, left(query, 200) AS query
       FROM pg_stat_activity WHERE ${where} ORDER BY xact_start NULLS LAST`,
    params,
  );
  return rows.map((r) => ({ pid: r.pid, state: r.state, ageSeconds: r.age ?? 0, query: r.query.replace(/\s+/g, ' ').trim() }));
}

function describeSession(s: BlockingSession): string {
  return `pid ${s.pid}, ${s.state ?? 'unknown state'}, for ${s.ageSeconds} s: ${s.query}`;
}

function describeSessions(sessions: BlockingSession[]): string {
  if (!sessions.length) return 'No blocking session is visible any more.';
  return `Waiting for ${sessions.length} session(s): ${sessions.map((s) => `[${describeSession(s)}]`).join('; ')}.`;
}
