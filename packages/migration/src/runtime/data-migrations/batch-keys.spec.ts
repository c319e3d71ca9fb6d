import { collectingLogger } from '../../testing/collecting-logger';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { withClient } from '../pg-client';
import { runBatchCopy, runBatchUpdate } from './batch-update';
import type { BatchCopyJob, BatchUpdateJob } from './types';

/**
 * Keyset batches on tables without a single-column primary key: a composite primary key (Prisma's
 * @@id) pages on its row value, a table without one on its unique key of NOT NULL columns (a model
 * with @unique but no @id).
 */
const pgServer = useEmbeddedPostgres();

const update = (url: string, job: BatchUpdateJob, logger = collectingLogger(), jobName = 'test:update') =>
  withClient(url, (db) => runBatchUpdate(db, { maxBatchMs: 0, ...job }, { jobName, logger }));
const copy = (url: string, job: BatchCopyJob, jobName = 'test:copy') => withClient(url, (db) => runBatchCopy(db, { maxBatchMs: 0, ...job }, { jobName }));

async function checkpoint(url: string, job: string) {
  const [row] = await query<{ last_key: string | null; rows_done: string; finished: boolean }>(url, 'SELECT last_key, rows_done, finished FROM _forge.batch_checkpoints WHERE job = $1', [job]);
  return row;
}

/** 40 tenants × 13 slugs: batches of 10 end inside a tenant, so paging on tenantId alone would skip or repeat rows. */
const MEMBERSHIPS = `CREATE TABLE "Membership" ("tenantId" int NOT NULL, slug text NOT NULL, n int NOT NULL DEFAULT 0, note text,
    CONSTRAINT "Membership_pkey" PRIMARY KEY ("tenantId", slug));
  INSERT INTO "Membership" ("tenantId", slug, note) SELECT t, 's' || s, CASE WHEN s % 4 = 0 THEN NULL ELSE t || '/' || s END FROM generate_series(1, 40) t, generate_series(1, 13) s;`;

