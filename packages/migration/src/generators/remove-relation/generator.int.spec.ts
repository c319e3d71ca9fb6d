import { migrate } from '../../runtime/migrate';
import { migrateDown } from '../../runtime/migrate-down';
import { query, rowChecksums, useEmbeddedPostgres } from '../../testing/database';
import { BASELINE, collectingLogger, projectTarget } from '../../testing/migrations';
import { proveGeneratedMigrations } from '../../testing/round-trip';
import { seedSampleData } from '../../testing/sample-data';
import { SAMPLE_MIGRATIONS, createSampleTree } from '../../testing/sample-tree';
import { treeView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { removeRelationGenerator } from './generator';
import { rowsFor } from '../../testing/test-size';

const pg = useEmbeddedPostgres();

const foreignKey = (url: string) =>
  query<{ validated: boolean }>(url, `SELECT convalidated AS validated FROM pg_constraint WHERE conname = 'OrderItem_orderId_fkey'`);

const ORDERS = rowsFor(10_000, 50_000);

describe('remove-relation on a real PostgreSQL', () => {
  it('drops the foreign key, keeps the column and its values, and rolls back to a validated key', async () => {
    const tree = createSampleTree();
    await removeRelationGenerator(tree, { targetTable: 'OrderItem', field: 'order' });
    let before = new Map<string, string>();
    const { report, url, untouched } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), {
      seed: async (u) => {
        await seedSampleData(u, { orders: ORDERS, auditLogs: 1000 });
        before = await rowChecksums(u, 'OrderItem');
      },
    });
    expect(report.migrations.map((m) => m.verdict)).toEqual(['pass']);
    expect(report.migrations[0].rows).toBeGreaterThanOrEqual(2 * ORDERS);
    expect(report.ok).toBe(true);
    expect(await foreignKey(url)).toEqual([]);
    // Under traffic (FORGE_TRAFFIC=1) the rows the application wrote were checked write by write; the others are as seeded.
    expect(untouched('OrderItem', await rowChecksums(url, 'OrderItem'))).toEqual(untouched('OrderItem', before));
  }, 240_000);

  it('refuses to roll back over orphans written meanwhile, lists them, and changes nothing', async () => {
    const tree = createSampleTree();
    await removeRelationGenerator(tree, { targetTable: 'OrderItem', field: 'order' });
    const directory = readMigrationsDirectory(treeView(tree), SAMPLE_MIGRATIONS);
    const url = await pg.freshDatabase();
    const target = projectTarget(url, directory, { logger: collectingLogger() });
    expect((await migrate(target, { to: BASELINE })).error).toBeUndefined();
    await seedSampleData(url, { orders: 2000, auditLogs: 100 });
    expect((await migrate(target)).error).toBeUndefined();
    // Without the key, nothing stops items of orders that do not exist.
    await query(url, `INSERT INTO "OrderItem"(id, "orderId", "productId", "priceCents") VALUES (90001, 777777, 1, 5), (90002, 888888, 2, 5)`);
    await query(url, `DELETE FROM "Order" WHERE id = 5`);
    const before = await rowChecksums(url, 'OrderItem');

    const result = await migrateDown(target, 1);
    expect(result.rolledBack).toEqual([]);
    expect(result.error?.message).toMatch(
      /Cannot re-add foreign key OrderItem_orderId_fkey: 4 row\(s\) of OrderItem have orderId values not found in Order\.id, for example: id=4 orderId=5; id=2004 orderId=5; id=90001 orderId=777777; id=90002 orderId=888888\. Nothing was changed\..*run migrate-down again/,
    );
    expect(await rowChecksums(url, 'OrderItem')).toEqual(before);
    expect(await foreignKey(url)).toEqual([]);
    expect(await query(url, `SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = $1`, [directory.migrations[1].name])).toEqual([{ n: 1 }]);

    await query(url, `DELETE FROM "OrderItem" WHERE "orderId" NOT IN (SELECT id FROM "Order")`);
    expect((await migrateDown(target, 1)).error).toBeUndefined();
    expect(await foreignKey(url)).toEqual([{ validated: true }]);
  });
});
