import { query, useEmbeddedPostgres } from '../../testing/database';
import { connect } from '../pg-client';
import { runBatchCopy } from './batch-update';

const pgServer = useEmbeddedPostgres();

describe('runBatchCopy', () => {
  async function prepare(): Promise<string> {
    const url = await pgServer.freshDatabase();
    await query(
      url,
      `CREATE TABLE "User" (id int PRIMARY KEY, email text NOT NULL, nick text);
       INSERT INTO "User" SELECT g, 'u' || g || '@example.com', CASE WHEN g % 5 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 3210) g;
       CREATE SCHEMA backup; CREATE TABLE backup.user_nick (id int PRIMARY KEY, nick text);`,
    );
    return url;
  }

  it('copies every row (NULLs included) once, in checkpointed batches, and a re-run refreshes instead of duplicating', async () => {
    const url = await prepare();
    const db = await connect(url);
    try {
      const first = await runBatchCopy(db, { table: 'User', columns: ['nick'], into: 'backup.user_nick', batchSize: 500, maxBatchMs: 0 }, { jobName: 'copy:1' });
      expect(first).toMatchObject({ rows: 3210, batches: 7 });
      await query(url, `UPDATE "User" SET nick = 'changed' WHERE id <= 10`);
      const again = await runBatchCopy(db, { table: 'User', columns: ['nick'], into: 'backup.user_nick', batchSize: 500, maxBatchMs: 0 }, { jobName: 'copy:2' });
      expect(again.rows).toBe(3210);
    } finally {
      await db.end();
    }
    const [same] = await query<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM "User" u JOIN backup.user_nick b USING (id) WHERE b.nick IS NOT DISTINCT FROM u.nick`,
    );
    expect(same.n).toBe(3210);
    expect(await query(url, 'SELECT count(*)::int AS n FROM backup.user_nick')).toEqual([{ n: 3210 }]);
  });

  it('refuses a job without columns or target, and a target without a unique key, before copying anything', async () => {
    const url = await prepare();
    const db = await connect(url);
    try {
      await expect(runBatchCopy(db, { table: 'User', columns: [], into: 'backup.user_nick' }, { jobName: 'x' })).rejects.toThrow(/needs `columns`/);
      await query(url, 'CREATE TABLE backup.no_key (id int, nick text)');
      await expect(runBatchCopy(db, { table: 'User', columns: ['nick'], into: 'backup.no_key' }, { jobName: 'y' })).rejects.toThrow(
        /not valid.*ON CONFLICT/s,
      );
    } finally {
      await db.end();
    }
    expect(await query(url, 'SELECT count(*)::int AS n FROM backup.user_nick')).toEqual([{ n: 0 }]);
  });
});
