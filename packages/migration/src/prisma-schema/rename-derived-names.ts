import { notNullConstraintName, serialSequenceName } from '../recipes/backup-names';
import { MAX_IDENTIFIER_BYTES } from '../sql/identifiers';
import { columnName, prismaDefaultName } from './constraint-names';
import { modelIndexes } from './model-indexes';
import type { Datamodel, DatamodelModel } from './prisma-fmt';

/** A database object whose name Prisma or PostgreSQL derived from a table or column name. */
export interface DerivedRename {
  kind: 'primary key' | 'index' | 'unique' | 'foreign key' | 'sequence';
  from: string;
  to: string;
  /** The new name was shortened to PostgreSQL's 63 bytes (the way Prisma / PostgreSQL shorten it). */
  truncated: boolean;
}

export interface DatabaseRename {
  table: { from: string; to: string };
  /** Set for a column rename (the table keeps its name then). */
  column?: { from: string; to: string };
}

// PostgreSQL's `{table}_{column}_seq` rule, the one remove-table parks sequences by.
export { serialSequenceName };

const SUFFIX = { 'primary key': 'pkey', unique: 'key', index: 'idx', fulltext: 'idx' } as const;

/**
 * Every name that follows from the renamed table or column, old → new: the primary key
 * (`{table}_pkey`), indexes and uniques (`{table}_{columns}_idx|_key`) and foreign keys
 * (`{table}_{columns}_fkey`) that have Prisma's default name, and the sequences PostgreSQL made
 * for autoincrement columns (`{table}_{column}_seq`). Explicit `map:` names stay as they are.
 * `foreignKeyMap(field)` gives the `@relation(map:)` of a relation field, when it has one.
 */
export function derivedRenames(
  datamodel: Datamodel,
  model: DatamodelModel,
  rename: DatabaseRename,
  foreignKeyMap: (relationField: string) => string | undefined,
): DerivedRename[] {
  const newColumn = (column: string) => (rename.column && column === rename.column.from ? rename.column.to : column);
  const renames: DerivedRename[] = [];
  const add = (kind: DerivedRename['kind'], from: string, to: string, full: string) => {
    if (from !== to) renames.push({ kind, from, to, truncated: Buffer.byteLength(full) > MAX_IDENTIFIER_BYTES });
  };
  for (const index of modelIndexes(datamodel, model.name)) {
    if (index.explicit || index.kind === 'fulltext') continue;
    const suffix = SUFFIX[index.kind];
    const columns = index.columns.map(newColumn);
    const to = prismaDefaultName(rename.table.to, columns, suffix);
    add(index.kind, index.name, to, index.kind === 'primary key' ? `${rename.table.to}_pkey` : `${rename.table.to}_${columns.join('_')}_${suffix}`);
  }
  for (const field of model.fields) {
    if (field.kind !== 'object' || !field.relationFromFields?.length || foreignKeyMap(field.name)) continue;
    const before = field.relationFromFields.map((f) => columnName(model, f));
    const after = before.map(newColumn);
    add('foreign key', prismaDefaultName(rename.table.from, before, 'fkey'), prismaDefaultName(rename.table.to, after, 'fkey'), `${rename.table.to}_${after.join('_')}_fkey`);
  }
  for (const field of model.fields) {
    if (!isAutoincrement(field.default)) continue;
    const column = columnName(model, field.name);
    const to = serialSequenceName(rename.table.to, newColumn(column));
    add('sequence', serialSequenceName(rename.table.from, column), to, `${rename.table.to}_${newColumn(column)}_seq`);
  }
  return renames;
}

function isAutoincrement(value: unknown): boolean {
  return !!value && typeof value === 'object' && (value as { name?: string }).name === 'autoincrement';
}

/**
 * The NOT NULL constraints PostgreSQL 18 names after the table and column
 * (`{table}_{column}_not_null`, one per required column, list columns excepted: Prisma makes
 * those nullable), old → new. Below 18 NOT NULL is not a named object: the recipe uses these
 * only when the target version has them.
 */
export function notNullRenames(model: DatamodelModel, rename: DatabaseRename): { from: string; to: string }[] {
  const renames: { from: string; to: string }[] = [];
  for (const field of model.fields) {
    if (field.kind === 'object' || !field.isRequired || field.isList) continue;
    const column = columnName(model, field.name);
    const renamed = rename.column && column === rename.column.from ? rename.column.to : column;
    const from = notNullConstraintName(rename.table.from, column);
    const to = notNullConstraintName(rename.table.to, renamed);
    if (from !== to) renames.push({ from, to });
  }
  return renames;
}
