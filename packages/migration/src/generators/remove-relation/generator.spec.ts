import type { Tree } from '@nx/devkit';
import { SAMPLE_SCHEMA, createSampleTree, newMigrationFolders, splitSampleSchema } from '../../testing/sample-tree';
import { LOCK_TIMEOUT_LINE, modelBlock, readScript, scriptLines } from '../../testing/generated-sql';
import { expectRefusedUntouched } from '../../testing/refusal';
import { addRelationGenerator } from '../add-relation/generator';
import { removeRelationGenerator } from './generator';

describe('remove-relation generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('drops the foreign key behind a lock timeout; the column stays; the rollback checks orphans, re-adds and validates', async () => {
    await removeRelationGenerator(tree, { targetTable: 'Order', field: 'user' });

    expect(modelBlock(tree, 'Order')).not.toMatch(/\buser\b/);
    expect(modelBlock(tree, 'Order')).toContain('  userId     Int\n');
    expect(modelBlock(tree, 'User')).not.toContain('orders');
    expect(modelBlock(tree, 'User')).toContain('auditLogs AuditLog[]');

    const [folder, ...more] = newMigrationFolders(tree);
    expect(more).toEqual([]);
    expect(folder).toMatch(/^\d{14}_remove_relation_order_user$/);
    expect(scriptLines(tree, folder)).toEqual([LOCK_TIMEOUT_LINE, 'ALTER TABLE "Order" DROP CONSTRAINT "Order_userId_fkey";']);
    // Two steps (transactions): the key back NOT VALID, then VALIDATE under SHARE UPDATE EXCLUSIVE only.
    const [setTimeout, orphanCheck, addNotValid, setTimeoutAgain, validate, ...rest] = scriptLines(tree, folder, 'down.sql');
    expect([setTimeout, addNotValid, setTimeoutAgain, validate, rest]).toEqual([
      LOCK_TIMEOUT_LINE,
      'ALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;',
      LOCK_TIMEOUT_LINE,
      'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_userId_fkey";',
      [],
    ]);
    expect(readScript(tree, folder, 'down.sql').match(/^-- forge:step .*/gm)).toEqual([
      '-- forge:step 1 of 2: the key back NOT VALID, after the orphan check (brief lock, no scan; new writes are checked)',
      '-- forge:step 2 of 2: VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)',
    ]);
    expect(orphanCheck).toMatch(/^DO \$forge\$\n/);
    expect(orphanCheck).toContain('NOT EXISTS (SELECT 1 FROM "User" AS parent WHERE parent."id" = child."userId")');
    expect(orphanCheck).toContain("RAISE EXCEPTION 'Cannot re-add foreign key Order_userId_fkey: % row(s) of Order have userId values not found in User.id");
    expect(orphanCheck).toContain('then run migrate-down again.');
    // migrate-down runs a down.sql mentioning CONCURRENTLY outside a transaction: this one must stay atomic.
    expect(readScript(tree, folder, 'down.sql')).not.toMatch(/CONCURRENTLY/i);
  });

  it('accepts the back-relation side and removes both fields', async () => {
    await removeRelationGenerator(tree, { targetTable: 'Product', field: 'items' });
    expect(modelBlock(tree, 'Product')).not.toContain('items');
    expect(modelBlock(tree, 'OrderItem')).not.toContain('product ');
    expect(modelBlock(tree, 'OrderItem')).toContain('productId  Int\n');
    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/_remove_relation_order_item_product$/);
    expect(scriptLines(tree, folder)).toEqual([LOCK_TIMEOUT_LINE, 'ALTER TABLE "OrderItem" DROP CONSTRAINT "OrderItem_productId_fkey";']);
  });

  it('uses the constraint name of `map:` and removes a named relation with its back-relation', async () => {
    tree.write(
      SAMPLE_SCHEMA,
      tree.read(SAMPLE_SCHEMA, 'utf-8')!.replace('order      Order   @relation(fields: [orderId], references: [id])', 'order Order @relation(fields: [orderId], references: [id], map: "item_order_fk")'),
    );
    await removeRelationGenerator(tree, { targetTable: 'OrderItem', field: 'order', migrationName: 'unlink items', lockTimeout: '1s' });
    const [folder] = newMigrationFolders(tree);
    expect(folder).toMatch(/_unlink_items$/);
    expect(scriptLines(tree, folder)).toEqual(["SET LOCAL lock_timeout = '1s';", 'ALTER TABLE "OrderItem" DROP CONSTRAINT "item_order_fk";']);
    expect(scriptLines(tree, folder, 'down.sql')[4]).toBe('ALTER TABLE "OrderItem" VALIDATE CONSTRAINT "item_order_fk";');

    await addRelationGenerator(tree, { targetTable: 'Order', field: 'approver', references: 'User', optional: true });
    expect(modelBlock(tree, 'User')).toContain('approverOrders');
    await removeRelationGenerator(tree, { targetTable: 'Order', field: 'approver' });
    expect(modelBlock(tree, 'User')).not.toContain('approverOrders');
    expect(modelBlock(tree, 'Order')).toContain('approverId ');
    expect(modelBlock(tree, 'Order')).toContain('@@index([approverId], map: "idx_Order_approverId")');
  });

  it('removes a self-relation from its back-relation side', async () => {
    await addRelationGenerator(tree, { targetTable: 'User', field: 'manager', references: 'User', optional: true });
    const added = newMigrationFolders(tree);
    await removeRelationGenerator(tree, { targetTable: 'User', field: 'managerUsers' });
    expect(modelBlock(tree, 'User')).not.toMatch(/managerUsers|manager +User/);
    expect(modelBlock(tree, 'User')).toContain('managerId ');
    const [folder] = newMigrationFolders(tree).filter((f) => !added.includes(f));
    expect(folder).toMatch(/_remove_relation_user_manager$/);
    expect(scriptLines(tree, folder)).toEqual([LOCK_TIMEOUT_LINE, 'ALTER TABLE "User" DROP CONSTRAINT "User_managerId_fkey";']);
  });

  it('works on a multi-file schema: edits both files', async () => {
    const { main, part } = splitSampleSchema(tree, 'audit.prisma', '/// Append-only record');
    await removeRelationGenerator(tree, { targetTable: 'AuditLog', field: 'tenant' });
    expect(modelBlock(tree, 'AuditLog', part)).not.toContain('tenant ');
    expect(modelBlock(tree, 'Tenant', main)).not.toContain('auditLogs');
    const [folder] = newMigrationFolders(tree);
    expect(scriptLines(tree, folder)).toEqual([LOCK_TIMEOUT_LINE, 'ALTER TABLE "AuditLog" DROP CONSTRAINT "AuditLog_tenantId_fkey";']);
  });

  describe('rejects bad input and leaves the tree untouched', () => {
    const cases: [string, Parameters<typeof removeRelationGenerator>[1], RegExp][] = [
      ['unknown model', { targetTable: 'Ordr', field: 'user' }, /Unknown model "Ordr" \(--targetTable\)\. Did you mean "Order"\?/],
      ['unknown field', { targetTable: 'Order', field: 'usr' }, /Model Order has no field "usr"\. Did you mean "user"\? Its relation fields: tenant, user, items\./],
      ['a column, not a relation', { targetTable: 'Order', field: 'userId' }, /Order\.userId is an Int column, not a relation/],
      ['a model without relations', { targetTable: 'Product', field: 'sku' }, /Product\.sku is a String column, not a relation\. Its relation fields: items\./],
    ];
    it.each(cases)('%s', (_label, options, message) => expectRefusedUntouched(tree, () => removeRelationGenerator(tree, options), message));

    it('an implicit many-to-many relation', async () => {
      tree.write(
        SAMPLE_SCHEMA,
        tree.read(SAMPLE_SCHEMA, 'utf-8')!.replace('  items      OrderItem[]\n}', '  items      OrderItem[]\n  tags       Tag[]\n}') + '\nmodel Tag {\n  id       Int       @id\n  products Product[]\n}\n',
      );
      await expectRefusedUntouched(tree, () => removeRelationGenerator(tree, { targetTable: 'Product', field: 'tags' }), /implicit many-to-many relation.*join table/);
    });
  });
});
