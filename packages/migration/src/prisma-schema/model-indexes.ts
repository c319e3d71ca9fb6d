import { columnName, prismaDefaultName, tableName } from './constraint-names';
import type { Datamodel, DatamodelIndex, DatamodelModel } from './prisma-fmt';

export type IndexKind = 'primary key' | 'unique' | 'index' | 'fulltext';

/** One index of a model as the database knows it: its name (explicit `map:` or Prisma's default). */
export interface ModelIndex {
  index: DatamodelIndex;
  kind: IndexKind;
  /** Name in the database. */
  name: string;
  /** True when the schema names it with `map:`; false for Prisma's default name. */
  explicit: boolean;
  /** Prisma field names, in index order. */
  fields: string[];
  /** Column names in the database, in index order. */
  columns: string[];
}

const KINDS: Record<DatamodelIndex['type'], IndexKind> = { id: 'primary key', unique: 'unique', normal: 'index', fulltext: 'fulltext' };
const SUFFIXES = { id: 'pkey', unique: 'key', normal: 'idx', fulltext: 'idx' } as const;

/** The name Prisma gives (or was told to give) an index of `model` whose table is `table`. */
export function indexDatabaseName(model: DatamodelModel, index: DatamodelIndex, table = tableName(model)): string {
  if (index.dbName) return index.dbName;
  const columns = index.fields.map((f) => columnName(model, f.name));
  return prismaDefaultName(table, columns, SUFFIXES[index.type]);
}

/** The primary key, unique constraints and indexes of a model, in the schema's order. */
export function modelIndexes(datamodel: Datamodel, modelName: string): ModelIndex[] {
  const model = datamodel.models.find((m) => m.name === modelName);
  if (!model) return [];
  return datamodel.indexes
    .filter((index) => index.model === modelName)
    .map((index) => ({
      index,
      kind: KINDS[index.type],
      name: indexDatabaseName(model, index),
      explicit: !!index.dbName,
      fields: index.fields.map((f) => f.name),
      columns: index.fields.map((f) => columnName(model, f.name)),
    }));
}

/** `Order_tenantId_createdAt_idx (index on tenantId, createdAt)`, for lists in messages. */
export function describeIndex(index: ModelIndex): string {
  return `${index.name} (${index.kind} on ${index.fields.join(', ')}${index.explicit ? '' : ', default name'})`;
}
