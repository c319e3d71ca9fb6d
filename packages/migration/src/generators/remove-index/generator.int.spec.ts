import { diffDatabaseToSchema, introspectDatabase } from '../../engine/operations';
import type { SchemaFile } from '../../engine/schema-engine';
import { migrate } from '../../runtime/migrate';
import { migrateDown } from '../../runtime/migrate-down';
import { withClient } from '../../runtime/pg-client';
import { schemaFingerprint } from '../../runtime/validate/fingerprint';
import { tableChecksums } from '../../runtime/validate/table-checksums';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { proveGeneratedMigrations } from '../../testing/round-trip';
import { seedSampleData } from '../../testing/sample-data';
import { createSampleTree } from '../../testing/sample-tree';
import { addIndexGenerator } from '../add-index/generator';
import { removeIndexGenerator } from './generator';
import { rowCount, rowsFor } from '../../testing/test-size';

const pg = useEmbeddedPostgres();

async function indexNames(url: string, table: string): Promise<string[]> {
  const rows = await query<{ name: string }>(url, `SELECT indexname AS name FROM pg_indexes WHERE tablename = $1 ORDER BY 1`, [table]);
  return rows.map((r) => r.name);
}

const AUDIT_LOGS = rowsFor(20_000, 100_000);

describe('remove-index on a real PostgreSQL', () => {
  it(`adds an index on ${rowCount(AUDIT_LOGS)} audit rows, removes it again, and proves both migrations`, async () => {
    const tree = createSampleTree();
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId,createdAt' });
    await removeIndexGenerator(tree, { targetTable: 'AuditLog', name: 'idx_AuditLog_tenantId_createdAt' });
    // Quiet for now (s7-property): under traffic, the row count below includes rows the application inserts.
    const { report, url } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), {
      traffic: false,
      seed: (u) => seedSampleData(u, { auditLogs: AUDIT_LOGS, orders: 200 }),
    });
    expect(report.migrations.map((m) => [m.verdict, m.problems])).toEqual([
      ['pass', []],
      ['pass', []],
    ]);
    expect(report.drift).toBe('');
    expect(report.ok).toBe(true);
    expect(await indexNames(url, 'AuditLog')).toEqual(['AuditLog_pkey']);
    expect(await query(url, `SELECT count(*)::int AS n FROM "AuditLog"`)).toEqual([{ n: AUDIT_LOGS }]);
  });

  it('removes a baseline index and a unique index; the rollback rebuilds them', async () => {
    const tree = createSampleTree();
    await removeIndexGenerator(tree, { targetTable: 'Order', fields: 'tenantId,createdAt' });
    await removeIndexGenerator(tree, { targetTable: 'User', name: 'User_email_key' });
    const { report, url, target } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u) });
    expect(report.migrations.map((m) => [m.migration.replace(/^\d+_/, ''), m.verdict, m.problems])).toEqual([
      ['remove_index_order_tenant_id_created_at_idx', 'pass', []],
      ['remove_index_user_email_key_constraint', 'pass', []],
      ['remove_index_user_email_key', 'pass', []],
    ]);
    expect(report.ok).toBe(true);
    expect(await indexNames(url, 'Order')).toEqual(['Order_pkey']);
    expect(await indexNames(url, 'User')).toEqual(['User_pkey', 'User_tenantId_idx']);

    // Duplicates written after the unique went away make its rollback fail, loudly, and leave the rows alone.
    await query(url, `UPDATE "User" SET email = 'same@example.com' WHERE id IN (1, 2)`);
    const down = await migrateDown(target, 1);
    expect(down.error?.message).toMatch(/could not create unique index "User_email_key"/);
    expect(await query(url, `SELECT count(*)::int AS n FROM "User" WHERE email = 'same@example.com'`)).toEqual([{ n: 2 }]);
  });

  it('removes a unique that the database holds as a UNIQUE constraint, and the full rollback puts the constraint back', async () => {
    const tree = createSampleTree();
    await removeIndexGenerator(tree, { targetTable: 'Product', fields: 'sku' });
    let original: { fingerprint: string[]; rows: Map<string, unknown>; schema: SchemaFile[] | null } | undefined;
    const { report, url, target } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), {
      seed: async (u) => {
        await seedSampleData(u);
        // What a hand-written migration would have created instead of Prisma's unique index.
        await query(u, `ALTER TABLE "Product" ADD CONSTRAINT "Product_sku_key" UNIQUE USING INDEX "Product_sku_key"`);
        original = await withClient(u, async (c) => ({ fingerprint: await schemaFingerprint(c), rows: await tableChecksums(c), schema: await introspectDatabase({ url: u }) }));
      },
    });
    expect(original!.fingerprint).toContain('constraint Product.Product_sku_key UNIQUE (sku)');
    // Step 1 drops the constraint (and its index with it) and its rollback alone re-creates the constraint.
    expect(report.migrations[0]).toMatchObject({ verdict: 'pass', problems: [] });
    // Known limit of this case (see the recipe): between the two steps there is no index, yet step 2's
    // rollback must rebuild one (it cannot be conditional: CONCURRENTLY cannot run in a DO block).
    // Rolled back alone, step 2 leaves the unique index that step 1's rollback then turns into the constraint.
    expect(report.migrations[1].problems).toEqual([
      expect.stringMatching(/^after down, the schema differs from before:\n-- DropIndex\nDROP INDEX "Product_sku_key";/),
      'after down, the catalog differs from before:\n+ index CREATE UNIQUE INDEX "Product_sku_key" ON public."Product" USING btree (sku)',
    ]);
    expect(await indexNames(url, 'Product')).toEqual(['Product_pkey']);
    expect(await query(url, `SELECT definition FROM "_forge".removed_unique_constraints`)).toEqual([{ definition: 'UNIQUE (sku)' }]);

    // The whole rollback: step 2 rebuilds the index concurrently, step 1 turns it back into the constraint.
    const down = await migrateDown(target, 2);
    expect(down.error).toBeUndefined();
    await withClient(url, async (c) => {
      expect(await schemaFingerprint(c)).toEqual(original!.fingerprint);
      expect(await tableChecksums(c)).toEqual(original!.rows);
    });
    expect(await diffDatabaseToSchema({ url }, original!.schema)).toBe('');
    expect(await query(url, `SELECT count(*)::int AS n FROM "_forge".removed_unique_constraints`)).toEqual([{ n: 0 }]);
    // And up again.
    expect((await migrate(target, {})).error).toBeUndefined();
    expect(await indexNames(url, 'Product')).toEqual(['Product_pkey']);
  });
});
