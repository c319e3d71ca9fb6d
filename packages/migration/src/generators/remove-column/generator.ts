import type { Tree } from '@nx/devkit';
import { inputError } from '../../errors';
import { removeColumns } from '../../prisma-schema/edits/remove-column';
import { requireDataLossConfirmation } from '../../recipes/data-loss';
import { removeColumnRecipe } from '../../recipes/remove-column';
import { firstFolderStamp } from '../../rules/migration-folders';
import { planSchemaChange } from '../../rules/schema-change';
import { prepareTypeScriptSyntaxCheck } from '../../rules/typescript-syntax';
import { printChange, writeChange } from '../../rules/write-change';
import { BACKUP_SCHEMA } from '../../runtime/forge-schema';
import { recipeOptions, toList } from '../shared/options';
import type { RemoveColumnGeneratorSchema } from './schema';

/** `nx g @forge/migration:remove-column --targetTable User --column name --confirmDataLoss` */
export async function removeColumnGenerator(tree: Tree, options: RemoveColumnGeneratorSchema): Promise<void> {
  const fields = normalizeFields(options);
  const batchSize = normalizeBatchSize(options.batchSize);
  prepareTypeScriptSyntaxCheck(); // the backup and the restore are a data migration
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    removeColumns(document, datamodel, options.targetTable, fields),
  );
  const removed = change.summary;
  const what = removed.columns.map((c) => `${removed.model}.${c.field}`).join(', ');
  requireDataLossConfirmation(
    options.confirmDataLoss,
    `the values of ${what} in every row of ${removed.table} leave the table`,
    `they are copied to ${BACKUP_SCHEMA} first, keyed by primary key, and the rollback (migrate-down) re-creates the column${removed.columns.length > 1 ? 's' : ''} and restores every value`,
  );
  const plan = removeColumnRecipe(change.naive, removed, {
    ...recipeOptions(options, `remove_column_${removed.table}_${removed.columns.map((c) => c.column).join('_')}`),
    stamp: firstFolderStamp(tree, change.project.migrationsDir, change.now),
    ...(batchSize ? { batchSize } : {}),
  });
  const touched = { models: [options.targetTable] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

function normalizeFields(options: RemoveColumnGeneratorSchema): string[] {
  if (options.column !== undefined && options.columns !== undefined) throw inputError('Give either --column or --columns, not both.');
  const fields = options.columns !== undefined ? toList(options.columns) : toList(options.column);
  if (fields.length === 0) throw inputError('Missing --column: name the field to remove, e.g. --column name (or several: --columns a,b).');
  return fields;
}

function normalizeBatchSize(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw inputError(`Invalid --batchSize ${JSON.stringify(value)}: a whole number from 1 to 100000.`);
  return n;
}

export default removeColumnGenerator;
