import migratePruneExecutor from '../../executors/migrate-prune/executor';
import { removeColumnGenerator } from '../../generators/remove-column/generator';
import { removeTableGenerator } from '../../generators/remove-table/generator';
import { withCoupon } from '../../testing/coupon-schema';
import { databaseUrlVariable, query, useEmbeddedPostgres } from '../../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../../testing/disk-workspace';
import { extendSampleBaseline } from '../../testing/extend-baseline';
import { BASELINE } from '../../testing/migrations';
import { seedSampleData } from '../../testing/sample-data';
import { printedBy } from '../../testing/printed';
import { createSampleTree, newMigrationFolders } from '../../testing/sample-tree';
import { migrate } from '../migrate';
import { migrateDown } from '../migrate-down';
import { withClient } from '../pg-client';
import { silentLogger } from '../logger';
import { pruneBackups } from './prune';
import { listBackups } from './registry';

const pg = useEmbeddedPostgres();
const DAY = 24 * 3_600_000;

/** Applies every migration of the workspace on a fresh database, `seed` run right after the baseline. */
async function deployed(ws: DiskWorkspace, seed: (url: string) => Promise<void>): Promise<string> {
  const url = await pg.freshDatabase();
  const baseline = await migrate(ws.target(url), { to: BASELINE });
  if (baseline.error) throw baseline.error;
  await seed(url);
  const result = await migrate(ws.target(url));
  if (result.error) throw result.error;
  return url;
}

const registry = (url: string) =>
  query<{ table_name: string; migration_name: string | null; source: string; age_s: number }>(
    url,
    `SELECT table_name, migration_name, source, extract(epoch FROM now() - created_at)::int AS age_s FROM _forge.backups ORDER BY table_name`,
  );
const backupObjects = (url: string) =>
  query<{ name: string; kind: string }>(
    url,
    `SELECT relname::text AS name, relkind::text AS kind FROM pg_class WHERE relnamespace = to_regnamespace('_forge_backup') AND relkind IN ('r', 'S')
     UNION ALL SELECT typname::text, 'enum' FROM pg_type WHERE typnamespace = to_regnamespace('_forge_backup') AND typtype = 'e' ORDER BY 1`,
  );

