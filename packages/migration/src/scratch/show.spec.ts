import { addColumnGenerator } from '../generators/add-column/generator';
import { modifyColumnGenerator } from '../generators/modify-column/generator';
import { renameGenerator } from '../generators/rename/generator';
import { newMigrations } from '../testing/generated-sql';
import { createSampleTree, targetPgVersion } from '../testing/sample-tree';
it('shows', async () => {
  const tree = targetPgVersion(createSampleTree(), 18);
  await addColumnGenerator(tree, { targetTable: 'User', name: 'handle', type: 'String', backfillSql: 'lower("email")' });
  await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', required: true, backfillValue: 'none' } as never);
  await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map: { pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' } } as never);
  await renameGenerator(tree, { targetTable: 'User', field: 'email', to: 'mail' });
  require('fs').writeFileSync('/tmp/s13b-show.json', JSON.stringify(newMigrations(tree), null, 1));
});
