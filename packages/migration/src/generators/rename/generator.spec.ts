import type { Tree } from '@nx/devkit';
import { SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, splitSampleSchema } from '../../testing/sample-tree';
import { modelBlock, readScript, scriptLines } from '../../testing/generated-sql';
import { printedBy } from '../../testing/printed';
import { expectRefusedUntouched } from '../../testing/refusal';
import { renameGenerator } from './generator';

describe('rename generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('renames a plain field in two phases: expand (new column kept in step by a trigger, copied in batches), contract (old column dropped)', async () => {
    const { printed: output } = await printedBy(() => renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName' }));
    expect(modelBlock(tree, 'User')).toMatch(/\n  displayName String\?\n/);
    expect(modelBlock(tree, 'User')).not.toMatch(/\bname\b/);
    const [expand, contract, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(expand).toMatch(/^\d{14}_rename_user_name_to_display_name_expand$/);
    expect(contract).toMatch(/^\d{14}_rename_user_name_to_display_name$/);
    expect(readScript(tree, expand).split('\n')[0]).toBe('-- forge:phase expand');
    expect(readScript(tree, contract).split('\n')[0]).toBe('-- forge:phase contract');
    const stamp = expand.slice(0, 14);
    const fn = `"_forge"."User__name__displayName__${stamp}__sync"`;
    expect(scriptLines(tree, expand, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'CREATE SCHEMA IF NOT EXISTS "_forge";',
      'ALTER TABLE "User" ADD COLUMN "displayName" TEXT;',
      `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
      'BEGIN',
      "  IF TG_OP = 'INSERT' THEN",
      '    IF NEW."displayName" IS NULL THEN NEW."displayName" := NEW."name"; ELSE NEW."name" := NEW."displayName"; END IF;',
      '  ELSIF NEW."displayName" IS DISTINCT FROM OLD."displayName" THEN',
      '    NEW."name" := NEW."displayName";',
      '  ELSIF NEW."name" IS DISTINCT FROM OLD."name" THEN',
      '    NEW."displayName" := NEW."name";',
      '  END IF;',
      '  RETURN NEW;',
      'END $forge$;',
      `CREATE TRIGGER "name__displayName__forge_sync" BEFORE INSERT OR UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    ]);
    expect(scriptLines(tree, expand, 'down.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'DROP TRIGGER IF EXISTS "name__displayName__forge_sync" ON "User";',
      `DROP FUNCTION IF EXISTS ${fn}();`,
      'ALTER TABLE "User" DROP COLUMN "displayName";',
    ]);
    expect(scriptLines(tree, contract, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'DROP TRIGGER IF EXISTS "name__displayName__forge_sync" ON "User";',
      `DROP FUNCTION IF EXISTS ${fn}();`,
      'ALTER TABLE "User" DROP COLUMN "name";',
    ]);
    // The contract's rollback re-creates the old column, then its data migration copies the values back.
    expect(readScript(tree, contract, 'down.sql')).toMatch(/-- forge:step 1 of 1: .*\n.*\n.*\nALTER TABLE "User" ADD COLUMN "name" TEXT;[\s\S]*-- forge:data-step copy displayName into name/);
    const data = tree.read(`packages/prisma/src/migrations/rename_user_name_to_display_name_expand.ts`, 'utf-8')!;
    expect(data).toContain(`await ctx.batchUpdate({ table: "User", key: "id", set: "\\"displayName\\" = \\"name\\"", where: "\\"displayName\\" IS DISTINCT FROM \\"name\\""`);
    expect(output).toContain('Deploy: `migrate --phase expand`, roll out the application with the new name, then `migrate --phase contract`.');
  });

  it('a required field with a default: NOT NULL and the default move to the new column at contract', async () => {
    await renameGenerator(tree, { targetTable: 'Order', field: 'status', to: 'state' });
    const [expand, contract] = newMigrationFolders(tree);
    expect(scriptLines(tree, expand, 'migration.sql')).toContain('ALTER TABLE "Order" ADD COLUMN "state" TEXT;');
    expect(scriptLines(tree, expand, 'migration.sql')).toContain('ALTER TABLE "Order" ADD CONSTRAINT "Order_state_not_null" CHECK ("state" IS NOT NULL) NOT VALID;');
    expect(scriptLines(tree, contract, 'migration.sql').slice(1, 5)).toEqual([
      'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_state_not_null";',
      'ALTER TABLE "Order" ALTER COLUMN "state" SET NOT NULL;',
      'ALTER TABLE "Order" DROP CONSTRAINT "Order_state_not_null";',
      `ALTER TABLE "Order" ALTER COLUMN "state" SET DEFAULT 'pending';`,
    ]);
  });

  it('--inPlace keeps the single RENAME COLUMN migration, marked contract', async () => {
    await renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName', inPlace: true });
    const [folder, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(readScript(tree, folder).split('\n')[0]).toBe('-- forge:phase contract');
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "User" RENAME COLUMN "name" TO "displayName";',
    ]);
    expect(scriptLines(tree, folder, 'down.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "User" RENAME COLUMN "displayName" TO "name";',
    ]);
  });

  it('renames a model with its primary key, unique index and sequence; relation fields follow', async () => {
    const { printed: output } = await printedBy(() => renameGenerator(tree, { targetTable: 'Product', to: 'Item' }));
    expect(output).toContain('model Product → Item\nBEFORE\n  model Product {');
    expect(output).toContain('AFTER\n  model Item {');
    expect(output).toContain('Relation fields now typed Item: OrderItem.product.');
    expect(modelBlock(tree, 'Product')).toBe('');
    expect(modelBlock(tree, 'Item')).toMatch(/^model Item \{\n  id +Int +@id @default\(autoincrement\(\)\)\n  sku +String +@unique @db.VarChar\(32\)/);
    expect(modelBlock(tree, 'Item')).not.toContain('@@map');
    expect(modelBlock(tree, 'OrderItem')).toMatch(/\n  product +Item +@relation\(fields: \[productId\], references: \[id\]\)\n/);
    const [folder, contract] = newMigrationFolders(tree);
    expect(folder).toMatch(/^\d{14}_rename_product_to_item_expand$/);
    expect(contract).toMatch(/^\d{14}_rename_product_to_item$/);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "Product" RENAME TO "Item";',
      'ALTER TABLE "Item" RENAME CONSTRAINT "Product_pkey" TO "Item_pkey";',
      'ALTER INDEX "Product_sku_key" RENAME TO "Item_sku_key";',
      'ALTER SEQUENCE IF EXISTS "Product_id_seq" RENAME TO "Item_id_seq";',
      // The previous application version reads and writes through it until contract.
      'CREATE VIEW "Product" AS SELECT * FROM "Item";',
    ]);
    expect(scriptLines(tree, contract, 'migration.sql')).toEqual(["SET LOCAL lock_timeout = '5s';", 'DROP VIEW IF EXISTS "Product";']);
    expect(scriptLines(tree, contract, 'down.sql')).toEqual(["SET LOCAL lock_timeout = '5s';", 'CREATE VIEW "Product" AS SELECT * FROM "Item";']);
    expect(scriptLines(tree, folder, 'down.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'DROP VIEW IF EXISTS "Product";',
      'ALTER SEQUENCE IF EXISTS "Item_id_seq" RENAME TO "Product_id_seq";',
      'ALTER INDEX "Item_sku_key" RENAME TO "Product_sku_key";',
      'ALTER TABLE "Item" RENAME CONSTRAINT "Item_pkey" TO "Product_pkey";',
      'ALTER TABLE "Item" RENAME TO "Product";',
    ]);
  });

  it('renames a model that holds foreign keys and indexes (OrderItem → LineItem)', async () => {
    await renameGenerator(tree, { targetTable: 'OrderItem', to: 'LineItem' });
    expect(modelBlock(tree, 'Order')).toMatch(/\n  items +LineItem\[\]\n/);
    expect(modelBlock(tree, 'Product')).toMatch(/\n  items +LineItem\[\]\n/);
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "OrderItem" RENAME TO "LineItem";',
      'ALTER TABLE "LineItem" RENAME CONSTRAINT "OrderItem_pkey" TO "LineItem_pkey";',
      'ALTER INDEX "OrderItem_orderId_idx" RENAME TO "LineItem_orderId_idx";',
      'ALTER TABLE "LineItem" RENAME CONSTRAINT "OrderItem_orderId_fkey" TO "LineItem_orderId_fkey";',
      'ALTER TABLE "LineItem" RENAME CONSTRAINT "OrderItem_productId_fkey" TO "LineItem_productId_fkey";',
      'ALTER SEQUENCE IF EXISTS "OrderItem_id_seq" RENAME TO "LineItem_id_seq";',
      'CREATE VIEW "OrderItem" AS SELECT * FROM "LineItem";',
    ]);
  });

  it('renames a foreign-key column: its index, its foreign key and the relation follow', async () => {
    await renameGenerator(tree, { targetTable: 'Order', field: 'tenantId', to: 'accountId' });
    expect(modelBlock(tree, 'Order')).toMatch(/tenant +Tenant +@relation\(fields: \[accountId\], references: \[id\]\)/);
    expect(modelBlock(tree, 'Order')).toContain('@@index([accountId, createdAt])');
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "Order" RENAME COLUMN "tenantId" TO "accountId";',
      'ALTER INDEX "Order_tenantId_createdAt_idx" RENAME TO "Order_accountId_createdAt_idx";',
      'ALTER TABLE "Order" RENAME CONSTRAINT "Order_tenantId_fkey" TO "Order_accountId_fkey";',
    ]);
    // Its index and key would need copies on a new column: not split, one contract migration that says why.
    expect(readScript(tree, folder).split('\n')[0]).toBe('-- forge:phase contract');
    expect(tree.read(`packages/prisma/prisma/migrations/${folder}/report.md`, 'utf-8')).toContain('rename with --mapOnly');
  });

  it('renames a referenced key column: references in other models follow, the sequence too', async () => {
    const { printed: output } = await printedBy(() => renameGenerator(tree, { targetTable: 'Product', field: 'id', to: 'productId' }));
    expect(output).toContain('Relations now reference Product.productId: OrderItem.product.');
    expect(modelBlock(tree, 'OrderItem')).toMatch(/product +Product +@relation\(fields: \[productId\], references: \[productId\]\)/);
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "Product" RENAME COLUMN "id" TO "productId";',
      'ALTER SEQUENCE IF EXISTS "Product_id_seq" RENAME TO "Product_productId_seq";',
    ]);
  });

  it('--mapOnly renames in Prisma only: @map keeps the column, no migration folder', async () => {
    const { printed: output } = await printedBy(() => renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName', mapOnly: true }));
    expect(modelBlock(tree, 'User')).toMatch(/\n  displayName String\? +@map\("name"\)\n/);
    expect(newMigrationFolders(tree)).toEqual([]);
    expect(output).toContain('No migration folder: the database does not change. User.name → User.displayName is renamed in Prisma only.');
  });

  it('--mapOnly on a model keeps the table with @@map', async () => {
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item', mapOnly: true });
    expect(modelBlock(tree, 'Item')).toMatch(/\n  @@map\("Product"\)\n\}$/);
    expect(modelBlock(tree, 'OrderItem')).toMatch(/product +Item +@relation/);
    expect(newMigrationFolders(tree)).toEqual([]);
  });

  it('--mapOnly twice keeps the original column; back to the column name drops the @map', async () => {
    await renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName', mapOnly: true });
    await renameGenerator(tree, { targetTable: 'User', field: 'displayName', to: 'label', mapOnly: true });
    expect(modelBlock(tree, 'User')).toMatch(/\n  label +String\? +@map\("name"\)\n/);
    await renameGenerator(tree, { targetTable: 'User', field: 'label', to: 'name', mapOnly: true });
    expect(modelBlock(tree, 'User')).toMatch(/\n  name +String\?\n/);
    expect(newMigrationFolders(tree)).toEqual([]);
  });

  it('--map renames a mapped model to a new table name and keeps @@map', async () => {
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item', mapOnly: true });
    await renameGenerator(tree, { targetTable: 'Item', to: 'Article', map: 'articles' });
    expect(modelBlock(tree, 'Article')).toContain('@@map("articles")');
    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/_rename_item_to_article_expand$/);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "Product" RENAME TO "articles";',
      'ALTER TABLE "articles" RENAME CONSTRAINT "Product_pkey" TO "articles_pkey";',
      'ALTER INDEX "Product_sku_key" RENAME TO "articles_sku_key";',
      'ALTER SEQUENCE IF EXISTS "Product_id_seq" RENAME TO "articles_id_seq";',
      'CREATE VIEW "Product" AS SELECT * FROM "articles";',
    ]);
  });

  it('renames only the column with --map and the same Prisma name', async () => {
    await renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'name', map: 'full_name' });
    expect(modelBlock(tree, 'User')).toMatch(/\n  name +String\? +@map\("full_name"\)\n/);
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toContain('ALTER TABLE "User" ADD COLUMN "full_name" TEXT;');
  });

  it('renames a relation field in the schema only', async () => {
    await renameGenerator(tree, { targetTable: 'OrderItem', field: 'product', to: 'item' });
    expect(modelBlock(tree, 'OrderItem')).toMatch(/\n  item +Product +@relation\(fields: \[productId\], references: \[id\]\)\n/);
    expect(newMigrationFolders(tree)).toEqual([]);
  });

  it('renames a self-related model: its own relation fields and foreign key follow', async () => {
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    tree.write(
      SAMPLE_SCHEMA,
      schema.replace(
        '  items      OrderItem[]\n}',
        '  items      OrderItem[]\n  parentId   Int?\n  parent     Product?    @relation("Variants", fields: [parentId], references: [id])\n  variants   Product[]   @relation("Variants")\n}',
      ),
    );
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item' });
    expect(modelBlock(tree, 'Item')).toMatch(/parent +Item\? +@relation\("Variants", fields: \[parentId\], references: \[id\]\)\n  variants +Item\[\] +@relation\("Variants"\)/);
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toContain('ALTER TABLE "Item" RENAME CONSTRAINT "Product_parentId_fkey" TO "Item_parentId_fkey";');
  });

  it('keeps explicitly named (map:) indexes and foreign keys', async () => {
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    tree.write(
      SAMPLE_SCHEMA,
      schema
        .replace('order      Order   @relation(fields: [orderId], references: [id])', 'order      Order   @relation(fields: [orderId], references: [id], map: "item_order_fk")')
        .replace('  @@index([orderId])', '  @@index([orderId], map: "item_order_ix")'),
    );
    await renameGenerator(tree, { targetTable: 'OrderItem', to: 'LineItem' });
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual([
      "SET LOCAL lock_timeout = '5s';",
      'ALTER TABLE "OrderItem" RENAME TO "LineItem";',
      'ALTER TABLE "LineItem" RENAME CONSTRAINT "OrderItem_pkey" TO "LineItem_pkey";',
      'ALTER TABLE "LineItem" RENAME CONSTRAINT "OrderItem_productId_fkey" TO "LineItem_productId_fkey";',
      'ALTER SEQUENCE IF EXISTS "OrderItem_id_seq" RENAME TO "LineItem_id_seq";',
      'CREATE VIEW "OrderItem" AS SELECT * FROM "LineItem";',
    ]);
  });

  it('shortens derived names over 63 bytes exactly as Prisma does, and says so', async () => {
    const long = 'L' + 'x'.repeat(49);
    const { printed: output } = await printedBy(() => renameGenerator(tree, { targetTable: 'OrderItem', to: long }));
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toContain(`ALTER TABLE "${long}" RENAME CONSTRAINT "OrderItem_productId_fkey" TO "${long}_product_fkey";`);
    expect(output).toContain(`Shortened to PostgreSQL's 63 bytes, exactly as Prisma name them, so Prisma sees no drift: OrderItem_productId_fkey → ${long}_product_fkey`);
  });

  it('works on a multi-file schema: the model and the relations to it are edited where they are', async () => {
    const { main, part } = splitSampleSchema(tree, 'product.prisma', 'model Product {', '/// An order;');
    await renameGenerator(tree, { targetTable: 'Product', to: 'Item' });
    expect(modelBlock(tree, 'Item', part)).toMatch(/^model Item \{/);
    expect(modelBlock(tree, 'OrderItem', main)).toMatch(/product +Item +@relation/);
    expect(newMigrationFolders(tree)).toHaveLength(2);
  });

  describe('implicit many-to-many relations', () => {
    const withTags = (relationName?: string) => {
      const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
      const attribute = relationName ? ` @relation(${JSON.stringify(relationName)})` : '';
      tree.write(
        SAMPLE_SCHEMA,
        schema.replace('  items      OrderItem[]\n}', `  items      OrderItem[]\n  tags       Tag[]${attribute}\n}`) +
          `\nmodel Tag {\n  id       Int       @id @default(autoincrement())\n  products Product[]${attribute}\n}\n`,
      );
    };

    it('refuses a relation named after the models', async () => {
      withTags();
      await expectRefusedUntouched(
        tree,
        () => renameGenerator(tree, { targetTable: 'Product', to: 'Item' }),
        /implicit many-to-many relation with Tag \(field tags\), whose join table "_ProductToTag".*@relation\("ProductToTag"\)/,
      );
      await expectRefusedUntouched(tree, () => renameGenerator(tree, { targetTable: 'Product', to: 'Item', mapOnly: true }), /"_ProductToTag"/);
    });

    it('renames when the relation is named and the A/B order stays', async () => {
      withTags('ProductToTag');
      await renameGenerator(tree, { targetTable: 'Product', to: 'Item' });
      expect(modelBlock(tree, 'Tag')).toMatch(/products +Item\[\] +@relation\("ProductToTag"\)/);
      const [folder] = newMigrationFolders(tree);
      expect(scriptLines(tree, folder, 'migration.sql')[1]).toBe('ALTER TABLE "Product" RENAME TO "Item";');
    });

    it('refuses when the A/B order would flip', async () => {
      withTags('ProductToTag');
      await expectRefusedUntouched(tree, () => renameGenerator(tree, { targetTable: 'Product', to: 'Zebra' }), /alphabetical order against Tag.*"_ProductToTag"/);
    });
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof renameGenerator>[1], RegExp][] = [
      ['unknown model', { targetTable: 'Products', to: 'Item' }, /Unknown model "Products".*Did you mean "Product"/],
      ['unknown field', { targetTable: 'User', field: 'nam', to: 'displayName' }, /User has no field "nam"\. Did you mean "name"\?.*Its fields: id, tenantId/],
      ['missing --to', { targetTable: 'User', field: 'name', to: ' ' }, /Missing --to/],
      ['model name taken', { targetTable: 'Product', to: 'Order' }, /The name Order is already used by model Order/],
      ['field name taken', { targetTable: 'User', field: 'name', to: 'email' }, /User already has a field named email/],
      ['column taken', { targetTable: 'User', field: 'name', to: 'fullName', map: 'email' }, /User\.email already uses the column "email"\. Choose another --map/],
      ['table taken', { targetTable: 'Product', to: 'Item', map: 'Order' }, /The table "Order" already exists \(model Order\)/],
      ["Prisma's table", { targetTable: 'Product', to: 'Item', map: '_prisma_migrations' }, /"_prisma_migrations" is taken \(Prisma's migration history\)/],
      ['same model name', { targetTable: 'Product', to: 'Product' }, /Model Product is already named Product: nothing to rename/],
      ['same field name', { targetTable: 'User', field: 'name', to: 'name' }, /User\.name is already named name: nothing to rename/],
      ['invalid field name', { targetTable: 'User', field: 'name', to: 'display-name' }, /Invalid field name "display-name"/],
      ['invalid model name', { targetTable: 'Product', to: '1Item' }, /Invalid model name "1Item"/],
      ['over-long name', { targetTable: 'User', field: 'name', to: 'n'.repeat(64) }, /64 bytes long; PostgreSQL truncates/],
      ['invalid --map', { targetTable: 'User', field: 'name', to: 'displayName', map: 'display name' }, /Invalid database name \(--map\) "display name"/],
      ['--map and --mapOnly', { targetTable: 'User', field: 'name', to: 'displayName', map: 'x', mapOnly: true }, /either --mapOnly .* or --map/],
      ['--map on a relation field', { targetTable: 'OrderItem', field: 'product', to: 'item', map: 'item' }, /relation field: it has no column/],
      ['derived names colliding', { targetTable: 'OrderItem', to: 'L' + 'x'.repeat(57) }, /foreign key OrderItem_orderId_fkey and the foreign key OrderItem_productId_fkey would both be named Lx+_fkey/],
      ['bad lock timeout', { targetTable: 'User', field: 'name', to: 'displayName', lockTimeout: 'soon' }, /Invalid --lockTimeout "soon"/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => renameGenerator(tree, options), message));

    it('a mapped field without --map or --mapOnly', async () => {
      await renameGenerator(tree, { targetTable: 'User', field: 'name', to: 'displayName', mapOnly: true });
      await expectRefusedUntouched(
        tree,
        () => renameGenerator(tree, { targetTable: 'User', field: 'displayName', to: 'label' }),
        /User\.displayName is mapped to the column "name" \(@map\)\. Say what the database name becomes: --map <new name> renames it, --mapOnly keeps "name"/,
      );
    });

    it('a mapped model without --map or --mapOnly', async () => {
      await renameGenerator(tree, { targetTable: 'Product', to: 'Item', mapOnly: true });
      await expectRefusedUntouched(tree, () => renameGenerator(tree, { targetTable: 'Item', to: 'Article' }), /Model Item is mapped to the table "Product" \(@@map\)/);
    });
  });
});
