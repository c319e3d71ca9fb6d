import type { Tree } from '@nx/devkit';
import { addRelation } from '../../prisma-schema/edits/add-relation';
import { relationModeOf } from '../../prisma-schema/relation-mode';
import { addRelationRecipe } from '../../recipes/add-relation';
import { addEmulatedRelationRecipe } from '../../recipes/emulated-relation';
import { planSchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { recipeOptions, toList } from '../shared/options';
import type { AddRelationGeneratorSchema } from './schema';

/** `nx g @forge/migration:add-relation --targetTable Order --field coupon --references Coupon --optional` */
export async function addRelationGenerator(tree: Tree, options: AddRelationGeneratorSchema): Promise<void> {
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    addRelation(document, datamodel, {
      model: options.targetTable,
      field: options.field,
      references: options.references,
      fields: toList(options.fields),
      referencedFields: toList(options.referencedFields),
      optional: options.optional,
      onDelete: options.onDelete,
      onUpdate: options.onUpdate,
      relationName: options.relationName,
      backRelationField: options.backRelationField,
      index: options.index,
      indexName: options.indexName,
    }),
  );
  const relation = change.summary;
  const recipe = relationModeOf(change.before.files) === 'prisma' ? addEmulatedRelationRecipe : addRelationRecipe;
  const plan = recipe(change.naive, relation, recipeOptions(options, `add_relation_${relation.table}_${relation.field}`));
  const touched = { models: [...new Set([options.targetTable, options.references])] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

export default addRelationGenerator;
