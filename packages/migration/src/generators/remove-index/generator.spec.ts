import type { Tree } from '@nx/devkit';
import { SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, splitSampleSchema } from '../../testing/sample-tree';
import { readScript, scriptLines, sqlLines } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { removeIndexGenerator } from './generator';

describe('remove-index generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('removes an @@index by its fields with a CONCURRENTLY migration alone in its folder', async () => {
    await removeIndexGenerator(tree, { targetTable: 'Order', fields: 'tenantId,createdAt' });

    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(schema).not.toContain('@@index([tenantId, createdAt])');
    expect(schema).toContain('/// An order; `status` is free text today (pending, paid, shipped, cancelled).\nmodel Order {');
    const [folder, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(folder).toMatch(/^\d{14}_remove_index_order_tenant_id_created_at_idx$/);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS "Order_tenantId_createdAt_idx";']);
    expect(scriptLines(tree, folder, 'down.sql')).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Order_tenantId_createdAt_idx" ON "Order"("tenantId", "createdAt");',
    ]);
  });

  it('removes an index by its database name and keeps the other attributes of the model', async () => {
    await removeIndexGenerator(tree, { targetTable: 'User', name: 'User_tenantId_idx' });
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(schema).not.toMatch(/@@index\(\[tenantId\]\)/);
    expect(schema).toMatch(/email +String +@unique/);
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS "User_tenantId_idx";']);
  });

  it('removes a field-level @unique in two migrations: constraint step, then the concurrent drop', async () => {
    await removeIndexGenerator(tree, { targetTable: 'User', fields: 'email' });

    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toMatch(/email {5}String\n/);
    const [constraintStep, dropStep, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(constraintStep).toMatch(/^\d{14}_remove_index_user_email_key_constraint$/);
    expect(dropStep).toMatch(/^\d{14}_remove_index_user_email_key$/);
    expect(Number(dropStep.slice(0, 14))).toBeGreaterThan(Number(constraintStep.slice(0, 14)));

    const up1 = sqlLines(readScript(tree, constraintStep, 'migration.sql'));
    expect(up1[0]).toBe("SET LOCAL lock_timeout = '5s';");
    expect(up1).toContain('DO $forge$');
    expect(up1).toContain(`   WHERE k.conrelid = '"User"'::regclass AND k.conname = 'User_email_key' AND k.contype = 'u';`);
    expect(up1).toContain('  ALTER TABLE "User" DROP CONSTRAINT "User_email_key";');
    const down1 = scriptLines(tree, constraintStep, 'down.sql').join('\n');
    expect(down1).toContain(`EXECUTE 'ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key"'`);
    expect(down1).toContain(`EXECUTE 'ALTER TABLE "User" ADD CONSTRAINT "User_email_key" ' || removed.definition;`);
    // migrate-down runs a script mentioning CONCURRENTLY outside a transaction: the constraint step must not.
    expect(down1).not.toMatch(/CONCURRENTLY/i);
    expect(scriptLines(tree, constraintStep, 'migration.sql').join('\n')).not.toMatch(/CONCURRENTLY/i);

    expect(scriptLines(tree, dropStep, 'migration.sql')).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS "User_email_key";']);
    expect(scriptLines(tree, dropStep, 'down.sql')).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User"("email");',
    ]);
  });

  it('removes a named compound @@unique and rebuilds it with its sort order on the way down', async () => {
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    tree.write(
      SAMPLE_SCHEMA,
      schema.replace('  @@index([tenantId, createdAt])', '  @@index([tenantId, createdAt])\n  @@unique([userId, createdAt(sort: Desc)], name: "userMoment", map: "order_user_moment")'),
    );
    await removeIndexGenerator(tree, { targetTable: 'Order', name: 'order_user_moment', migrationName: 'drop user moment' });
    const after = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    expect(after).not.toContain('userMoment');
    expect(after).toContain('@@index([tenantId, createdAt])');
    const [, dropStep] = newMigrationFolders(tree);
    expect(dropStep).toMatch(/^\d{14}_drop_user_moment$/);
    expect(scriptLines(tree, dropStep, 'down.sql')).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "order_user_moment" ON "Order"("userId", "createdAt" DESC);',
    ]);
  });

  it('works on a multi-file schema: edits the file that holds the model', async () => {
    const { main, part, mainContent } = splitSampleSchema(tree, 'order-item.prisma', 'model OrderItem {');
    await removeIndexGenerator(tree, { targetTable: 'OrderItem', fields: 'orderId' });
    expect(tree.read(part, 'utf-8')).not.toContain('@@index');
    expect(tree.read(main, 'utf-8')).toBe(mainContent);
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder, 'migration.sql')).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS "OrderItem_orderId_idx";']);
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof removeIndexGenerator>[1], RegExp][] = [
      ['unknown model', { targetTable: 'Orders', fields: 'tenantId' }, /Unknown model "Orders".*Did you mean "Order"/],
      ['neither name nor fields', { targetTable: 'Order' }, /--name <index name> or --fields.*Order_pkey \(primary key on id, default name\); Order_tenantId_createdAt_idx \(index on tenantId, createdAt/],
      ['unknown name', { targetTable: 'Order', name: 'Order_tenantId_createdAt_ix' }, /no index named "Order_tenantId_createdAt_ix"\. Did you mean "Order_tenantId_createdAt_idx"\?.*Indexes of Order/],
      ['no index on those fields', { targetTable: 'AuditLog', fields: 'tenantId,createdAt' }, /AuditLog has no index on \(tenantId, createdAt\)\. Indexes of AuditLog: AuditLog_pkey \(primary key on id/],
      ['fields in the wrong order', { targetTable: 'Order', fields: 'createdAt,tenantId' }, /Order has no index on \(createdAt, tenantId\)/],
      ['name and fields disagree', { targetTable: 'Order', name: 'Order_tenantId_createdAt_idx', fields: 'tenantId' }, /is on \(tenantId, createdAt\), not on \(tenantId\)/],
      ['primary key by fields', { targetTable: 'Order', fields: 'id' }, /Order_pkey is the primary key of Order \(id\); remove-index does not drop primary keys/],
      ['primary key by name', { targetTable: 'User', name: 'User_pkey' }, /User_pkey is the primary key of User/],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => removeIndexGenerator(tree, options), message));

    it('a unique that a relation references', async () => {
      const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
      tree.write(SAMPLE_SCHEMA, schema.replace('product    Product @relation(fields: [productId], references: [id])', 'productSku String\n  product    Product @relation(fields: [productSku], references: [sku])'));
      await expectRefusedUntouched(
        tree,
        () => removeIndexGenerator(tree, { targetTable: 'Product', fields: 'sku' }),
        /Product_sku_key cannot be removed: the relation OrderItem.product references Product\(sku\).*remove-relation/,
      );
    });

    it('the unique of a one-to-one relation', async () => {
      const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
      tree.write(
        SAMPLE_SCHEMA,
        schema
          .replace('  auditLogs AuditLog[]\n\n  @@index([tenantId])', '  auditLogs AuditLog[]\n  profile   Profile?\n\n  @@index([tenantId])')
          .concat('\nmodel Profile {\n  id     Int  @id\n  userId Int  @unique\n  user   User @relation(fields: [userId], references: [id])\n}\n'),
      );
      await expectRefusedUntouched(
        tree,
        () => removeIndexGenerator(tree, { targetTable: 'Profile', fields: 'userId' }),
        /Profile_userId_key cannot be removed: it makes Profile.user a one-to-one relation.*change User.profile to a list \(Profile\[\]\)/,
      );
    });
  });
});
