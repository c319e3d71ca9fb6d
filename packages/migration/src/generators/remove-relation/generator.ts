import type { Tree } from '@nx/devkit';
import { removeRelation } from '../../prisma-schema/edits/remove-relation';
import { relationModeOf } from '../../prisma-schema/relation-mode';
import { removeEmulatedRelationRecipe } from '../../recipes/emulated-relation';
import { removeRelationRecipe } from '../../recipes/remove-relation';
import { planSchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { recipeOptions } from '../shared/options';
import type { RemoveRelationGeneratorSchema } from './schema';

/** `nx g @forge/migration:remove-relation --targetTable Order --field user` */
export async function removeRelationGenerator(tree: Tree, options: RemoveRelationGeneratorSchema): Promise<void> {
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    removeRelation(document, datamodel, { model: options.targetTable, field: options.field }),
  );
  const relation = change.summary;
  const plan =
    relationModeOf(change.before.files) === 'prisma'
      ? removeEmulatedRelationRecipe(change.naive, relation)
      : removeRelationRecipe(change.naive, relation, recipeOptions(options, `remove_relation_${relation.table}_${relation.field}`));
  const touched = { models: [...new Set([relation.model, relation.references])] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

export default removeRelationGenerator;
