import type { Tree } from '@nx/devkit';
import type { StatsProvider } from '../../analysis/stats-source';
import { addIndex, relationNameTaken } from '../../prisma-schema/edits/add-index';
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
  const written = await writeChange(tree, change, plan, { touched, stats: options, check: (stats) => assertNameFreeInDatabase(stats, index.name) });
  printChange(change, plan, written, touched);
}

/** The schema may not know every relation of the database (hand-made tables, views): ask it too when it is reachable. */
async function assertNameFreeInDatabase(stats: StatsProvider, name: string): Promise<void> {
  const taken = (await stats.relationKinds?.([name]))?.get(name);
  if (taken) throw relationNameTaken(name, `${taken} in the database (${stats.label})`);
}

export default addIndexGenerator;
