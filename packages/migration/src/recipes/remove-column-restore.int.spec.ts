import { removeColumnGenerator } from '../generators/remove-column/generator';
import { migrate } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree } from '../testing/sample-tree';

/**
 * remove-column's rollback restores every value from the backup in batches. Each batch must cost
 * what its rows cost: a batch that reads the whole backup (a hash join the planner picks for an
 * EXISTS over it) makes the rollback quadratic in the table's size (66 s on 1M rows). Counted with
 * PostgreSQL's own statistics: sequential scans of the backup table while the restore runs.
 */

const pg = useEmbeddedPostgres();

describe("remove-column's restore", () => {
  it('probes the backup by key in every batch, never scanning it whole, and brings every value back', async () => {
    const tree = createSampleTree();
    await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true, batchSize: 400 });
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await pg.freshDatabase();
      expect((await migrate(ws.target(url), { to: BASELINE })).error).toBeUndefined();
      await seedSampleData(url, { users: 6000, orders: 10, auditLogs: 10 });
      const before = await query(url, `SELECT id, name FROM "User" ORDER BY id`);
      expect((await migrate(ws.target(url))).error).toBeUndefined();
      const [{ backup }] = await query<{ backup: string }>(url, `SELECT format('%I.%I', schemaname, relname) AS backup FROM pg_stat_user_tables WHERE relname LIKE 'User__name__%'`);
      await query(url, `ANALYZE ${backup}`);
      const scans = async () => (await query<{ n: number }>(url, `SELECT seq_scan::int AS n FROM pg_stat_user_tables WHERE relid = $1::regclass`, [backup]))[0].n;
      const scansBefore = await scans();

      // The removal only: its down() restores from the backup, which stays (the step before it drops it).
      const down = await migrateDown(ws.target(url), 1);
      expect(down.error).toBeUndefined();
      expect(await query(url, `SELECT id, name FROM "User" ORDER BY id`)).toEqual(before);
      // 4,500 values in batches of at most 400: a scan per batch would be a dozen or more.
      expect((await scans()) - scansBefore).toBeLessThanOrEqual(1);
    } finally {
      ws.remove();
    }
  });
});
