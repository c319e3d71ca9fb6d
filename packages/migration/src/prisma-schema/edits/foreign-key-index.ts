import { inputError } from '../../errors';
import { MAX_IDENTIFIER_BYTES } from '../../sql/identifiers';
import { appendBlockAttribute, blockAttribute, fieldArray, keyValue, quoted, type Model } from '../ast';
import { columnName, databaseIndexNames, tableName } from '../constraint-names';
import type { Datamodel, DatamodelModel } from '../prisma-fmt';

export interface ForeignKeyIndex {
  name: string;
  columns: string[];
}

/**
 * The index a foreign key needs on its referencing columns: without one, every delete or key
 * update on the referenced table scans the whole referencing table. Returns undefined when an
 * index (or the primary key, or a unique constraint) already starts with those columns.
 */
export function foreignKeyIndex(
  datamodel: Datamodel,
  model: DatamodelModel,
  fields: string[],
  /** Database name of the index; default `idx_{table}_{columns}`. */
  indexName?: string,
): (ForeignKeyIndex & { apply: (node: Model) => void }) | undefined {
  if (hasIndexStartingWith(datamodel, model, fields)) return undefined;
  const table = tableName(model);
  const columns = fields.map((f) => columnName(model, f));
  const name = indexName ?? truncateIdentifier(`idx_${table}_${columns.join('_')}`);
  const clash = databaseIndexNames(datamodel).get(name);
  if (clash) {
    throw inputError(
      `The foreign-key index would be named ${name}, but an index of that name already exists (on model ${clash}). ` +
        `Create the index first with add-index --targetTable ${model.name} --fields ${fields.join(',')} --name <another name>, then run this again.`,
    );
  }
  return {
    name,
    columns,
    apply: (node) => appendBlockAttribute(node, blockAttribute('index', [fieldArray(fields), keyValue('map', quoted(name))])),
  };
}

/** An index whose leading columns are exactly `fields` (in any order) serves the foreign key's lookups. */
export function hasIndexStartingWith(datamodel: Datamodel, model: DatamodelModel, fields: string[]): boolean {
  const wanted = [...fields].sort().join(',');
  if (fields.length === 1) {
    const field = model.fields.find((f) => f.name === fields[0]);
    if (field?.isId || field?.isUnique) return true;
  }
  return datamodel.indexes.some(
    (i) =>
      i.model === model.name &&
      i.type !== 'fulltext' &&
      i.fields.length >= fields.length &&
      i.fields.slice(0, fields.length).map((f) => f.name).sort().join(',') === wanted,
  );
}

function truncateIdentifier(name: string): string {
  return Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES ? name : Buffer.from(name).subarray(0, MAX_IDENTIFIER_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
}
