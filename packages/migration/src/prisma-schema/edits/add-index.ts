import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { appendBlockAttribute, blockAttribute, fieldArray, findField, keyValue, quoted } from '../ast';
import { columnName, databaseIndexNames, schemaRelationNames, tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import { assertDatabaseName, assertIdentifierLength } from '../names';
import type { Datamodel } from '../prisma-fmt';

export interface IndexSpec {
  model: string;
  fields: string[];
  unique?: boolean;
  /** Database name of the index; default `idx_{table}_{columns}`. */
  name?: string;
}

export interface AddedIndex {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
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
  document.edit(path, () =>
    appendBlockAttribute(model, blockAttribute(unique ? 'unique' : 'index', [fieldArray(fields), keyValue('map', quoted(name))])),
  );
  return { name, table, columns, unique };
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
