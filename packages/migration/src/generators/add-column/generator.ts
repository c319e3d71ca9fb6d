import type { Tree } from '@nx/devkit';
import { inputError } from '../../errors';
import { tableName } from '../../prisma-schema/constraint-names';
import { addColumns, type ColumnSpec } from '../../prisma-schema/edits/add-columns';
import { addColumnRecipe } from '../../recipes/add-column';
import { planSchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { parseJsonOption, recipeOptions } from '../shared/options';
import type { AddColumnGeneratorSchema } from './schema';

const COLUMNS_EXAMPLE = '[{"name":"preferences","type":"Json","optional":true}]';

/** `nx g @forge/migration:add-column --targetTable User --name preferences --type Json --optional` */
export async function addColumnGenerator(tree: Tree, options: AddColumnGeneratorSchema): Promise<void> {
  const columns = normalizeColumns(options);
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) =>
    addColumns(document, datamodel, options.targetTable, columns),
  );
  const table = tableName(change.after.datamodel.models.find((m) => m.name === options.targetTable)!);
  const plan = addColumnRecipe(
    change.naive,
    table,
    change.summary,
    recipeOptions(options, `add_column_${table}_${columns.map((c) => c.name).join('_')}`),
  );
  const written = writeChange(tree, change, plan);
  printChange(change, plan, written, { models: [options.targetTable] });
}

function normalizeColumns(options: AddColumnGeneratorSchema): ColumnSpec[] {
  const many = parseJsonOption<ColumnSpec[]>(options.columns, 'columns', COLUMNS_EXAMPLE);
  if (many !== undefined) {
    if (!Array.isArray(many) || many.some((c) => !c || typeof c.name !== 'string' || typeof c.type !== 'string')) {
      throw inputError(`--columns must be a JSON array of {"name", "type", …} objects. Example: --columns '${COLUMNS_EXAMPLE}'`);
    }
    if (options.name) throw inputError('Give either --columns or --name/--type, not both.');
    return many.map((c) => ({ ...c, default: c.default === undefined ? undefined : String(c.default) }));
  }
  if (!options.name || !options.type) {
    throw inputError(`Missing ${!options.name ? '--name' : '--type'}: give --name and --type (or --columns '${COLUMNS_EXAMPLE}').`);
  }
  const { name, type, optional, list, dbType, unique, map } = options;
  return [{ name, type, optional, list, dbType, unique, map, default: options.default === undefined ? undefined : String(options.default) }];
}

export default addColumnGenerator;
