import type { Tree } from '@nx/devkit';
import { inputError } from '../../errors';
import type { ColumnSpec } from '../../prisma-schema/edits/add-columns';
import { addTable, type IdSpec, type TableIndexSpec, type TableRelationSpec, type TableSpec } from '../../prisma-schema/edits/add-table';
import { relationModeOf } from '../../prisma-schema/relation-mode';
import { addTableRecipe } from '../../recipes/add-table';
import { planSchemaChange } from '../../rules/schema-change';
import { printChange, writeChange } from '../../rules/write-change';
import { assertItemKeys, COLUMN_KEYS, ID_KEYS, INDEX_KEYS, RELATION_KEYS } from '../shared/json-input';
import { parseJsonOption, recipeOptions, toList } from '../shared/options';
import type { AddTableGeneratorSchema } from './schema';

const FIELDS_EXAMPLE = '[{"name":"number","type":"String","unique":true},{"name":"totalCents","type":"Int","default":"0"}]';
const RELATIONS_EXAMPLE = '[{"field":"customer","references":"User","onDelete":"Cascade"}]';
const INDEXES_EXAMPLE = '[{"fields":["customerId","createdAt"]}]';
const ID_EXAMPLE = '{"name":"id","type":"String","default":"uuid()","dbType":"Uuid"}';

/** `nx g @forge/migration:add-table --name Invoice --fields '[…]' --relations '[{"field":"customer","references":"User"}]'` */
export async function addTableGenerator(tree: Tree, options: AddTableGeneratorSchema): Promise<void> {
  const spec = normalizeSpec(options);
  const change = await planSchemaChange(tree, options.project, ({ document, datamodel }) => addTable(document, datamodel, spec));
  const added = change.summary;
  const plan = addTableRecipe(change.naive, added, recipeOptions(options, `add_table_${added.table}`), relationModeOf(change.before.files));
  const touched = { models: [added.model, ...new Set(added.relations.map((r) => r.references))] };
  const written = await writeChange(tree, change, plan, { touched, stats: options });
  printChange(change, plan, written, touched);
}

function normalizeSpec(options: AddTableGeneratorSchema): TableSpec {
  if (!options.name) throw inputError('Missing --name: the name of the new model, e.g. --name Invoice.');
  const fields = arrayOption<ColumnSpec>(options.fields, 'fields', FIELDS_EXAMPLE, COLUMN_KEYS, (f) => typeof f.name === 'string' && typeof f.type === 'string');
  const relations = arrayOption<TableRelationSpec>(options.relations, 'relations', RELATIONS_EXAMPLE, RELATION_KEYS, (r) => typeof r.field === 'string' && typeof r.references === 'string');
  const indexes = arrayOption<TableIndexSpec>(options.indexes, 'indexes', INDEXES_EXAMPLE, INDEX_KEYS, (i) => Array.isArray(i.fields) || typeof i.fields === 'string');
  const id = typeof options.id === 'string' && options.id.trim().startsWith('{') ? parseJsonOption<IdSpec>(options.id, 'id', ID_EXAMPLE) : options.id;
  if (id !== undefined && typeof id !== 'string' && (typeof id !== 'object' || typeof id.type !== 'string')) {
    throw inputError(`--id must be a shorthand (Int, BigInt, uuid, gen_random_uuid, cuid) or a JSON field such as '${ID_EXAMPLE}'.`);
  }
  if (id && typeof id === 'object') assertItemKeys('id', [id], ID_KEYS);
  return {
    name: options.name,
    map: options.map,
    id,
    fields: fields.map((f) => ({ ...f, default: f.default === undefined ? undefined : String(f.default) })),
    relations: relations.map((r) => ({ ...r, fields: toList(r.fields), referencedFields: toList(r.referencedFields) })),
    indexes: indexes.map((i) => ({ ...i, fields: toList(i.fields) })),
  };
}

function arrayOption<T extends object>(value: string | T[] | undefined, option: string, example: string, keys: readonly string[], valid: (item: T) => boolean): T[] {
  const parsed = parseJsonOption<T[]>(value, option, example);
  if (parsed === undefined) return [];
  if (!Array.isArray(parsed) || parsed.some((item) => !item || typeof item !== 'object' || !valid(item))) {
    throw inputError(`--${option} must be a JSON array like '${example}'.`);
  }
  assertItemKeys(option, parsed, keys);
  return parsed;
}

export default addTableGenerator;