describe('backup registry', () => {
  it('migrate registers each backup with the migration that needs it; others are registered when first seen; a rollback that removes one is forgotten', async () => {
    const tree = createSampleTree();
    await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true });
    const [, removal] = newMigrationFolders(tree);
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await deployed(ws, async (u) => {
        await seedSampleData(u, { users: 300, orders: 10, auditLogs: 10 });
        expect(await withClient(u, (db) => listBackups(db))).toEqual([]); // no backup schema yet: nothing, and nothing created
        expect(await query(u, `SELECT to_regnamespace('_forge_backup') AS schema`)).toEqual([{ schema: null }]);
      });
      const [row] = await registry(url);
      const stamp = /_forge_backup"\."User__name__(\d{14})"/.exec(ws.directory().migrations.at(-2)!.sql)![1];
      // step 1 created it; step 2 (the removal, whose rollback restores from it) names it too, so the clock starts there.
      expect(row).toMatchObject({ table_name: `User__name__${stamp}`, migration_name: removal, source: 'migrate' });
      expect(row.age_s).toBeLessThan(60);

      // A table parked by someone else (a deploy by the stock Prisma CLI, a DBA): registered when first seen, as of now.
      await query(url, `CREATE TABLE "_forge_backup"."Legacy__old" (id int); INSERT INTO "_forge_backup"."Legacy__old" SELECT generate_series(1, 10)`);
      const backups = await withClient(url, (db) => listBackups(db));
      expect(backups.map((b) => [b.table, b.migration, b.source, b.rows])).toEqual([
        [`User__name__${stamp}`, removal, 'migrate', 300],
        ['Legacy__old', null, 'first seen', 10],
      ]);
      expect(backups[1].ageMs).toBeLessThan(60_000);

      // Rolling back both steps drops the backup table (step 1's down.sql): the registry forgets it.
      const down = await migrateDown(ws.target(url), 2);
      expect(down.error).toBeUndefined();
      expect((await withClient(url, (db) => listBackups(db))).map((b) => b.table)).toEqual(['Legacy__old']);
      expect((await registry(url)).map((r) => r.table_name)).toEqual(['Legacy__old']);
    } finally {
      ws.remove();
    }
  });
  it("a table parked again after a rollback starts a new clock (its name is the same, the stale row must not make it look old)", async () => {
    const tree = createSampleTree();
    await extendSampleBaseline(tree, withCoupon);
    await removeTableGenerator(tree, { targetTable: 'Coupon', confirmDataLoss: true });
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await deployed(ws, (u) => seedSampleData(u, { users: 20, orders: 10, auditLogs: 10 }));
      await query(url, `UPDATE _forge.backups SET created_at = now() - interval '3 days'`);
      expect((await migrateDown(ws.target(url), 1)).error).toBeUndefined();
      // Nothing read the registry in between: the row of the table that moved back is still there…
      expect((await registry(url)).every((r) => r.age_s > 2 * 86_400)).toBe(true);
      expect((await migrate(ws.target(url))).error).toBeUndefined();
      // …and parking it again re-registers it, now.
      const rows = await registry(url);
      expect(rows.map((r) => r.table_name)).toEqual([expect.stringMatching(/^Coupon__removed__\d{14}$/), expect.stringMatching(/^_CouponToTag__removed__\d{14}$/)]);
      expect(rows.every((r) => r.age_s < 60)).toBe(true);
    } finally {
      ws.remove();
    }
  });
});

