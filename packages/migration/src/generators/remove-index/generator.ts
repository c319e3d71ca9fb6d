import type { Tree } from '@nx/devkit';
import { removeIndex } from '../../prisma-schema/edits/remove-index';
import { removeIndexRecipe } from '../../recipes/remove-index';
import { planSchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { recipeOptions, toList } from '../shared/options';
import type { RemoveIndexGeneratorSchema } from './schema';

/** `nx g @forge/migration:remove-index --targetTable Order --name Order_tenantId_createdAt_idx` */
export async function removeIndexGenerator(tree: Tree, options: RemoveIndexGeneratorSchema): Promise<void> {
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    removeIndex(document, datamodel, { model: options.targetTable, name: options.name?.trim() || undefined, fields: toList(options.fields) }),
  );
  const index = change.summary;
  const plan = removeIndexRecipe(change.naive, index, recipeOptions(options, `remove_index_${index.name}`));
  const touched = { models: [options.targetTable] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

export default removeIndexGenerator;
