import type { Tree } from '@nx/devkit';
import { removeTable } from '../../prisma-schema/edits/remove-table';
import { requireDataLossConfirmation } from '../../recipes/data-loss';
import { removeTableRecipe } from '../../recipes/remove-table';
import { firstFolderStamp } from '../../rules/migration-folders';
import { planSchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { BACKUP_SCHEMA } from '../../runtime/forge-schema';
import { recipeOptions } from '../shared/options';
import type { RemoveTableGeneratorSchema } from './schema';

/** `nx g @forge/migration:remove-table --targetTable Coupon --confirmDataLoss` */
export async function removeTableGenerator(tree: Tree, options: RemoveTableGeneratorSchema): Promise<void> {
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) => removeTable(document, datamodel, options.targetTable));
  const removed = change.summary;
  const links = removed.manyToMany.length ? ` and every link of its many-to-many relation${removed.manyToMany.length > 1 ? 's' : ''} with ${removed.manyToMany.join(', ')}` : '';
  requireDataLossConfirmation(
    options.confirmDataLoss,
    `every row of ${removed.model} (table "${removed.table}")${links} leaves the application's schema`,
    `the table is moved, not dropped, to ${BACKUP_SCHEMA} with all its rows, indexes and sequences, and the rollback (migrate-down) moves it back and re-adds its foreign keys`,
  );
  const plan = removeTableRecipe(change.naive, removed, {
    ...recipeOptions(options, `remove_table_${removed.table}`),
    stamp: firstFolderStamp(tree, change.project.migrationsDir, change.now),
  });
  const touched = {
    models: [removed.model, ...new Set(removed.relationFields.map((r) => r.model))],
    enums: removed.enums.map((e) => e.name),
  };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  // A schema file that held only the removed model (and its enums) is left empty: remove it.
  for (const path of written.schemaFiles) if (!tree.read(path, 'utf-8')?.trim()) tree.delete(path);
  printChange(change, plan, written, touched);
}

export default removeTableGenerator;