describe('keyset batches on a composite primary key or a NOT NULL unique key', () => {
  it('@@id: batchUpdate pages on the primary key (a, b) by default, every row once, no index warning', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, MEMBERSHIPS);
    const log = collectingLogger();
    const result = await update(url, { table: 'Membership', set: 'n = n + 1', batchSize: 10 }, log);
    expect(result).toMatchObject({ rows: 520, batches: 52 });
    expect(await query(url, 'SELECT n, count(*)::int AS c FROM "Membership" GROUP BY n')).toEqual([{ n: 1, c: 520 }]);
    expect(log.warns).toEqual([]);
    // The checkpoint holds both columns of the last row, in key order (text sorts s9 after s13).
    expect(await checkpoint(url, 'test:update')).toMatchObject({ last_key: '["40", "s9"]', rows_done: '520', finished: true });
  });

  it('@@id: an interrupted run resumes after the last committed (a, b), without redoing or skipping a row', async () => {
    const url = await pgServer.freshDatabase();
    await query(
      url,
      `${MEMBERSHIPS}
       CREATE TABLE fail_switch (tenant int, slug text);
       INSERT INTO fail_switch VALUES (17, 's5');
       CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM fail_switch WHERE tenant = NEW."tenantId" AND slug = NEW.slug) THEN RAISE EXCEPTION 'boom at %/%', NEW."tenantId", NEW.slug; END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER m_boom BEFORE UPDATE ON "Membership" FOR EACH ROW EXECUTE FUNCTION boom();`,
    );
    const job = { table: 'Membership', set: 'n = n + 1', batchSize: 10 };
    await expect(update(url, job)).rejects.toThrow('boom at 17/s5');
    const stopped = await checkpoint(url, 'test:update');
    expect(stopped.finished).toBe(false);
    const done = Number(stopped.rows_done);
    expect(done % 10).toBe(0);
    expect(await query(url, 'SELECT count(*)::int AS c FROM "Membership" WHERE n = 1')).toEqual([{ c: done }]);

    await query(url, 'DELETE FROM fail_switch');
    const log = collectingLogger();
    const resumed = await update(url, job, log);
    expect(resumed).toMatchObject({ rows: 520 - done, resumedFromKey: stopped.last_key });
    expect(log.infos[0]).toContain(`resuming after ("tenantId", "slug") = ${stopped.last_key} (${done} rows done before)`);
    expect(await query(url, 'SELECT n, count(*)::int AS c FROM "Membership" GROUP BY n')).toEqual([{ n: 1, c: 520 }]);
  });

  it('@@id: batchCopy backs up by the whole key (NULLs included); a re-run refreshes, keepExisting keeps', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `${MEMBERSHIPS}
      CREATE SCHEMA backup; CREATE TABLE backup.membership_note ("tenantId" int, slug text, note text, PRIMARY KEY ("tenantId", slug));`);
    expect(await copy(url, { table: 'Membership', columns: ['note'], into: 'backup.membership_note', batchSize: 25 })).toMatchObject({ rows: 520, batches: 21 });
    await query(url, `UPDATE "Membership" SET note = 'changed' WHERE "tenantId" = 3`);
    await copy(url, { table: 'Membership', columns: ['note'], into: 'backup.membership_note', keepExisting: true, batchSize: 25 }, 'test:keep');
    expect(await query(url, `SELECT count(*)::int AS c FROM backup.membership_note WHERE note = 'changed'`)).toEqual([{ c: 0 }]);
    await copy(url, { table: 'Membership', columns: ['note'], into: 'backup.membership_note', batchSize: 25 }, 'test:refresh');
    const [same] = await query<{ c: number }>(
      url,
      `SELECT count(*)::int AS c FROM "Membership" m JOIN backup.membership_note b USING ("tenantId", slug) WHERE b.note IS NOT DISTINCT FROM m.note`,
    );
    expect(same.c).toBe(520);
    expect(await query(url, 'SELECT count(*)::int AS c FROM backup.membership_note')).toEqual([{ c: 520 }]);
  });

  it('no primary key: pages on the unique key whose columns are NOT NULL, not on a nullable unique column or a non-unique id', async () => {
    const url = await pgServer.freshDatabase();
    await query(
      url,
      `CREATE TABLE "Setting" (id int, nick text UNIQUE, key text NOT NULL, n int NOT NULL DEFAULT 0);
       CREATE UNIQUE INDEX "Setting_key_key" ON "Setting" (key);
       INSERT INTO "Setting" (id, nick, key) SELECT g % 3, CASE WHEN g % 2 = 0 THEN 'n' || g END, 'k' || lpad(g::text, 4, '0') FROM generate_series(1, 1000) g;`,
    );
    const log = collectingLogger();
    expect(await update(url, { table: 'Setting', set: 'n = n + 1', batchSize: 300 }, log)).toMatchObject({ rows: 1000, batches: 4 });
    expect(await checkpoint(url, 'test:update')).toMatchObject({ last_key: 'k1000', finished: true });
    expect(log.warns).toEqual([]);
    expect(await query(url, 'SELECT n, count(*)::int AS c FROM "Setting" GROUP BY n')).toEqual([{ n: 1, c: 1000 }]);
  });

  it('an explicit key of several columns pages on them in the order given', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `${MEMBERSHIPS} CREATE INDEX ON "Membership" (slug, "tenantId");`);
    const log = collectingLogger();
    expect(await update(url, { table: 'Membership', key: ['slug', 'tenantId'], set: 'n = n + 1', batchSize: 100 }, log)).toMatchObject({ rows: 520, batches: 6 });
    expect(await checkpoint(url, 'test:update')).toMatchObject({ last_key: '["s9", "40"]' });
    expect(log.warns).toEqual([]);
  });

  it('refuses a table with no key to page on, naming the fix, before changing anything', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE "Event" (kind text, at timestamptz, n int NOT NULL DEFAULT 0); INSERT INTO "Event" (kind) VALUES ('a'), ('b');
      CREATE TABLE "Pair" (a int, b int, n int NOT NULL DEFAULT 0); INSERT INTO "Pair" VALUES (1, NULL), (NULL, 2);`);
    await expect(update(url, { table: 'Event', set: 'n = 1' })).rejects.toThrow(
      `batchUpdate: table "Event" has no primary key and no unique key on NOT NULL columns to page on. Pass key: '<column>' (an indexed, never-NULL column), or key: ['a', 'b'] for several.`,
    );
    await expect(update(url, { table: 'Pair', key: ['a', 'b'], set: 'n = 1' })).rejects.toThrow(/2 row\(s\) to migrate have a NULL \("a", "b"\)/);
    await expect(update(url, { table: 'Pair', key: ['a', 'c'], set: 'n = 1' })).rejects.toThrow(/table "Pair" has no column "c" to page on/);
    expect(await query(url, 'SELECT sum(n)::int AS s FROM "Event"')).toEqual([{ s: 0 }]);
    expect(await query(url, 'SELECT sum(n)::int AS s FROM "Pair"')).toEqual([{ s: 0 }]);
  });
});
