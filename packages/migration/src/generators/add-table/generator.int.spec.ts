import { query, rowChecksums, useEmbeddedPostgres } from '../../testing/database';
import { proveGeneratedMigrations } from '../../testing/round-trip';
import { seedSampleData } from '../../testing/sample-data';
import { createSampleTree } from '../../testing/sample-tree';
import { addRelationGenerator } from '../add-relation/generator';
import { addTableGenerator } from './generator';
import { rowsFor } from '../../testing/test-size';

const pg = useEmbeddedPostgres();

describe('add-table on a real PostgreSQL', () => {
  it('creates a related table, then relates 50,000 orders to it; every migration round-trips', async () => {
    const tree = createSampleTree();
    await addTableGenerator(tree, {
      name: 'Coupon',
      id: 'gen_random_uuid',
      fields: '[{"name":"code","type":"String","unique":true},{"name":"percentOff","type":"Int","default":"10"},{"name":"createdAt","type":"DateTime","default":"now()"}]',
      relations: '[{"field":"tenant","references":"Tenant","onDelete":"Cascade"}]',
      indexes: '[{"fields":["createdAt"]}]',
    });
    await addRelationGenerator(tree, { targetTable: 'Order', field: 'coupon', references: 'Coupon', optional: true });
    let orders = new Map<string, string>();
    // Quiet for now (s7-property): under traffic, the count below includes rows the application wrote.
    const { report, url } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), {
      traffic: false,
      seed: async (u) => {
        await seedSampleData(u, { orders: rowsFor(10_000, 50_000), auditLogs: 1000 });
        orders = await rowChecksums(u, 'Order');
      },
    });
    expect(report.migrations.map((m) => [m.migration.replace(/^\d+_/, ''), m.verdict, m.problems])).toEqual([
      ['add_table_coupon', 'pass', []],
      ['add_relation_order_coupon_not_valid', 'pass', []],
      ['add_relation_order_coupon_index', 'pass', []],
      ['add_relation_order_coupon_validate', 'pass', []],
    ]);
    expect(report.ok).toBe(true);

    // The new table works as the schema says: uuid default, tenant index, foreign keys both ways.
    const indexes = await query<{ name: string }>(url, `SELECT indexname AS name FROM pg_indexes WHERE tablename IN ('Coupon', 'Order') ORDER BY 1`);
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(['Coupon_code_key', 'Coupon_pkey', 'idx_Coupon_createdAt', 'idx_Coupon_tenantId', 'idx_Order_couponId']),
    );
    const [coupon] = await query<{ id: string }>(url, `INSERT INTO "Coupon"(code, "tenantId") VALUES ('WELCOME', 1) RETURNING id`);
    expect(coupon.id).toMatch(/^[0-9a-f-]{36}$/);
    await query(url, `UPDATE "Order" SET "couponId" = $1 WHERE id <= 10`, [coupon.id]);
    await expect(query(url, `UPDATE "Order" SET "couponId" = gen_random_uuid() WHERE id = 11`)).rejects.toThrow(/violates foreign key constraint "Order_couponId_fkey"/);
    await query(url, `DELETE FROM "Coupon" WHERE id = $1`, [coupon.id]);
    expect(await query(url, `SELECT count(*)::int AS n FROM "Order" WHERE "couponId" IS NOT NULL`)).toEqual([{ n: 0 }]);
    // Deleting the coupon set couponId back to NULL: every order is as seeded (the new column aside).
    const after = await rowChecksums(url, 'Order');
    expect(after.size).toBe(orders.size);
    await query(url, `ALTER TABLE "Order" DROP COLUMN "couponId"`);
    expect(await rowChecksums(url, 'Order')).toEqual(orders);
  });
});
