import { addColumnGenerator } from '../generators/add-column/generator';
import { modifyColumnGenerator } from '../generators/modify-column/generator';
import { renameGenerator } from '../generators/rename/generator';
import { newMigrations } from '../testing/generated-sql';
import { createSampleTree, ORDER_STATUS_MAP, targetPgVersion } from '../testing/sample-tree';
import { notNullSteps } from './not-null-steps';

const STATUS_MAP = ORDER_STATUS_MAP;

/** The SQL lines of each new folder, by folder name (timestamps left out). */
async function generated(major: 15 | 18, run: (tree: ReturnType<typeof createSampleTree>) => Promise<void>) {
  const tree = targetPgVersion(createSampleTree(), major);
  await run(tree);
  return Object.fromEntries(newMigrations(tree).map((m) => [m.name, { up: m.up.slice(1), down: m.down.slice(1) }]));
}

describe('NOT NULL steps by target version', () => {
  it('on 18: NOT NULL … NOT VALID, then VALIDATE alone in the next migration; its reverse puts the constraint back unvalidated', async () => {
    const m = await generated(18, (tree) => addColumnGenerator(tree, { targetTable: 'User', name: 'handle', type: 'String', backfillSql: 'lower("email")' }));
    expect(m.add_column_user_handle_check).toEqual({
      up: ['ALTER TABLE "User" ADD CONSTRAINT "User_handle_not_null" NOT NULL "handle" NOT VALID;'],
      down: ['ALTER TABLE "User" DROP CONSTRAINT "User_handle_not_null";'],
    });
    expect(m.add_column_user_handle_not_null.up[0]).toBe('ALTER TABLE "User" VALIDATE CONSTRAINT "User_handle_not_null";');
    expect(m.add_column_user_handle_not_null.down.slice(-2)).toEqual([
      'ALTER TABLE "User" DROP CONSTRAINT "User_handle_not_null";',
      'ALTER TABLE "User" ADD CONSTRAINT "User_handle_not_null" NOT NULL "handle" NOT VALID;',
    ]);
    const all = Object.values(m).flatMap((s) => [...s.up, ...s.down]).join('\n');
    expect(all).not.toMatch(/CHECK \(|SET NOT NULL|DROP NOT NULL/);
  });

  it('below 18: the helper CHECK, VALIDATE + SET NOT NULL + drop the check', async () => {
    const m = await generated(15, (tree) => addColumnGenerator(tree, { targetTable: 'User', name: 'handle', type: 'String', backfillSql: 'lower("email")' }));
    expect(m.add_column_user_handle_check.up).toEqual(['ALTER TABLE "User" ADD CONSTRAINT "User_handle_not_null" CHECK ("handle" IS NOT NULL) NOT VALID;']);
    expect(m.add_column_user_handle_not_null.up.slice(0, 3)).toEqual([
      'ALTER TABLE "User" VALIDATE CONSTRAINT "User_handle_not_null";',
      'ALTER TABLE "User" ALTER COLUMN "handle" SET NOT NULL;',
      'ALTER TABLE "User" DROP CONSTRAINT "User_handle_not_null";',
    ]);
  });

  it('on 18, optional → required guards NULL rows, then NOT NULL … NOT VALID; VALIDATE next', async () => {
    const m = await generated(18, (tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', required: true }));
    expect(m.modify_column_order_note.up.at(-1)).toBe('ALTER TABLE "Order" ADD CONSTRAINT "Order_note_not_null" NOT NULL "note" NOT VALID;');
    expect(m.modify_column_order_note_not_null).toEqual({
      up: ['ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_note_not_null";'],
      down: ['ALTER TABLE "Order" DROP CONSTRAINT "Order_note_not_null";', 'ALTER TABLE "Order" ADD CONSTRAINT "Order_note_not_null" NOT NULL "note" NOT VALID;'],
    });
  });

  it('on 18, the expand/contract swap gives the new column’s constraint the name of the column it replaces, and back', async () => {
    const m = await generated(18, (tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: STATUS_MAP }));
    const { up, down } = m.modify_column_order_status_swap;
    const rename = 'ALTER TABLE "Order" RENAME CONSTRAINT "Order_status__forge_new_not_null" TO "Order_status_not_null";';
    expect(up[up.indexOf('ALTER TABLE "Order" RENAME COLUMN "status__forge_new" TO "status";') + 1]).toBe(rename);
    expect(down[down.indexOf('ALTER TABLE "Order" RENAME COLUMN "status" TO "status__forge_new";') + 1]).toBe(
      'ALTER TABLE "Order" RENAME CONSTRAINT "Order_status_not_null" TO "Order_status__forge_new_not_null";',
    );
    const below = await generated(15, (tree) => modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: STATUS_MAP }));
    expect(Object.values(below).flatMap((s) => [...s.up, ...s.down]).filter((l) => l.includes('RENAME CONSTRAINT'))).toEqual([]);
  });

  it('rename on 18 renames the NOT NULL constraints named after the old table or column; below 18 there are none to rename', async () => {
    const field = await generated(18, (tree) => renameGenerator(tree, { targetTable: 'User', field: 'email', to: 'mail' }));
    expect(field.rename_user_email_to_mail).toEqual({
      up: [
        'ALTER TABLE "User" RENAME COLUMN "email" TO "mail";',
        'ALTER INDEX "User_email_key" RENAME TO "User_mail_key";',
        'ALTER TABLE "User" RENAME CONSTRAINT "User_email_not_null" TO "User_mail_not_null";',
      ],
      down: [
        'ALTER TABLE "User" RENAME CONSTRAINT "User_mail_not_null" TO "User_email_not_null";',
        'ALTER INDEX "User_mail_key" RENAME TO "User_email_key";',
        'ALTER TABLE "User" RENAME COLUMN "mail" TO "email";',
      ],
    });
    const model = await generated(18, (tree) => renameGenerator(tree, { targetTable: 'Product', to: 'Item' }));
    // A table's rename renames it in its expand migration (the contract drops the view under the old name).
    expect(model.rename_product_to_item_expand.up.filter((l) => l.includes('_not_null'))).toEqual(
      ['id', 'sku', 'title', 'priceCents', 'active'].map((c) => `ALTER TABLE "Item" RENAME CONSTRAINT "Product_${c}_not_null" TO "Item_${c}_not_null";`),
    );
    const below = await generated(15, (tree) => renameGenerator(tree, { targetTable: 'User', field: 'email', to: 'mail' }));
    expect(below.rename_user_email_to_mail.up.join('\n')).not.toContain('RENAME CONSTRAINT');
  });

  it('names the constraint as PostgreSQL 18 does, shortening the longer of table and column', () => {
    expect(notNullSteps(18).add('a'.repeat(40), 'b'.repeat(30))).toBe(
      `ALTER TABLE "${'a'.repeat(40)}" ADD CONSTRAINT "${'a'.repeat(27)}_${'b'.repeat(26)}_not_null" NOT NULL "${'b'.repeat(30)}" NOT VALID;`,
    );
  });
});
