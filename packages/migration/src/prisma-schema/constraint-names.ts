import { serialSequenceName } from '../recipes/backup-names';
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

/**
 * Every relation name the schema gives the database — tables, their primary-key and other indexes,
 * the sequences of autoincrement columns — with what it is, for messages. Tables, indexes,
 * sequences and views share one namespace per schema: a new index may take none of these names.
 */
export function schemaRelationNames(datamodel: Datamodel): Map<string, string> {
  const names = new Map<string, string>();
  for (const model of datamodel.models) {
    const table = tableName(model);
    names.set(table, `the table of model ${model.name}`);
    for (const field of model.fields) {
      const fn = field.default as { name?: string } | undefined;
      if (fn?.name === 'autoincrement') names.set(serialSequenceName(table, columnName(model, field.name)), `the sequence of ${model.name}.${field.name}`);
    }
  }
  for (const [name, model] of databaseIndexNames(datamodel)) names.set(name, `an index of ${model}`);
  for (const index of datamodel.indexes.filter((i) => i.type === 'id')) {
    const model = datamodel.models.find((m) => m.name === index.model);
    if (model) names.set(index.dbName ?? prismaDefaultName(tableName(model), [], 'pkey'), `the primary key of ${model.name}`);
  }
  return names;
}
