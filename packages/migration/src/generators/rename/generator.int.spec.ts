import { query, useEmbeddedPostgres } from '../../testing/database';
import { extendSampleBaseline } from '../../testing/extend-baseline';
import { proveGeneratedMigrations } from '../../testing/round-trip';
import { misnamedNotNullConstraints, notNullConstraintCount } from '../../testing/not-null-names';
import { seedSampleData } from '../../testing/sample-data';
import { SAMPLE_MIGRATIONS, SAMPLE_SCHEMA, createSampleTree, newMigrationFolders } from '../../testing/sample-tree';
import { serialSequenceName } from '../../prisma-schema/rename-derived-names';
import { renameGenerator } from './generator';

const pg = useEmbeddedPostgres();

describe('rename on a real PostgreSQL', () => {
  it('renames models and fields (expand + contract, or in place for a column with derived names): every row kept, Prisma sees no drift either way', async () => {
    const tree = createSampleTree();
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item' });
    await renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName' });
    await renameGenerator(tree, { targetTable: 'Order', field: 'tenantId', to: 'accountId' });
    await renameGenerator(tree, { targetTable: 'OrderItem', to: 'LineItem' });
    // Product and OrderItem: expand (rename + view) and contract; User.name: expand (new column + trigger) and contract;
    // Order.tenantId has an index and a foreign key named after it: one in-place contract migration.
    expect(newMigrationFolders(tree)).toHaveLength(7);

    // Quiet for now (s7-property): under traffic, the counts below include rows the application wrote.
    const { report, url } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { traffic: false, seed: (u) => seedSampleData(u, { orders: 20_000 }) });
    expect(report.migrations.map((m) => [m.migration.replace(/^\d+_/, ''), m.verdict, m.problems])).toEqual([
      ['rename_product_to_item_expand', 'pass', []],
      ['rename_product_to_item', 'pass', []],
      ['rename_user_name_to_display_name_expand', 'pass', []],
      ['rename_user_name_to_display_name', 'pass', []],
      ['rename_order_tenant_id_to_account_id', 'pass', []],
      ['rename_order_item_to_line_item_expand', 'pass', []],
      ['rename_order_item_to_line_item', 'pass', []],
    ]);
    expect(report.migrations[4].rows).toBe(20_000);
    expect(report.drift).toBe('');
    expect(report.ok).toBe(true);

    // The data is where the new names say, and the renamed sequence still numbers new rows.
    expect(await query(url, `SELECT count(*)::int AS n, max(id) AS max FROM "Item"`)).toEqual([{ n: 50, max: 50 }]);
    expect(await query(url, `SELECT "displayName" FROM "User" WHERE id IN (1, 4) ORDER BY id`)).toEqual([{ displayName: 'User 1' }, { displayName: null }]);
    expect(await query(url, `SELECT count(*)::int AS n FROM "LineItem" l JOIN "Item" i ON i.id = l."productId"`)).toEqual([{ n: 40_000 }]);
    expect(await query(url, `SELECT pg_get_serial_sequence('"Item"', 'id') AS seq`)).toEqual([{ seq: 'public."Item_id_seq"' }]);
    // Past the 50 rows (validate's check of the previous application version drew a value too: sequences ignore rollbacks).
    const [{ id }] = await query<{ id: number }>(url, `INSERT INTO "Item"(sku, title, "priceCents") VALUES ('NEW', 'New', 1) RETURNING id`);
    expect(id).toBeGreaterThan(50);
    const names = await query<{ name: string }>(
      url,
      `SELECT conname AS name FROM pg_constraint WHERE conrelid IN ('"Item"'::regclass, '"LineItem"'::regclass, '"Order"'::regclass) AND contype <> 'n'
       UNION SELECT indexname FROM pg_indexes WHERE tablename IN ('Item', 'LineItem', 'Order') ORDER BY 1`,
    );
    expect(names.map((r) => r.name)).toEqual([
      'LineItem_orderId_fkey',
      'LineItem_orderId_idx',
      'LineItem_pkey',
      'LineItem_productId_fkey',
      'Item_pkey',
      'Item_sku_key',
      'Order_accountId_createdAt_idx',
      'Order_accountId_fkey',
      'Order_pkey',
      'Order_userId_fkey',
    ].sort());
    // PostgreSQL 18 names NOT NULL constraints after table and column: renamed along, as a fresh database would name them.
    expect(await misnamedNotNullConstraints(url)).toEqual([]);
    expect(await notNullConstraintCount(url) > 0).toBe(pg.major >= 18);
  }, 400_000);

  it('--mapOnly changes nothing in the database; a later rename of the mapped field renames its column', async () => {
    const tree = createSampleTree();
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item', mapOnly: true });
    await renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName', mapOnly: true });
    expect(newMigrationFolders(tree)).toEqual([]);
    const first = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u) });
    expect(first.report).toMatchObject({ migrations: [], drift: '', ok: true });

    await renameGenerator(tree, { targetTable: 'User', field: 'displayName', to: 'fullName', map: 'full_name' });
    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/\n  fullName +String\? +@map\("full_name"\)\n/);
    const { report, url } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u) });
    expect(report.migrations.map((m) => [m.verdict, m.problems])).toEqual([
      ['pass', []],
      ['pass', []],
    ]);
    expect(report.ok).toBe(true);
    expect(await query(url, `SELECT full_name FROM "User" WHERE id = 1`)).toEqual([{ full_name: 'User 1' }]);
  });

  it('control: a bare RENAME TO leaves exactly the derived renames as drift', async () => {
    const tree = createSampleTree();
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item', inPlace: true });
    const [folder] = newMigrationFolders(tree);
    // Marked contract: unmarked, validate fails it because the previous application version breaks (previous-version.int.spec).
    tree.write(`${SAMPLE_MIGRATIONS}/${folder}/migration.sql`, '-- forge:phase contract\nALTER TABLE "Product" RENAME TO "Item";\n');
    tree.write(`${SAMPLE_MIGRATIONS}/${folder}/down.sql`, 'ALTER TABLE "Item" RENAME TO "Product";\n');
    const { report } = await proveGeneratedMigrations(tree, await pg.freshDatabase());
    expect(report.migrations.map((m) => m.verdict)).toEqual(['pass']);
    expect(report.ok).toBe(false);
    expect(report.drift).toMatch(/ALTER TABLE "Item" RENAME CONSTRAINT "Product_pkey" TO "Item_pkey";[\s\S]*ALTER INDEX "Product_sku_key" RENAME TO "Item_sku_key";/);
  });

  it('names sequences the way PostgreSQL names them, also when the name is too long', async () => {
    const url = await pg.freshDatabase();
    const cases: [string, string][] = [
      ['Item', 'id'],
      ['T'.repeat(60), 'id'],
      ['T'.repeat(40), 'c'.repeat(40)],
      ['short', 'c'.repeat(62)],
    ];
    for (const [table, column] of cases) {
      await query(url, `CREATE TABLE "${table}" ("${column}" SERIAL)`);
      const [{ seq }] = await query<{ seq: string }>(url, `SELECT relname AS seq FROM pg_class WHERE oid = pg_get_serial_sequence($1, $2)::regclass`, [
        `"${table}"`,
        column,
      ]);
      expect(seq).toBe(serialSequenceName(table, column));
    }
  });

  it('renames a model with a named implicit many-to-many relation: the join rows stay linked', async () => {
    const tree = createSampleTree();
    // The baseline gets the relation's tables, from Prisma's own SQL.
    await extendSampleBaseline(
      tree,
      (schema) =>
        schema.replace('  items      OrderItem[]\n}', '  items      OrderItem[]\n  tags       Tag[]       @relation("ProductTags")\n}') +
        '\nmodel Tag {\n  id       Int       @id @default(autoincrement())\n  products Product[] @relation("ProductTags")\n}\n',
    );
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item' });

    const { report, url } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), {
      seed: async (u) => {
        await seedSampleData(u);
        await query(u, `INSERT INTO "Tag" SELECT FROM generate_series(1, 3); INSERT INTO "_ProductTags"("A", "B") SELECT p, t FROM generate_series(1, 50) p, generate_series(1, 3) t`);
      },
    });
    expect(report.migrations.map((m) => [m.verdict, m.problems])).toEqual([
      ['pass', []],
      ['pass', []],
    ]);
    expect(report.ok).toBe(true);
    expect(await query(url, `SELECT count(*)::int AS n FROM "_ProductTags" j JOIN "Item" i ON i.id = j."A"`)).toEqual([{ n: 150 }]);
  });
});
