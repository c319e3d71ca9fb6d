import { collectingLogger } from '../../testing/collecting-logger';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { connect, withClient } from '../pg-client';
import { runBatchUpdate, type BatchRunOptions } from './batch-update';
import type { BatchUpdateJob } from './types';

const pgServer = useEmbeddedPostgres();

/** Runs a job; batch sizes stay fixed unless the job sets maxBatchMs, since these tests count batches. */
async function run(url: string, job: BatchUpdateJob, options: Partial<BatchRunOptions> = {}) {
  return withClient(url, (db) => runBatchUpdate(db, { maxBatchMs: 0, ...job }, { jobName: 'test:job', ...options }));
}

async function checkpoint(url: string, job = 'test:job') {
  const [row] = await query<{ last_key: string | null; rows_done: string; batches_done: number; finished: boolean }>(
    url,
    'SELECT last_key, rows_done, batches_done, finished FROM _forge.batch_checkpoints WHERE job = $1',
    [job],
  );
  return row;
}

/** Resolves once some session of the database waits for a lock (the batch, queued behind a row lock). */
async function waitForLockWait(url: string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const [{ waiting }] = await query<{ waiting: string }>(
      url,
      "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (Number(waiting) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the batch never waited for the row lock');
}

async function counts(url: string): Promise<Record<string, number>> {
  const rows = await query<{ flag: boolean; n: number; c: string }>(url, 'SELECT flag, n, count(*) AS c FROM t GROUP BY 1, 2 ORDER BY 1, 2');
  return Object.fromEntries(rows.map((r) => [`${r.flag ? 'flagged' : 'other'}:n=${r.n}`, Number(r.c)]));
}

describe('runBatchUpdate', () => {
  const keyTypes: [string, string][] = [
    ['integer', 'g'],
    ['bigint', '(g::bigint * 4000000000)'],
    ['uuid', 'gen_random_uuid()'],
    ['text', "md5(g::text) || ' key''s'"],
  ];

  it.each(keyTypes)('updates exactly the rows matching `where`, once, on a %s key', async (type, keyExpr) => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id ${type} PRIMARY KEY, n int NOT NULL DEFAULT 0, flag boolean NOT NULL);
      INSERT INTO t (id, flag) SELECT ${keyExpr}, g % 3 = 0 FROM generate_series(1, 2345) g;`);
    const log = collectingLogger();

    const result = await run(url, { table: 't', set: 'n = n + 1', where: 'flag', batchSize: 100 }, { logger: log });

    expect(await counts(url)).toEqual({ 'flagged:n=1': 781, 'other:n=0': 1564 });
    expect(result).toMatchObject({ rows: 781, batches: 8, resumedFromKey: null });
    expect(result.longestBatchMs).toBeGreaterThan(0);
    expect(await checkpoint(url)).toMatchObject({ rows_done: '781', batches_done: 8, finished: true });
    expect(log.infos.at(-1)).toMatch(/^"t": done, 781 rows in 8 batches, [\d.]+ s \([\d,]+ rows\/s\), longest batch \d+ ms$/);

    // A finished job is not run again (the SET is not idempotent).
    const again = await run(url, { table: 't', set: 'n = n + 1', where: 'flag', batchSize: 100 });
    expect(again).toMatchObject({ rows: 0, batches: 0 });
    expect(await counts(url)).toEqual({ 'flagged:n=1': 781, 'other:n=0': 1564 });
  });

  it('pages through every row when there is no where, including duplicates of a non-unique key', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (k int NOT NULL, n int NOT NULL DEFAULT 0, flag boolean NOT NULL DEFAULT false);
      CREATE INDEX ON t (k); INSERT INTO t (k) SELECT g / 7 FROM generate_series(1, 1000) g;`);
    const result = await run(url, { table: 't', key: 'k', set: 'n = n + 1', batchSize: 50 });
    expect(result.rows).toBe(1000);
    expect(await counts(url)).toEqual({ 'other:n=1': 1000 });
  });

  it('resumes after an interrupted run without redoing or skipping a row', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, flag boolean NOT NULL DEFAULT true);
      INSERT INTO t (id) SELECT g FROM generate_series(1, 1000) g;
      CREATE TABLE fail_switch (on_id int);
      INSERT INTO fail_switch VALUES (701);
      CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM fail_switch WHERE on_id = NEW.id) THEN RAISE EXCEPTION 'boom at %', NEW.id; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER t_boom BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION boom();`);
    const job = { table: 't', set: 'n = n + 1', batchSize: 100 };

    await expect(run(url, job)).rejects.toThrow('boom at 701');
    // Batches up to 700 committed with their checkpoint; the failing batch left nothing behind.
    expect(await checkpoint(url)).toMatchObject({ last_key: '700', rows_done: '700', batches_done: 7, finished: false });
    const [{ done }] = await query<{ done: string }>(url, 'SELECT count(*) FILTER (WHERE n = 1) AS done FROM t WHERE id <= 700');
    expect(Number(done)).toBe(700);
    expect(await counts(url)).toEqual({ 'flagged:n=0': 300, 'flagged:n=1': 700 });

    await query(url, 'DELETE FROM fail_switch');
    const log = collectingLogger();
    const resumed = await run(url, job, { logger: log });
    expect(resumed).toMatchObject({ rows: 300, batches: 3, resumedFromKey: '700' });
    expect(log.infos[0]).toContain('resuming after "id" = 700 (700 rows done before)');
    expect(await counts(url)).toEqual({ 'flagged:n=1': 1000 });
    expect(await checkpoint(url)).toMatchObject({ rows_done: '1000', batches_done: 10, finished: true });
  });

  it('retries a batch stopped by lock_timeout and succeeds once the lock is released', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, flag boolean NOT NULL DEFAULT true);
      INSERT INTO t (id) SELECT g FROM generate_series(1, 500) g;`);
    const holder = await connect(url);
    try {
      await holder.query('BEGIN; SELECT * FROM t WHERE id = 250 FOR UPDATE');
      // Released 400 ms after the first lock timeout, however long the batches before it took (a busy machine).
      let release: NodeJS.Timeout | undefined;
      let timedOutAt = 0;
      const log = collectingLogger();
      const warn = log.warn;
      log.warn = (message) => {
        warn(message);
        if (release) return;
        timedOutAt = performance.now();
        release = setTimeout(() => void holder.query('COMMIT'), 400);
      };
      const result = await run(url, { table: 't', set: 'n = n + 1', batchSize: 100 }, { logger: log, lockTimeout: '150ms', lockRetries: 6, retryDelayMs: 100 });
      clearTimeout(release);
      expect(performance.now() - timedOutAt).toBeGreaterThan(350);
      expect(result.rows).toBe(500);
      expect(log.warns.length).toBeGreaterThanOrEqual(1);
      expect(log.warns[0]).toMatch(/"t": batch "id" > 200 and ≤ 300: lock timeout .* retry 1\/6/);
      expect(await counts(url)).toEqual({ 'flagged:n=1': 500 });
    } finally {
      await holder.end();
    }
  });

  // A restore from a backup that the application's writes keep in step: the application writes a
  // row and its backup row in one transaction while the batch waits for that row.
  it.each([
    [false, 'the older backup value over the application\'s write'],
    [true, 'the application\'s value (lockRowsFirst: the UPDATE\'s snapshot comes after the write)'],
  ])('a SET that reads another table, with a write committed while the batch waits (lockRowsFirst %s) writes %s', async (lockRowsFirst) => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id int PRIMARY KEY, v text);
      CREATE TABLE backup (id int PRIMARY KEY, v text);
      INSERT INTO t (id) SELECT g FROM generate_series(1, 300) g;
      INSERT INTO backup (id, v) SELECT g, 'kept ' || g FROM generate_series(1, 300) g;`);
    const application = await connect(url);
    try {
      await application.query("BEGIN; UPDATE t SET v = 'written' WHERE id = 150; UPDATE backup SET v = 'written' WHERE id = 150");
      const job = run(url, { table: 't', set: 'v = (SELECT b.v FROM backup b WHERE b.id = t.id)', batchSize: 1000, lockRowsFirst });
      await waitForLockWait(url);
      await application.query('COMMIT');
      await job;
      const [row] = await query<{ v: string }>(url, 'SELECT v FROM t WHERE id = 150');
      expect(row.v).toBe(lockRowsFirst ? 'written' : 'kept 150');
      const [{ restored }] = await query<{ restored: string }>(url, "SELECT count(*) AS restored FROM t WHERE v = 'kept ' || id");
      expect(Number(restored)).toBe(lockRowsFirst ? 299 : 300);
    } finally {
      await application.end();
    }
  });

  it('gives up clearly when a lock is held longer than the retries wait, keeping the progress made', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, flag boolean NOT NULL DEFAULT true);
      INSERT INTO t (id) SELECT g FROM generate_series(1, 500) g;`);
    const holder = await connect(url);
    try {
      await holder.query('BEGIN; SELECT * FROM t WHERE id = 150 FOR UPDATE');
      const error = await run(url, { table: 't', set: 'n = n + 1', batchSize: 100 }, { lockTimeout: '100ms', lockRetries: 2, retryDelayMs: 20 }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^"t": batch "id" > 100 and ≤ 200: gave up after 3 attempts, each stopped by lock_timeout/);
      expect((error as Error).message).toContain('pg_stat_activity');
      expect(await checkpoint(url)).toMatchObject({ last_key: '100', rows_done: '100', finished: false });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await counts(url)).toEqual({ 'flagged:n=0': 400, 'flagged:n=1': 100 });
  });

  it('refuses a table, key, clause or batch size that cannot work, before changing anything', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE "User" (id int PRIMARY KEY, email text, n int NOT NULL DEFAULT 0);
      INSERT INTO "User" (id, email) VALUES (1, 'a'), (2, NULL); CREATE VIEW v AS SELECT * FROM "User";`);
    await expect(run(url, { table: 'Usr', set: 'n = 1' })).rejects.toThrow(/^batchUpdate: Table "Usr" does not exist in the search_path\. Did you mean "User"\? Tables: User\.$/);
    await expect(run(url, { table: 'v', set: 'n = 1' })).rejects.toThrow('batchUpdate: "v" is not a table');
    await expect(run(url, { table: 'User', key: 'uid', set: 'n = 1' })).rejects.toThrow(
      'batchUpdate: table "User" has no column "uid" to page on. Did you mean "id"? Columns: id, email, n.',
    );
    await expect(run(url, { table: 'User', set: 'nope = 1' })).rejects.toThrow(
      'batchUpdate on "User": the set or where clause is not valid: column "nope" of relation "User" does not exist',
    );
    await expect(run(url, { table: 'User', set: 'n = 1', where: 'id >' })).rejects.toThrow(/the set or where clause is not valid: syntax error/);
    await expect(run(url, { table: 'User', key: 'email', set: 'n = 1' })).rejects.toThrow(/1 row\(s\) to migrate have a NULL "email"/);
    await expect(run(url, { table: 'User', set: 'n = 1', batchSize: 0 })).rejects.toThrow('batchSize must be a whole number from 1 to 100000 (got 0)');
    await expect(run(url, { table: 'User', set: 'n = 1', batchSize: 100_001 })).rejects.toThrow('from 1 to 100000');
    await expect(run(url, { table: 'User', set: ' ' })).rejects.toThrow('batchUpdate needs `set`');
    await expect(run(url, { table: 'User', set: 'n = 1' }, { lockTimeout: '2 seconds; DROP TABLE x' })).rejects.toThrow('lockTimeout must look like');
    expect(await query(url, 'SELECT id, n FROM "User" ORDER BY id')).toEqual([
      { id: 1, n: 0 },
      { id: 2, n: 0 },
    ]);
  });

  it('shrinks batches that overrun their time budget, so row locks are never held long, and still updates every row once', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, flag boolean NOT NULL DEFAULT true);
      INSERT INTO t (id) SELECT g FROM generate_series(1, 1200) g; ANALYZE t;`);
    // Each row costs ~1 ms (pg_sleep returns void, whose text is ''): a 400-row batch takes ~400 ms.
    const slowSet = 'n = n + 1 + length(pg_sleep(0.001)::text)';

    const adaptive = await run(url, { table: 't', set: slowSet, batchSize: 400, maxBatchMs: 80 });

    expect(await counts(url)).toEqual({ 'flagged:n=1': 1200 });
    // A fixed size would take 3 batches; after the first the sizer cuts to ~80 rows.
    expect(adaptive.rows).toBe(1200);
    expect(adaptive.batches).toBeGreaterThanOrEqual(8);
    expect(await checkpoint(url)).toMatchObject({ rows_done: '1200', finished: true });
  });

  it('reports progress at most once per interval, with rate and ETA, and honours the throttle', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, flag boolean NOT NULL DEFAULT true);
      INSERT INTO t (id) SELECT g FROM generate_series(1, 1000) g; ANALYZE t;`);
    const log = collectingLogger();
    const started = performance.now();
    await run(url, { table: 't', set: 'n = n + 1', batchSize: 100, throttleMs: 60 }, { logger: log, progressIntervalMs: 250 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(9 * 60); // nine pauses between ten batches
    const lines = log.infos.filter((l) => l.includes('ETA'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250));
    expect(lines[0]).toMatch(/^"t": [\d,]+ of ~1,000 rows \(\d+%\), [\d,]+ rows\/s, ETA \d+ s$/);
    expect(log.infos.at(-1)).toMatch(/done, 1,000 rows in 10 batches/);
  });

  it('stops when another process moves the same job’s checkpoint', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, flag boolean NOT NULL DEFAULT true);
      INSERT INTO t (id) SELECT g FROM generate_series(1, 1000) g;`);
    const running = run(url, { table: 't', set: 'n = n + 1', batchSize: 100, throttleMs: 300 });
    // While the runner pauses after a batch, "another runner" commits further progress.
    for (let i = 0; i < 100 && !(await checkpoint(url).catch(() => undefined))?.last_key; i++) await new Promise((r) => setTimeout(r, 20));
    await query(url, "UPDATE _forge.batch_checkpoints SET last_key = '900' WHERE job = 'test:job'");
    await expect(running).rejects.toThrow('another process is running the same data migration');
    // Only the batches this run committed before the checkpoint moved were applied.
    const [{ updated }] = await query<{ updated: string }>(url, 'SELECT count(*) AS updated FROM t WHERE n = 1');
    expect(Number(updated)).toBe(Number((await checkpoint(url)).rows_done));
    expect(Number(updated)).toBeGreaterThan(0);
    expect(Number(updated)).toBeLessThan(1000);
  });
});
