import { MAX_IDENTIFIER_BYTES } from '../sql/identifiers';
import type { Datamodel, DatamodelModel } from './prisma-fmt';

export function tableName(model: DatamodelModel): string {
  return model.dbName ?? model.name;
}

export function columnName(model: DatamodelModel, fieldName: string): string {
  const field = model.fields.find((f) => f.name === fieldName);
  return field?.dbName ?? fieldName;
}

/**
 * The name Prisma gives an index or key it was not told to name: `{table}_{columns}_{suffix}`,
 * trimmed so the whole name fits PostgreSQL's 63 bytes.
 */
export function prismaDefaultName(table: string, columns: string[], suffix: 'idx' | 'key' | 'pkey' | 'fkey'): string {
  const base = suffix === 'pkey' ? table : `${table}_${columns.join('_')}`;
  return `${base.slice(0, MAX_IDENTIFIER_BYTES - suffix.length - 1)}_${suffix}`;
}

/** Every index name of the schema as it is in the database (explicit `map:` or Prisma's default). */
export function databaseIndexNames(datamodel: Datamodel): Map<string, string> {
  const names = new Map<string, string>();
  for (const index of datamodel.indexes) {
    const model = datamodel.models.find((m) => m.name === index.model);
    if (!model || index.type === 'id') continue;
    const columns = index.fields.map((f) => columnName(model, f.name));
    names.set(index.dbName ?? prismaDefaultName(tableName(model), columns, index.type === 'unique' ? 'key' : 'idx'), index.model);
  }
  return names;
}