describe('migrate-prune', () => {
  it('drops backups older than the retention with the enum and sequence parked with them, never younger ones; --dryRun changes nothing; the last rollback needs --force', async () => {
    const tree = createSampleTree();
    await extendSampleBaseline(tree, withCoupon);
    await removeTableGenerator(tree, { targetTable: 'Coupon', confirmDataLoss: true });
    await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true });
    const [removeTable, , removeColumn] = newMigrationFolders(tree);
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await deployed(ws, async (u) => {
        await seedSampleData(u, { users: 200, orders: 10, auditLogs: 10 });
        await query(
          u,
          `INSERT INTO "Coupon"(code, kind, kinds, "tenantId") SELECT 'C' || g, 'fixed', ARRAY['percent']::"CouponKind"[], 1 FROM generate_series(1, 50) g;
           INSERT INTO "Tag"(label) VALUES ('a'); INSERT INTO "_CouponToTag"("A", "B") SELECT g, 1 FROM generate_series(1, 50) g; ANALYZE`,
        );
      });
      const stamp = /__removed__(\d{14})/.exec(ws.directory().migrations.find((m) => m.name === removeTable)!.sql)![1];
      const coupon = `Coupon__removed__${stamp}`;
      const join = `_CouponToTag__removed__${stamp}`;
      const userName = (await registry(url)).find((r) => r.table_name.startsWith('User__name__'))!.table_name;
      const listed = await withClient(url, (db) => listBackups(db));
      expect(listed.find((b) => b.table === coupon)).toMatchObject({
        migration: removeTable,
        rows: 50,
        enums: [`CouponKind__removed__${stamp}`],
        sequences: [`Coupon_id_seq__${stamp}`],
        linkedTo: [join],
      });

      // Remove-table ran three days ago (registry and _prisma_migrations agree); remove-column just now.
      await query(url, `UPDATE _forge.backups SET created_at = now() - interval '3 days' WHERE migration_name = $1`, [removeTable]);
      await query(url, `UPDATE _prisma_migrations SET started_at = now() - interval '3 days', finished_at = now() - interval '3 days' WHERE migration_name = $1`, [removeTable]);
      const before = await backupObjects(url);

      const dry = await pruneBackups(url, ws.directory(), silentLogger, { retentionMs: DAY, dryRun: true });
      expect(dry.decisions.map((d) => [d.backup.table, d.action])).toEqual([
        [coupon, 'drop'],
        [join, 'drop'],
        [userName, 'keep'],
      ]);
      expect(dry.decisions[0].reason).toMatch(/older than the retention \(3 d\); afterwards migrate-down cannot roll back .*remove_table/);
      expect(dry.decisions[2].reason).toMatch(/^younger than the retention \(registered 0 min ago; (23 h 59 min|1 d) left\)$/);
      expect(await backupObjects(url)).toEqual(before);
      expect((await registry(url)).length).toBe(3);
      const json = await printedBy(() => migratePruneExecutor({ ...databaseUrlVariable(url), dryRun: true, format: 'json' }, ws.executorContext()));
      expect(json.result).toEqual({ success: true });
      expect(JSON.parse(json.logged)).toMatchObject({
        dryRun: true,
        retentionMs: DAY,
        backups: [
          { table: `_forge_backup.${coupon}`, action: 'drop', neededBy: [removeTable], enums: [`CouponKind__removed__${stamp}`] },
          { table: `_forge_backup.${join}`, action: 'drop' },
          { table: `_forge_backup.${userName}`, action: 'keep' },
        ],
        outcomes: [],
      });
      expect(await backupObjects(url)).toEqual(before);

      // Through the executor, as `nx run prisma:migrate-prune --retention 48h` runs it.
      const { result, printed } = await printedBy(() => migratePruneExecutor({ ...databaseUrlVariable(url), retention: '48h' }, ws.executorContext()));
      expect(result).toEqual({ success: true });
      expect(printed).toMatch(new RegExp(`_forge_backup\\.${coupon} .* dropped`));
      expect(printed).toMatch(new RegExp(`enum CouponKind__removed__${stamp}, sequence Coupon_id_seq__${stamp}`));
      expect(printed).toMatch(/Retention 2 d: 2 backup\(s\) dropped, 1 kept/);
      // The tables, the parked enum and sequence are gone; the young backup stays, with its registry row.
      expect(await backupObjects(url)).toEqual([{ name: userName, kind: 'r' }]);
      expect((await registry(url)).map((r) => r.table_name)).toEqual([userName]);

      // Old, but the last applied migration's rollback needs it: kept unless --force.
      await query(url, `UPDATE _forge.backups SET created_at = now() - interval '3 days'`);
      await query(url, `UPDATE _prisma_migrations SET started_at = now() - interval '3 days', finished_at = now() - interval '3 days'`);
      const kept = await pruneBackups(url, ws.directory(), silentLogger, { retentionMs: DAY });
      expect(kept.decisions.map((d) => [d.action, d.reason])).toEqual([['keep', `the rollback of the last applied migration ${removeColumn} needs it (--force drops it)`]]);
      expect(await backupObjects(url)).toEqual([{ name: userName, kind: 'r' }]);

      // A backup first seen now is young, whatever the retention.
      await query(url, `CREATE TABLE "_forge_backup"."Legacy__old" (id int)`);
      const forced = await pruneBackups(url, ws.directory(), silentLogger, { retentionMs: 60_000, force: true });
      expect(forced.decisions.map((d) => [d.backup.table, d.action])).toEqual([
        [userName, 'drop'],
        ['Legacy__old', 'keep'],
      ]);
      expect(await backupObjects(url)).toEqual([{ name: 'Legacy__old', kind: 'r' }]);
      // The consequence the reason warned about: migrate-down of the removal fails, and changes nothing.
      const down = await migrateDown(ws.target(url), 1);
      expect(down.error?.message).toMatch(new RegExp(`${userName}.*does not exist`));
    } finally {
      ws.remove();
    }
  });
});
