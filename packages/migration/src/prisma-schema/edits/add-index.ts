import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { appendBlockAttribute, blockAttribute, blockAttributes, findField, keyValue, quoted, type AttributeArgument, type Value } from '../ast';
import { attributeArgument, attributeFieldList } from '../attribute-fields';
import { columnName, databaseIndexNames, schemaRelationNames, tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import { assertDatabaseName, assertIdentifierLength } from '../names';
import { modelIndexes } from '../model-indexes';
import type { Datamodel } from '../prisma-fmt';

/** Index access methods, spelled as Prisma writes them in `@@index(…, type: …)`. */
export const INDEX_TYPES = ['BTree', 'Hash', 'Gist', 'Gin', 'SpGist', 'Brin'] as const;
export type IndexType = (typeof INDEX_TYPES)[number];

export interface IndexSpec {
  model: string;
  fields: string[];
  unique?: boolean;
  /** Database name of the index; default `idx_{table}_{columns}`. */
  name?: string;
  /** Access method (any case); default BTree, or Gin when a field is a list. */
  type?: string;
  /** Operator classes: one for every field, or one per field in order (`ArrayOps`, `JsonbPathOps`, `gin_trgm_ops`, …). */
  ops?: string[];
}

export interface AddedIndex {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
  type: IndexType;
  /** What the report and the console say about the choice of type and about indexes it makes redundant. */
  notes: string[];
}

/** Adds `@@index([...], map: "idx_…")` (or `@@unique`) to a model, after checking fields and names. */
export function addIndex(document: PrismaSchemaDocument, datamodel: Datamodel, spec: IndexSpec): AddedIndex {
  const { path, model } = document.requireModel(spec.model);
  const dmModel = datamodel.models.find((m) => m.name === spec.model)!;
  const fields = spec.fields.map((f) => f.trim()).filter(Boolean);
  if (fields.length === 0) throw inputError('No field to index: pass --fields, for example --fields tenantId,createdAt.');
  if (new Set(fields).size !== fields.length) throw inputError(`--fields lists a field twice: ${fields.join(', ')}.`);
  for (const field of fields) {
    const node = findField(model, field);
    const dmField = dmModel.fields.find((f) => f.name === field);
    if (!node || !dmField) {
      const columns = dmModel.fields.filter((f) => f.kind !== 'object').map((f) => f.name);
      throw inputError(
        `Model ${spec.model} has no field ${JSON.stringify(field)}. ${didYouMean(field, columns)}Its fields: ${columns.join(', ')}.`,
      );
    }
    if (dmField.kind === 'object') {
      throw inputError(
        `${spec.model}.${field} is a relation, not a column. Index its foreign-key field ` +
          `(${dmField.relationFromFields?.join(', ') || 'on the other model'}) instead.`,
      );
    }
  }
  const unique = !!spec.unique;
  const existing = datamodel.indexes.find(
    (i) =>
      i.model === spec.model &&
      (i.type === (unique ? 'unique' : 'normal') || i.type === 'id') &&
      i.fields.map((f) => f.name).join(',') === fields.join(','),
  );
  if (existing) {
    throw inputError(
      `Model ${spec.model} already has ${existing.type === 'id' ? 'a primary key' : `an index${existing.type === 'unique' ? ' (unique)' : ''}`} ` +
        `on (${fields.join(', ')})${existing.dbName ? ` named ${existing.dbName}` : ''}. Nothing to add.`,
    );
  }
  const table = tableName(dmModel);
  const columns = fields.map((f) => columnName(dmModel, f));
  const name = spec.name ?? `idx_${table}_${columns.join('_')}`;
  if (spec.name) assertDatabaseName('index name (--name)', spec.name);
  else assertIdentifierLength('generated index name', name, 'pass a shorter one with --name');
  const clash = databaseIndexNames(datamodel).get(name);
  if (clash) throw inputError(`An index named ${name} already exists (on model ${clash}). Pass another --name.`);
  const taken = schemaRelationNames(datamodel).get(name);
  if (taken) throw relationNameTaken(name, taken);
  const lists = fields.filter((f) => dmModel.fields.find((d) => d.name === f)?.isList);
  const type = indexType(spec, lists, unique, fields);
  const ops = operatorClasses(spec.ops, fields);
  const entries = fields.map((field, i) => (ops[i] ? { type: 'function', name: field, params: [keyValue('ops', ops[i]!)] } : field)) as Value[];
  const args: AttributeArgument['value'][] = [{ type: 'array', args: entries } as Value, ...(type === 'BTree' ? [] : [keyValue('type', type)]), keyValue('map', quoted(name))];
  document.edit(path, () => appendBlockAttribute(model, blockAttribute(unique ? 'unique' : 'index', args)));
  const notes = [
    ...(lists.length && !spec.type
      ? [`${spec.model}.${lists.join(', ')} ${lists.length > 1 ? 'are lists' : 'is a list'}: a GIN index (type: Gin), which has/hasSome/hasEvery filters use; a B-tree would only serve equality on the whole list (pass --type BTree for that).`]
      : []),
    ...redundancyHints(model, datamodel, spec.model, fields, type),
  ];
  return { name, table, columns, unique, type, notes };
}

function indexType(spec: IndexSpec, lists: string[], unique: boolean, fields: string[]): IndexType {
  const asked = spec.type?.trim();
  const type = asked ? INDEX_TYPES.find((t) => t.toLowerCase() === asked.toLowerCase()) : lists.length ? 'Gin' : 'BTree';
  if (!type) throw inputError(`Unknown index --type ${JSON.stringify(asked)}. Use one of ${INDEX_TYPES.join(', ')}.`);
  if (unique && type !== 'BTree') throw inputError(`A unique index must be a B-tree in PostgreSQL; --type ${type} cannot be --unique.`);
  if ((type === 'Hash' || type === 'SpGist') && fields.length > 1) throw inputError(`A ${type} index covers one column in PostgreSQL; --fields lists ${fields.length}.`);
  return type;
}

/** `--ops ArrayOps` (every field) or `--ops a,b` (per field); Prisma's names as they are, PostgreSQL's through raw("…"). */
function operatorClasses(ops: string[] | undefined, fields: string[]): (Value | undefined)[] {
  if (!ops?.length) return fields.map(() => undefined);
  if (ops.length !== 1 && ops.length !== fields.length) {
    throw inputError(`--ops gives ${ops.length} operator classes for ${fields.length} fields: give one for all, or one per field in order.`);
  }
  return fields.map((_, i) => {
    const op = (ops.length === 1 ? ops[0] : ops[i]).trim();
    if (/^[A-Z][A-Za-z0-9]*Ops$/.test(op)) return op;
    if (/^[a-z_][a-z0-9_]*$/.test(op)) return { type: 'function', name: 'raw', params: [quoted(op)] } as Value;
    throw inputError(`--ops ${JSON.stringify(op)} is not an operator class: use Prisma's name (ArrayOps, JsonbPathOps, …) or PostgreSQL's (gin_trgm_ops, text_pattern_ops).`);
  });
}

/** B-tree indexes that the new one makes redundant (their fields are its leading fields), and the reverse. */
function redundancyHints(model: Parameters<typeof blockAttributes>[0], datamodel: Datamodel, modelName: string, fields: string[], type: IndexType): string[] {
  if (type !== 'BTree') return [];
  const hints: string[] = [];
  for (const attribute of blockAttributes(model).filter((a) => a.name === 'index')) {
    const existing = attributeFieldList(attribute) ?? [];
    const existingType = attributeArgument(attribute, 'type');
    if (!existing.length || (existingType !== undefined && existingType !== 'BTree')) continue;
    const dbName = modelIndexes(datamodel, modelName).find((i) => i.kind === 'index' && i.fields.join(',') === existing.join(','))?.name;
    if (!dbName) continue;
    if (existing.length < fields.length && existing.every((f, i) => f === fields[i])) {
      hints.push(`The index ${dbName} on (${existing.join(', ')}) is a leading part of the new one: queries it serves can use the new index. Once that is in use, remove it (remove-index --targetTable ${modelName} --name ${dbName}) to save its writes and space.`);
    } else if (existing.length > fields.length && fields.every((f, i) => f === existing[i])) {
      hints.push(`The index ${dbName} on (${existing.join(', ')}) already starts with (${fields.join(', ')}) and serves the same queries: the new index may not be needed.`);
    }
  }
  return hints;
}

/**
 * An index name that a table, sequence, index or view already has: PostgreSQL keeps them in one
 * namespace, and `CREATE INDEX CONCURRENTLY IF NOT EXISTS` would then do nothing, silently.
 */
export function relationNameTaken(name: string, holder: string): Error {
  return inputError(
    `--name ${name} is taken: it is ${holder}. Tables, sequences, indexes and views share one namespace in PostgreSQL, ` +
      'so the index could not be created (IF NOT EXISTS would silently skip it). Pass another --name.',
  );
}
