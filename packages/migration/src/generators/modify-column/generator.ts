import { posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { inputError } from '../../errors';
import { modifyColumn, type ColumnModification } from '../../prisma-schema/edits/modify-column';
import { modifyColumnRecipe } from '../../recipes/modify-column';
import { firstFolderStamp } from '../../rules/migration-folders';
import { columnDefinitions } from '../../rules/column-definition';
import { planSchemaChange } from '../../rules/schema-change';
import { prepareTypeScriptSyntaxCheck } from '../../rules/typescript-syntax';
import { printChange, writeChange } from '../../rules/write-change';
import { parseJsonOption, recipeOptions, toList } from '../shared/options';
import { snakeCaseMigrationName } from '../../prisma-schema/names';
import type { ModifyColumnGeneratorSchema } from './schema';

const MAP_EXAMPLE = '{"pending":"PENDING","paid":"PAID"}';

/** `nx g @forge/migration:modify-column --targetTable Order --column status --type OrderStatus --map '{"pending":"PENDING",…}'` */
export async function modifyColumnGenerator(tree: Tree, options: ModifyColumnGeneratorSchema): Promise<void> {
  const spec = normalizeOptions(options);
  prepareTypeScriptSyntaxCheck(); // most conversions write a data migration
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) => modifyColumn(document, datamodel, spec));
  const column = change.summary;
  // The column exactly as Prisma writes it, before and after (and the backfill value as an SQL literal).
  const field = { model: column.model, field: column.field };
  const [before] = await columnDefinitions(change.before.files, [field]);
  const [after, backfill] = await columnDefinitions(change.after.files, [
    field,
    ...(column.backfillValue !== undefined ? [{ ...field, withDefault: column.backfillValue }] : []),
  ]);
  const plan = modifyColumnRecipe(
    {
      naive: change.naive,
      column,
      before,
      after,
      ...(backfill ? { backfillLiteral: backfill.default } : {}),
      stamp: firstFolderStamp(tree, change.project.migrationsDir, change.now),
      confirmDataLoss: options.confirmDataLoss,
    },
    recipeOptions(options, freeDefaultName(tree, change.project.dataMigrationsDir, `modify_column_${column.table}_${column.column}`), change.pgVersion),
  );
  const touched = { models: [column.model], enums: column.newEnum ? [column.newEnum.name] : [] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

/**
 * The default name, numbered (`…_2`, `…_3`) when an earlier change of the same column left data
 * migrations under it: a conversion, or a widening (whose rollback has one), then another change.
 */
function freeDefaultName(tree: Tree, dataMigrationsDir: string, base: string): string {
  const taken = (name: string) => ['', '_swap'].some((suffix) => tree.exists(posix.join(dataMigrationsDir, `${name}${suffix}.ts`)));
  const snake = snakeCaseMigrationName(base) || base;
  let name = snake;
  for (let n = 2; taken(name); n++) name = `${snake}_${n}`;
  return name;
}

function normalizeOptions(options: ModifyColumnGeneratorSchema): ColumnModification {
  if (!options.targetTable) throw inputError('Missing --targetTable: the Prisma model that holds the column.');
  if (!options.column) throw inputError('Missing --column: the field to modify.');
  const map = parseJsonOption<Record<string, string>>(options.map as string | Record<string, string> | undefined, 'map', MAP_EXAMPLE);
  if (map !== undefined && (map === null || typeof map !== 'object' || Array.isArray(map))) {
    throw inputError(`--map must be a JSON object of old value → new value. Example: --map '${MAP_EXAMPLE}'`);
  }
  const text = (value: string | number | boolean | undefined) => (value === undefined ? undefined : String(value));
  return {
    model: options.targetTable,
    field: options.column,
    type: options.type,
    dbType: options.dbType,
    optional: options.optional,
    required: options.required,
    default: text(options.default),
    dropDefault: options.dropDefault,
    ...(map !== undefined ? { map } : {}),
    ...(options.enumValues !== undefined ? { enumValues: toList(options.enumValues) } : {}),
    cast: options.cast,
    reverseCast: options.reverseCast,
    backfillValue: text(options.backfillValue),
  };
}

export default modifyColumnGenerator;
