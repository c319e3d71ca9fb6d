import { removeColumnGenerator } from '../generators/remove-column/generator';
import { migrate } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree } from '../testing/sample-tree';

const pg = useEmbeddedPostgres();

// What each version's Prisma Client sends: the previous one knows User.email (required, no default), the new one does not.
const previousInsert = (n: number) => `INSERT INTO "User" ("tenantId", email, "updatedAt") VALUES (1, 'old-${n}@example.com', now()) RETURNING id, email`;
const newInsert = `INSERT INTO "User" ("tenantId", "updatedAt") VALUES (1, now()) RETURNING id`;

describe('remove-column across a rolling deploy', () => {
  it('after expand the version without the field inserts, the previous one still reads and writes it; contract drops it; rolling the expand back refuses while rows have no value', async () => {
    const tree = createSampleTree();
    await removeColumnGenerator(tree, { targetTable: 'User', column: 'email', confirmDataLoss: true });
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await pg.freshDatabase();
      expect((await migrate(ws.target(url), { to: BASELINE })).error).toBeUndefined();
      await seedSampleData(url, { users: 40 });
      // Before the expand, the new version cannot insert: this is what expand is for.
      await expect(query(url, newInsert)).rejects.toThrow(/null value in column "email"/);

      const expand = await migrate(ws.target(url), { phase: 'expand' });
      expect(expand.error).toBeUndefined();
      expect(expand.heldBack.map((m) => m.replace(/^\d+_/, ''))).toEqual(['remove_column_user_email']);
      const [fresh] = await query<{ id: number }>(url, newInsert);
      expect(await query(url, previousInsert(1))).toMatchObject([{ email: 'old-1@example.com' }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM "User" WHERE id <= 40 AND email IS NOT NULL`)).toEqual([{ n: 40 }]);

      expect((await migrate(ws.target(url), { phase: 'contract' })).error).toBeUndefined();
      await expect(query(url, previousInsert(2))).rejects.toThrow(/column "email" (of relation "User" )?does not exist/);
      const before = await query(url, `SELECT id FROM "User" ORDER BY id`);

      // The contract's rollback brings email back optional (the state after expand), every value restored.
      expect((await migrateDown(ws.target(url), 1)).error).toBeUndefined();
      expect(await query(url, `SELECT id FROM "User" ORDER BY id`)).toEqual(before);
      expect(await query(url, `SELECT email FROM "User" WHERE email = 'old-1@example.com'`)).toEqual([{ email: 'old-1@example.com' }]);
      expect(await query(url, `SELECT is_nullable AS n FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'email'`)).toEqual([{ n: 'YES' }]);

      // The expand's rollback would make email NOT NULL again: the row the new version inserted has none.
      const refused = await migrateDown(ws.target(url), 1);
      expect(refused.error?.message).toContain('Cannot make "User"."email" NOT NULL again: 1 row(s) have no value, inserted by the application version without the field after the expand.');
      await query(url, `UPDATE "User" SET email = 'fixed@example.com' WHERE id = ${fresh.id}`);
      expect((await migrateDown(ws.target(url), 1)).error).toBeUndefined();
      expect(await query(url, `SELECT is_nullable AS n FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'email'`)).toEqual([{ n: 'NO' }]);
      await expect(query(url, newInsert)).rejects.toThrow(/null value in column "email"/);
    } finally {
      ws.remove();
    }
  });
});
