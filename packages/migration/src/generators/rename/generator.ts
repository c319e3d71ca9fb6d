import { logger, type Tree } from '@nx/devkit';
import { inputError } from '../../errors';
import { rename, type RenameSummary } from '../../prisma-schema/edits/rename';
import { blockExcerpt } from '../../prisma-schema/excerpt';
import { columnName } from '../../prisma-schema/constraint-names';
import { renameRecipe } from '../../recipes/rename';
import { firstFolderStamp } from '../../rules/migration-folders';
import { planSchemaChange, type SchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { recipeOptions } from '../shared/options';
import type { RenameGeneratorSchema } from './schema';

/** `nx g @forge/migration:rename --targetTable User --field name --to displayName [--mapOnly]` */
export async function renameGenerator(tree: Tree, options: RenameGeneratorSchema): Promise<void> {
  const to = options.to?.trim();
  if (!to) throw inputError('Missing --to: the new name, for example --to displayName.');
  const field = options.field?.trim() || undefined;
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    rename(document, datamodel, { model: options.targetTable, field, to, mapOnly: !!options.mapOnly, map: options.map?.trim() || undefined }),
  );
  const summary = change.summary;
  const defaultName = field ? `rename_${summary.model}_${field}_to_${to}` : `rename_${summary.from}_to_${to}`;
  const model = change.before.datamodel.models.find((m) => m.name === summary.model);
  const idFields = !model || model.primaryKey ? [] : model.fields.filter((f) => f.isId);
  const plan = renameRecipe(change.naive, summary, recipeOptions(options, defaultName, change.pgVersion), {
    key: model && idFields.length === 1 ? columnName(model, idFields[0].name) : undefined,
    stamp: firstFolderStamp(tree, change.project.migrationsDir, change.now),
    inPlace: !!options.inPlace,
  });
  const written = await writeChange(tree, change, plan, { touched: { models: [{ before: summary.model, after: summary.newModel }] }, stats: options });
  printModels(change, summary);
  printChange(change, plan, written, {});
}

/** BEFORE under the old model name, AFTER under the new one. */
function printModels(change: SchemaChange<RenameSummary>, summary: RenameSummary): void {
  const excerpt = (files: { content: string }[], name: string) => files.map((f) => blockExcerpt(f.content, 'model', name)).find(Boolean) ?? '';
  const indent = (text: string) => text.replace(/^(?=.)/gm, '  ');
  logger.info(`\nmodel ${summary.model}${summary.newModel === summary.model ? '' : ` → ${summary.newModel}`}`);
  logger.info(`BEFORE\n${indent(excerpt(change.before.files, summary.model))}`);
  logger.info(`AFTER\n${indent(excerpt(change.after.files, summary.newModel))}`);
  const others = change.changedFiles.length > 1 ? ` (schema files changed: ${change.changedFiles.map((f) => f.path).join(', ')})` : '';
  if (others) logger.info(others.trim());
}

export default renameGenerator;
