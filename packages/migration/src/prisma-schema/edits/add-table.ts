import { inputError } from '../../errors';
import { blockAttribute, fieldAttribute, quoted, type Attribute, type Field, type Model, type Schema } from '../ast';
import { tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import { toEngineSchema } from '../engine-view';
import { nativeTypeAttribute, renderDefault } from '../field-types';
import { assertDatabaseName, assertPrismaName } from '../names';
import { readDatamodel, type Datamodel } from '../prisma-fmt';
import { addColumns, type ColumnSpec } from './add-columns';
import { addIndex, type AddedIndex } from './add-index';
import { addRelation, type AddedRelation, type RelationSpec } from './add-relation';
import { foreignKeyIndex } from './foreign-key-index';

/** The primary key of the new table: a shorthand (`Int`, `BigInt`, `uuid`, `cuid`, `gen_random_uuid`) or a field. */
export type IdSpec = string | { name?: string; type: string; default?: string; dbType?: string };

export type TableRelationSpec = Omit<RelationSpec, 'model' | 'newTable'>;

export interface TableIndexSpec {
  fields: string[];
  unique?: boolean;
  /** Database name; default `idx_{table}_{columns}`. */
  name?: string;
}

export interface TableSpec {
  name: string;
  fields: ColumnSpec[];
  id?: IdSpec;
  relations?: TableRelationSpec[];
  indexes?: TableIndexSpec[];
  /** Table name in the database (`@@map`). */
  map?: string;
}

export interface AddedTable {
  model: string;
  table: string;
  relations: AddedRelation[];
  /** Indexes asked for with --indexes, then those added for foreign keys. */
  indexes: AddedIndex[];
  notes: string[];
}

const ID_SHORTHANDS: Record<string, { type: string; default?: string; dbType?: string }> = {
  int: { type: 'Int', default: 'autoincrement()' },
  autoincrement: { type: 'Int', default: 'autoincrement()' },
  bigint: { type: 'BigInt', default: 'autoincrement()' },
  uuid: { type: 'String', default: 'uuid()', dbType: 'Uuid' },
  gen_random_uuid: { type: 'String', default: 'dbgenerated("gen_random_uuid()")', dbType: 'Uuid' },
  cuid: { type: 'String', default: 'cuid()' },
};
const ID_TYPES = ['Int', 'BigInt', 'String'];

/**
 * Adds a model: its primary key, fields (checked like add-column's), relations to existing models
 * (foreign-key fields and back-relations, like add-relation's), indexes, and an index on each
 * foreign key that no index starts with. The model goes next to the first model it references,
 * or into the main schema file.
 */
export function addTable(document: PrismaSchemaDocument, datamodel: Datamodel, spec: TableSpec): AddedTable {
  assertPrismaName('model', spec.name);
  assertBlockNameFree(document, spec.name);
  if (spec.map !== undefined) assertDatabaseName('table name (--map)', spec.map);
  const table = spec.map ?? spec.name;
  const owner = datamodel.models.find((m) => tableName(m).toLowerCase() === table.toLowerCase());
  if (owner) throw inputError(`Model ${owner.name} already uses the table name ${tableName(owner)}. Pass another --map (or --name).`);
  const id = idField(spec.id, datamodel);
  assertFieldNames(spec, id);
  for (const field of spec.fields) {
    if (datamodel.models.some((m) => m.name === field.type)) {
      throw inputError(
        `Field ${field.name} has the type ${field.type}, a model: relate the models with --relations ` +
          `'[{"field":"${field.name}","references":"${field.type}"}]' instead (it adds the foreign-key column too).`,
      );
    }
  }

  const related = spec.relations?.[0] && document.locateModel(spec.relations[0].references);
  const path = related?.path ?? document.mainFile();
  const model: Model = { type: 'model', name: spec.name, properties: [id] };
  if (spec.map) model.properties.push(blockAttribute('map', [quoted(spec.map)]));
  document.edit(path, (schema) => insertBlock(schema, model, related?.model));
  if (spec.fields.length) addColumns(document, datamodel, spec.name, spec.fields);

  let current = reread(document);
  const relations = (spec.relations ?? []).map((relation) => {
    const added = addRelation(document, current, { ...relation, model: spec.name, newTable: true, index: false });
    current = reread(document);
    return added;
  });
  const indexes = (spec.indexes ?? []).map((index) => {
    const added = addIndex(document, current, { model: spec.name, fields: index.fields, unique: index.unique, name: index.name });
    current = reread(document);
    return added;
  });
  const notes: string[] = [];
  for (const [i, relation] of relations.entries()) {
    if (spec.relations![i].index === false) continue;
    const index = foreignKeyIndex(current, current.models.find((m) => m.name === spec.name)!, relation.fields, spec.relations![i].indexName);
    if (!index) continue;
    document.edit(path, () => index.apply(model));
    relation.index = { name: index.name, columns: index.columns };
    indexes.push({ name: index.name, table, columns: index.columns, unique: false, type: 'BTree', notes: [] });
    notes.push(`Index ${index.name} on the foreign key ${relation.columns.join(', ')}: deletes in ${relation.referencedTable} look up ${table} rows through it (pass "index": false in the relation to skip it).`);
    current = reread(document);
  }
  return { model: spec.name, table, relations, indexes, notes: [...relations.flatMap((r) => r.notes), ...notes] };
}

function assertBlockNameFree(document: PrismaSchemaDocument, name: string): void {
  for (const file of document.files) {
    for (const match of file.content.matchAll(/^\s*(model|view|type|enum)\s+(\w+)\s*\{/gm)) {
      if (match[2].toLowerCase() !== name.toLowerCase()) continue;
      // Prisma Client names its delegates by the lower-cased model name: Invoice and invoice would collide.
      const same = match[2] === name ? 'already exists' : `exists (${match[1]} ${match[2]}: Prisma Client would give both the same name)`;
      throw inputError(`A ${match[1]} named ${match[2]} ${same} in ${file.path}. Choose another --name.`);
    }
  }
}

function idField(spec: IdSpec | undefined, datamodel: Datamodel): Field {
  const resolved = typeof spec === 'string' ? ID_SHORTHANDS[spec.toLowerCase()] : (spec ?? ID_SHORTHANDS.int);
  if (!resolved) {
    throw inputError(
      `Invalid --id ${JSON.stringify(spec)}: use one of ${Object.keys(ID_SHORTHANDS).join(', ')}, ` +
        `or a JSON field such as '{"name":"code","type":"String"}'.`,
    );
  }
  const name = (typeof spec === 'object' && spec.name) || 'id';
  assertPrismaName('id field', name);
  if (!ID_TYPES.includes(resolved.type)) {
    throw inputError(`Invalid --id type ${JSON.stringify(resolved.type)}: a primary key here is one of ${ID_TYPES.join(', ')}.`);
  }
  const attributes: Attribute[] = [fieldAttribute('id')];
  if (resolved.default !== undefined) attributes.push(renderDefault(String(resolved.default), resolved.type, datamodel).attribute);
  if (resolved.dbType) attributes.push(nativeTypeAttribute(resolved.dbType));
  return { type: 'field', name, fieldType: resolved.type, attributes };
}

function assertFieldNames(spec: TableSpec, id: Field): void {
  const names = [id.name, ...spec.fields.map((f) => f.name), ...(spec.relations ?? []).map((r) => r.field)];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw inputError(`The field ${JSON.stringify(twice)} is given twice (id, --fields and --relations share one namespace). Rename one of them.`);
}

/** After the related model (so the schema reads well), else at the end of the file. */
function insertBlock(schema: Schema, model: Model, after: Model | undefined): void {
  const at = after ? schema.list.indexOf(after) : -1;
  if (at < 0) schema.list.push({ type: 'break' }, model);
  else schema.list.splice(at + 1, 0, { type: 'break' }, model);
}

/** The datamodel of the schema as edited so far: later steps check against what earlier ones added. */
function reread(document: PrismaSchemaDocument): Datamodel {
  return readDatamodel(toEngineSchema(document.toFiles()));
}

