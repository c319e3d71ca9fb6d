import type { Tree } from '@nx/devkit';
import { inputError } from '../../errors';
import { batchKeyFields } from '../../prisma-schema/batch-key';
import { columnName, tableName } from '../../prisma-schema/constraint-names';
import { addColumns, type ColumnSpec } from '../../prisma-schema/edits/add-columns';
import { addColumnRecipe, type ColumnToAdd } from '../../recipes/add-column';
import { firstFolderStamp } from '../../rules/migration-folders';
import { columnDefinitions } from '../../rules/column-definition';
import { planSchemaChange } from '../../rules/schema-change';
import { prepareTypeScriptSyntaxCheck } from '../../rules/typescript-syntax';
import { printChange, writeChange } from '../../rules/write-change';
import { assertItemKeys, COLUMN_KEYS } from '../shared/json-input';
import { parseJsonOption, recipeOptions } from '../shared/options';
import type { AddColumnGeneratorSchema } from './schema';

const COLUMNS_EXAMPLE = '[{"name":"preferences","type":"Json","optional":true}]';

/** `nx g @forge/migration:add-column --targetTable User --name preferences --type Json --optional` */
export async function addColumnGenerator(tree: Tree, options: AddColumnGeneratorSchema): Promise<void> {
  const columns = normalizeColumns(options);
  // A per-row backfill or a volatile default is filled in batches by a data migration.
  if (columns.some((c) => c.backfillSql !== undefined || c.default !== undefined)) prepareTypeScriptSyntaxCheck();
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    addColumns(document, datamodel, options.targetTable, columns),
  );
  const model = change.after.datamodel.models.find((m) => m.name === options.targetTable)!;
  const table = tableName(model);
  // Backfill values become SQL literals the way Prisma writes a default of that type.
  const literals = await columnDefinitions(
    change.after.files,
    change.summary.filter((c) => c.backfillValue !== undefined).map((c) => ({ model: options.targetTable, field: c.name, withDefault: String(c.backfillValue) })),
  );
  let next = 0;
  const toAdd: ColumnToAdd[] = change.summary.map((c) => (c.backfillValue !== undefined ? { ...c, backfillLiteral: literals[next++].default } : c));
  // The backfill pages on one column: the primary key, or a required @unique field of a model without one.
  const keyFields = batchKeyFields(model);
  const plan = addColumnRecipe(
    change.naive,
    {
      model: options.targetTable,
      table,
      key: keyFields.length === 1 ? columnName(model, keyFields[0]) : undefined,
      stamp: firstFolderStamp(tree, change.project.migrationsDir, change.now),
    },
    toAdd,
    recipeOptions(options, `add_column_${table}_${columns.map((c) => c.name).join('_')}`, change.pgVersion),
  );
  const touched = { models: [options.targetTable] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

function normalizeColumns(options: AddColumnGeneratorSchema): ColumnSpec[] {
  const many = parseJsonOption<ColumnSpec[]>(options.columns, 'columns', COLUMNS_EXAMPLE);
  if (many !== undefined) {
    if (!Array.isArray(many) || many.some((c) => !c || typeof c.name !== 'string' || typeof c.type !== 'string')) {
      throw inputError(`--columns must be a JSON array of {"name", "type", …} objects. Example: --columns '${COLUMNS_EXAMPLE}'`);
    }
    assertItemKeys('columns', many, COLUMN_KEYS);
    if (options.name) throw inputError('Give either --columns or --name/--type, not both.');
    return many.map((c) => ({
      ...c,
      default: c.default === undefined ? undefined : String(c.default),
      backfillValue: c.backfillValue === undefined ? undefined : String(c.backfillValue),
    }));
  }
  if (!options.name || !options.type) {
    throw inputError(`Missing ${!options.name ? '--name' : '--type'}: give --name and --type (or --columns '${COLUMNS_EXAMPLE}').`);
  }
  const { name, type, optional, list, dbType, unique, map, backfillSql } = options;
  return [
    {
      name,
      type,
      optional,
      list,
      dbType,
      unique,
      map,
      backfillSql,
      default: options.default === undefined ? undefined : String(options.default),
      backfillValue: options.backfillValue === undefined ? undefined : String(options.backfillValue),
    },
  ];
}

export default addColumnGenerator;
