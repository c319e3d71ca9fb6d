import type { Tree } from '@nx/devkit';
import { modifyColumnGenerator } from '../generators/modify-column/generator';
import { removeColumnGenerator } from '../generators/remove-column/generator';
import { migrate, type MigrateResult } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import { concurrentWriter, untilSomeoneWaitsForALock } from '../testing/concurrent-writer';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree, newMigrationFolders } from '../testing/sample-tree';

/**
 * The recipes under a second session that writes while they run: each race the quiet test suite
 * cannot see is staged here exactly (the writer commits where the race puts it), and what the
 * application committed must survive — converted, backed up, or refused with an error, never NULL.
 */

const pg = useEmbeddedPostgres();

let template: string;
beforeAll(async () => {
  template = await pg.freshDatabase();
  const ws = writeDiskWorkspace(createSampleTree());
  try {
    must(await migrate(ws.target(template), { to: BASELINE }));
  } finally {
    ws.remove();
  }
  await seedSampleData(template, { users: 30, orders: 40, auditLogs: 10 });
}, 120_000);

/** The generated change on a copy of the seeded sample database, nothing of it applied yet. */
async function generated(generate: (tree: Tree) => Promise<unknown>): Promise<{ ws: DiskWorkspace; url: string; names: string[] }> {
  const tree = createSampleTree();
  await generate(tree);
  const ws = writeDiskWorkspace(tree);
  const url = await pg.freshDatabase(template);
  must(await migrate(ws.target(url), { to: BASELINE }));
  return { ws, url, names: newMigrationFolders(tree) };
}

function must(result: MigrateResult): MigrateResult {
  if (result.error) throw result.error;
  return result;
}

describe('modify-column String → Int under a concurrent writer', () => {
  it('a value that does not convert, committed after the checks and before the swap takes its lock, is refused: never NULL', async () => {
    const { ws, url, names } = await generated((tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', type: 'Int' }));
    try {
      await query(url, `UPDATE "Order" SET note = (id * 7)::text WHERE note IS NOT NULL`);
      must(await migrate(ws.target(url), { to: names[0] }));
      // The application writes 'n/a' in a transaction that commits while the swap waits for its lock
      // (the swap's own check has run by then).
      const writer = await concurrentWriter(url);
      let refused: string | undefined;
      let swap: Promise<MigrateResult> | undefined;
      try {
        await writer.write(`UPDATE "Order" SET note = 'n/a' WHERE id = 5`).catch((e: Error) => void (refused = e.message));
        if (!refused) {
          swap = migrate(ws.target(url));
          await untilSomeoneWaitsForALock(url);
          await writer.commit();
        }
      } finally {
        await writer.close();
      }
      const swapped = await (swap ?? migrate(ws.target(url)));
      const [row] = await query<{ note: unknown }>(url, `SELECT note FROM "Order" WHERE id = 5`);
      // Either the write was refused (the row keeps its converted value), or the swap stopped and
      // 'n/a' is still there to correct: the committed write never becomes NULL.
      expect({ refused, swapError: swapped.error?.message, note: row.note }).toEqual({
        refused: expect.stringMatching(/Order\.note is being converted to INTEGER, and 'n\/a' does not convert\. The write was refused\./),
        swapError: undefined,
        note: 35,
      });
    } finally {
      ws.remove();
    }
  });
});

describe('remove-column under a concurrent writer', () => {
  it('a write committed after the backup and before the drop takes its lock is in the backup: the rollback restores it', async () => {
    const { ws, url, names } = await generated((tree) => removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true, batchSize: 10 }));
    try {
      must(await migrate(ws.target(url), { to: names[0] }));
      // The application renames user 7 in a transaction that commits while the removal waits for its lock.
      const writer = await concurrentWriter(url);
      let removal: Promise<MigrateResult>;
      try {
        await writer.write(`UPDATE "User" SET name = 'Renamed late' WHERE id = 7`);
        await writer.write(`INSERT INTO "User" (id, "tenantId", email, name, role, "updatedAt") VALUES (1000, 1, 'late@example.com', 'Inserted late', 'member', now())`);
        removal = migrate(ws.target(url));
        await untilSomeoneWaitsForALock(url);
        await writer.commit();
      } finally {
        await writer.close();
      }
      must(await removal);
      const down = await migrateDown(ws.target(url), 1);
      expect(down.error).toBeUndefined();
      expect(await query(url, `SELECT id, name FROM "User" WHERE id IN (7, 1000) ORDER BY id`)).toEqual([
        { id: 7, name: 'Renamed late' },
        { id: 1000, name: 'Inserted late' },
      ]);
    } finally {
      ws.remove();
    }
  });
});

