import type { Tree } from '@nx/devkit';
import { addIndex } from '../../prisma-schema/edits/add-index';
import { addIndexRecipe } from '../../recipes/add-index';
import { planSchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { recipeOptions, toList } from '../shared/options';
import type { AddIndexGeneratorSchema } from './schema';

/** `nx g @forge/migration:add-index --targetTable AuditLog --fields tenantId,createdAt [--type Gin] [--ops JsonbPathOps]` */
export async function addIndexGenerator(tree: Tree, options: AddIndexGeneratorSchema): Promise<void> {
  const fields = toList(options.fields);
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    addIndex(document, datamodel, { model: options.targetTable, fields, unique: options.unique, name: options.name, type: options.type, ops: toList(options.ops) }),
  );
  const index = change.summary;
  const recipe = addIndexRecipe(change.naive, index, recipeOptions(options, `add_index_${index.table}_${index.columns.join('_')}`));
  const plan = { ...recipe, notes: [...recipe.notes, ...index.notes] };
  const touched = { models: [options.targetTable] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

export default addIndexGenerator;
