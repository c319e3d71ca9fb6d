import type { Tree } from '@nx/devkit';
import { modifyColumnGenerator } from '../generators/modify-column/generator';
import { removeColumnGenerator } from '../generators/remove-column/generator';
import { removeTableGenerator } from '../generators/remove-table/generator';
import { migrate } from '../runtime/migrate';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree } from '../testing/sample-tree';
import { runTraced, scansUnderAccessExclusive, type ScanUnderLock } from '../testing/scans-under-lock';

/**
 * Up and down, every statement of the changed recipes measured on a seeded database: no statement
 * reads a whole table while its transaction holds ACCESS EXCLUSIVE on it (the application would
 * wait for the scan). Locks from pg_locks, scans from pg_stat_xact_user_tables, statement by
 * statement, each script run as migrate / migrate-down run it (down.sql step by step).
 */

const pg = useEmbeddedPostgres();

let template: string;
beforeAll(async () => {
  template = await pg.freshDatabase();
  const ws = writeDiskWorkspace(createSampleTree());
  try {
    const result = await migrate(ws.target(template), { to: BASELINE });
    if (result.error) throw result.error;
  } finally {
    ws.remove();
  }
  await seedSampleData(template, { users: 30, orders: 40, auditLogs: 10 });
  await query(template, `UPDATE "Order" SET note = (id * 7)::text WHERE note IS NOT NULL`);
}, 120_000);

const CHANGES: [string, (tree: Tree) => Promise<unknown>][] = [
  ['modify-column String → Int (expand/contract, swap)', (tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', type: 'Int' })],
  ['modify-column VarChar(32) → VarChar(64) (catalog only; the rollback narrows back through a column of the old type)', (tree) => modifyColumnGenerator(tree, { targetTable: 'Product', column: 'sku', dbType: 'VarChar(64)' })],
  ['modify-column --optional (the rollback: NOT NULL back through a validated check)', (tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', optional: true })],
  ['modify-column optional → required with --backfillValue', (tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', required: true, backfillValue: '0' })],
  ['remove-column of required, unique and defaulted columns', (tree) => removeColumnGenerator(tree, { targetTable: 'User', columns: 'email,role', confirmDataLoss: true })],
  // The rollback moves AuditLog back (ACCESS EXCLUSIVE on it) and restores its keys to User and Tenant: their orphan checks read AuditLog.
  ['remove-table with foreign keys to tables that stay', (tree) => removeTableGenerator(tree, { targetTable: 'AuditLog', confirmDataLoss: true })],
];

describe('no scan under ACCESS EXCLUSIVE, up and down', () => {
  it.each(CHANGES)('%s', async (_, generate) => {
    const tree = createSampleTree();
    await generate(tree);
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await pg.freshDatabase(template);
      const target = ws.target(url);
      const generated = target.directory.migrations.filter((m) => m.name !== BASELINE);
      const found: (ScanUnderLock & { script: string })[] = [];
      let scanned = 0;
      for (const m of generated) {
        const traced = await runTraced(url, m.sql, undefined, { commit: false });
        scanned += traced.filter((t) => t.scanned.length).length;
        found.push(...scansUnderAccessExclusive(traced).map((f) => ({ script: `${m.name}/migration.sql`, ...f })));
        const applied = await migrate(ws.target(url), { to: m.name });
        if (applied.error) throw applied.error;
      }
      for (const m of [...generated].reverse()) {
        const data = async () => {
          if (target.dataMigrations.has(m.name) && (await target.dataMigrations.state(m.name)) !== undefined) await target.dataMigrations.down(m.name);
        };
        const traced = await runTraced(url, m.downSql!, data);
        scanned += traced.filter((t) => t.scanned.length).length;
        found.push(...scansUnderAccessExclusive(traced).map((f) => ({ script: `${m.name}/down.sql`, ...f })));
        await query(url, `DELETE FROM _prisma_migrations WHERE migration_name = $1`, [m.name]);
      }
      // The measurement sees scans at all (the recipes do read their tables, outside the lock).
      expect(scanned).toBeGreaterThan(0);
      expect(found).toEqual([]);
    } finally {
      ws.remove();
    }
  });
});