describe('modify-column optional → required with --backfillValue, the application writing during the fill window', () => {
  it('the rollback makes NULL again exactly what was written NULL (before or during the window) and keeps values written since', async () => {
    const { ws, url, names } = await generated((tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', required: true, backfillValue: 'none' }));
    try {
      // Orders 1–4 have no note, order 5 has one (the seed notes every fifth order).
      expect(await query(url, `SELECT id, note FROM "Order" WHERE id <= 5 ORDER BY id`)).toEqual([
        { id: 1, note: null },
        { id: 2, note: null },
        { id: 3, note: null },
        { id: 4, note: null },
        { id: 5, note: 'gift; wrap it' },
      ]);
      must(await migrate(ws.target(url), { to: names[0] }));
      // The application (a second session) writes while the column is filled but not yet NOT NULL.
      const writer = await concurrentWriter(url);
      try {
        await writer.write(`UPDATE "Order" SET note = 'written after the fill' WHERE id = 1`);
        await writer.write(`UPDATE "Order" SET note = NULL WHERE id = 5`);
        await writer.write(`INSERT INTO "Order" (id, "tenantId", "userId", "totalCents") VALUES (1000, 1, 1, 1)`);
        await writer.write(`INSERT INTO "Order" (id, "tenantId", "userId", "totalCents", note) VALUES (1001, 1, 1, 1, 'none')`);
        await writer.commit();
      } finally {
        await writer.close();
      }
      must(await migrate(ws.target(url)));
      expect(await query(url, `SELECT count(*)::int AS n FROM "Order" WHERE note = 'none'`)).toEqual([{ n: 34 }]);
      const down = await migrateDown(ws.target(url), names.length);
      expect(down.error).toBeUndefined();
      expect(await query(url, `SELECT id, note FROM "Order" WHERE id IN (1, 2, 5, 1000, 1001) ORDER BY id`)).toEqual([
        { id: 1, note: 'written after the fill' },
        { id: 2, note: null },
        { id: 5, note: null },
        { id: 1000, note: null },
        // Written 'none' by the application, not filled: it stays.
        { id: 1001, note: 'none' },
      ]);
    } finally {
      ws.remove();
    }
  });

  it('a value the application commits on a filled row while a batch of the unfill waits for that row is kept (the batch read the records before)', async () => {
    const { ws, url, names } = await generated((tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', required: true, backfillValue: '' }));
    try {
      must(await migrate(ws.target(url)));
      expect(await query(url, `SELECT note FROM "Order" WHERE id = 2`)).toEqual([{ note: '' }]);
      // Down to the fill migration: its data migration's down() unfills in batches.
      expect((await migrateDown(ws.target(url), names.length - 1)).error).toBeUndefined();
      // The application writes the fill value itself on order 2 (filled, so recorded), and commits
      // only once the unfill's batch, which read the records before, waits for the row.
      const writer = await concurrentWriter(url);
      let down: ReturnType<typeof migrateDown> | undefined;
      try {
        await writer.write(`UPDATE "Order" SET note = '' WHERE id = 2`);
        down = migrateDown(ws.target(url), 1);
        await untilSomeoneWaitsForALock(url);
        await writer.commit();
      } finally {
        await writer.close();
      }
      expect((await down)?.error).toBeUndefined();
      expect(await query(url, `SELECT id, note FROM "Order" WHERE id IN (1, 2, 3) ORDER BY id`)).toEqual([
        { id: 1, note: null },
        { id: 2, note: '' },
        { id: 3, note: null },
      ]);
    } finally {
      ws.remove();
    }
  });
});
