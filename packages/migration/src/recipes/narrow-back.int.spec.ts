import { modifyColumnGenerator } from '../generators/modify-column/generator';
import { migrate } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree } from '../testing/sample-tree';

/**
 * A catalog-only widening (Product.sku VarChar(32) → VarChar(64)) rolls back without rewriting the
 * table: through a column of the old type filled in batches and swapped in. Values written since
 * that do not fit VarChar(32) stop the rollback and are listed, never truncated; the application
 * cannot write new ones meanwhile; once corrected, migrate-down finishes and the table is as it was.
 */
const pg = useEmbeddedPostgres();

const SHAPE = `
  SELECT (SELECT json_agg(json_build_object('column', attname, 'type', format_type(atttypid, atttypmod), 'notNull', attnotnull, 'default', pg_get_expr(d.adbin, d.adrelid)) ORDER BY attname)
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE a.attrelid = '"Product"'::regclass AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
         (SELECT json_agg(json_build_object('index', i.relname, 'definition', pg_get_indexdef(i.oid), 'valid', x.indisvalid) ORDER BY i.relname)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = '"Product"'::regclass) AS indexes,
         (SELECT count(*)::int FROM pg_trigger WHERE tgrelid = '"Product"'::regclass AND NOT tgisinternal) AS triggers,
         (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '_forge' AND p.proname LIKE 'Product__sku__%') AS functions`;

describe('rollback of a catalog-only widening', () => {
  it('lists and refuses values that no longer fit, truncates nothing, then swaps back to the old type with its unique index', async () => {
    const tree = createSampleTree();
    await modifyColumnGenerator(tree, { targetTable: 'Product', column: 'sku', dbType: 'VarChar(64)' });
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await pg.freshDatabase();
      const target = () => ws.target(url);
      expect((await migrate(target(), { to: BASELINE })).error).toBeUndefined();
      await seedSampleData(url, { products: 500 });
      const shapeBefore = await query(url, SHAPE);
      const rowsBefore = await query(url, `SELECT id, sku FROM "Product" ORDER BY id`);
      expect((await migrate(target())).error).toBeUndefined();

      // Written after the widening: too long, and one whose excess is spaces (PostgreSQL would trim those silently).
      const long = 'L'.repeat(40);
      const spaces = `SKU-7${' '.repeat(30)}`;
      await query(url, `UPDATE "Product" SET sku = $1 WHERE id = 5`, [long]);
      await query(url, `UPDATE "Product" SET sku = $1 WHERE id = 7`, [spaces]);

      const stopped = await migrateDown(target(), 1);
      expect(stopped.error?.message).toContain('2 row(s) of Product hold a sku written since the change that does not fit VARCHAR(32), so the rollback stopped before copying anything (values are never truncated):');
      expect(stopped.error?.message).toContain(`  ${JSON.stringify(long)}: 1 row(s), e.g. id 5`);
      expect(stopped.error?.message).toContain(`  ${JSON.stringify(spaces)}: 1 row(s), e.g. id 7`);
      expect(await query(url, `SELECT id, sku FROM "Product" WHERE id IN (5, 7) ORDER BY id`)).toEqual([
        { id: 5, sku: long },
        { id: 7, sku: spaces },
      ]);
      // Meanwhile the application cannot write a value the old type cannot hold.
      await expect(query(url, `UPDATE "Product" SET sku = $1 WHERE id = 1`, ['W'.repeat(33)])).rejects.toThrow(
        /Product\.sku is being rolled back to VARCHAR\(32\), and 'W{33}' does not fit\. The write was refused\./,
      );
      // It still can write one that fits, and insert rows (the trigger fills the old-type column).
      await query(url, `UPDATE "Product" SET sku = 'SKU-1-new' WHERE id = 1`);
      await query(url, `INSERT INTO "Product" (id, sku, title, "priceCents") VALUES (9001, 'SKU-9001', 'late', 1)`);

      await query(url, `UPDATE "Product" SET sku = 'SKU-5' WHERE id = 5; UPDATE "Product" SET sku = 'SKU-7' WHERE id = 7`);
      const finished = await migrateDown(target(), 1);
      expect(finished.error).toBeUndefined();
      expect(await query(url, SHAPE)).toEqual(shapeBefore);
      const expected = [...rowsBefore.map((r) => (r.id === 1 ? { id: 1, sku: 'SKU-1-new' } : r)), { id: 9001, sku: 'SKU-9001' }];
      expect(await query(url, `SELECT id, sku FROM "Product" ORDER BY id`)).toEqual(expected);
      // The unique index works on the swapped-in column.
      await expect(query(url, `UPDATE "Product" SET sku = 'SKU-2' WHERE id = 3`)).rejects.toThrow(/Product_sku_key/);
    } finally {
      ws.remove();
    }
  }, 180_000);

  it('of required → optional: rows written NULL since are listed and stop the rollback; once given a value, NOT NULL comes back through a validated check', async () => {
    const tree = createSampleTree();
    await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', optional: true });
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await pg.freshDatabase();
      const target = () => ws.target(url);
      expect((await migrate(target(), { to: BASELINE })).error).toBeUndefined();
      await seedSampleData(url, { orders: 300 });
      expect((await migrate(target())).error).toBeUndefined();
      await query(url, `UPDATE "Order" SET status = NULL WHERE id IN (4, 8)`);

      const stopped = await migrateDown(target(), 1);
      expect(stopped.error?.message).toContain('Order.status: 2 row(s) are NULL (id=4, id=8), written since the change, so NOT NULL cannot come back. This step changed nothing.');
      expect(await query(url, `SELECT id, status FROM "Order" WHERE id IN (4, 8) ORDER BY id`)).toEqual([
        { id: 4, status: null },
        { id: 8, status: null },
      ]);
      // From the first step on, the check refuses new NULLs.
      await expect(query(url, `UPDATE "Order" SET status = NULL WHERE id = 1`)).rejects.toThrow(/Order_status_not_null/);

      await query(url, `UPDATE "Order" SET status = 'pending' WHERE id IN (4, 8)`);
      expect((await migrateDown(target(), 1)).error).toBeUndefined();
      expect(await query(url, `SELECT attnotnull FROM pg_attribute WHERE attrelid = '"Order"'::regclass AND attname = 'status'`)).toEqual([{ attnotnull: true }]);
      expect(await query(url, `SELECT conname FROM pg_constraint WHERE conrelid = '"Order"'::regclass AND contype = 'c'`)).toEqual([]);
    } finally {
      ws.remove();
    }
  }, 180_000);
});
