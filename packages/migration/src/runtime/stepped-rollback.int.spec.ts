import { renderStatus } from '../executors/migrate-status/command';
import { removeColumnGenerator } from '../generators/remove-column/generator';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree, newMigrationFolders } from '../testing/sample-tree';
import { diskView } from '../workspace/file-view';
import { readSchemaFiles } from '../workspace/prisma-project';
import { migrate } from './migrate';
import { migrateDown } from './migrate-down';
import { migrationStatus } from './status';

const pg = useEmbeddedPostgres();

describe('a rollback in steps (down.sql with -- forge:step lines)', () => {
  it('stops at a failing step with the steps before it committed; status says so and names the command; migrate-down continues there', async () => {
    const tree = createSampleTree();
    await removeColumnGenerator(tree, { targetTable: 'User', columns: 'email,role', confirmDataLoss: true, batchSize: 7 });
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await pg.freshDatabase();
      const target = () => ws.target(url);
      expect((await migrate(target(), { to: BASELINE })).error).toBeUndefined();
      await seedSampleData(url, { users: 30, orders: 10, auditLogs: 10 });
      const before = await query(url, `SELECT id, email, role FROM "User" ORDER BY id`);
      expect((await migrate(target())).error).toBeUndefined();
      const [backup] = /CREATE TABLE ("_forge_backup"\."[^"]+")/.exec(ws.directory().migrations.find((m) => m.name === newMigrationFolders(tree)[0])!.sql)!.slice(1);

      // A user inserted after the removal, whose backup row someone wrote without a role: the
      // restore leaves it NULL, and the VALIDATE of role's NOT NULL stops the rollback there.
      // (email comes back optional: expand made it so; its NOT NULL is the expand's rollback.)
      await query(url, `INSERT INTO "User" (id, "tenantId", "updatedAt") VALUES (100, 1, now())`);
      await query(url, `INSERT INTO ${backup} (id, email, role) VALUES (100, NULL, NULL)`);
      const stopped = await migrateDown(target(), 1);
      expect(stopped.error?.message).toMatch(/check constraint "User_role_not_null" of relation "User" is violated by some row/);
      // Steps 1 (the columns back), 2 (the batched restore) and 3 (the check NOT VALID) are committed: every value is back.
      expect(await query(url, `SELECT id, email, role FROM "User" WHERE id <= 30 ORDER BY id`)).toEqual(before);

      const status = await migrationStatus(target(), readSchemaFiles(diskView(ws.root), ws.layout));
      const removal = newMigrationFolders(tree)[1];
      expect(status.interruptedRollbacks).toEqual([{ migration: removal, stepsDone: 3, stepsTotal: 6, updatedAt: expect.any(Date) }]);
      expect(status.rows.find((r) => r.name === removal)?.state).toBe('applied');
      expect(status.unhealthy).toBe(true);
      expect(renderStatus(status)).toContain(`✗ Rolling back ${removal} stopped after step 3 of 6 (last step committed `);
      expect(renderStatus(status)).toMatch(/it is still listed as applied, and migrate refuses until the rollback is finished\.\n {2}→ `migrate-down` finishes the rollback: it continues at step 4/);
      // Half a rollback is no state to migrate from.
      await expect(migrate(target())).rejects.toThrow(/The rollback of \d{14}_remove_column_user_email_role stopped after step 3 of 6\. Nothing was migrated\. Finish it first with migrate-down/);

      await query(url, `UPDATE "User" SET role = 'member' WHERE id = 100`);
      const finished = await migrateDown(target(), 1);
      expect(finished.error).toBeUndefined();
      expect(await query(url, `SELECT attname, attnotnull FROM pg_attribute WHERE attrelid = '"User"'::regclass AND attname IN ('email', 'role') ORDER BY 1`)).toEqual([
        { attname: 'email', attnotnull: false },
        { attname: 'role', attnotnull: true },
      ]);
      expect(await query(url, `SELECT indisvalid FROM pg_index WHERE indexrelid = '"User_email_key"'::regclass`)).toEqual([{ indisvalid: true }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = '"User"'::regclass AND contype = 'c'`)).toEqual([{ n: 0 }]);
      const after = await migrationStatus(target(), readSchemaFiles(diskView(ws.root), ws.layout));
      expect(after.interruptedRollbacks).toEqual([]);
      expect(after.rows.find((r) => r.name === removal)?.state).toBe('pending');
      // And up again, from the finished rollback.
      expect((await migrate(target())).error).toBeUndefined();
    } finally {
      ws.remove();
    }
  });
});
