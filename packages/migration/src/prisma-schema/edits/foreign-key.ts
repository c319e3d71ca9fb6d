import { columnName, prismaDefaultName, tableName } from '../constraint-names';
import type { DatamodelModel } from '../prisma-fmt';

/** A foreign key as the database sees it: what the recipes need to write and check its SQL. */
export interface ForeignKeyRef {
  /** Constraint name (Prisma's `{table}_{columns}_fkey`, or the relation's `map:`). */
  constraint: string;
  table: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  /** Primary-key columns of the referencing table, to name sample rows in messages ([] when it has none). */
  tableKey: string[];
}

export function foreignKeyRef(
  child: DatamodelModel,
  fields: string[],
  parent: DatamodelModel,
  referencedFields: string[],
  constraintName?: string,
): ForeignKeyRef {
  const table = tableName(child);
  const columns = fields.map((f) => columnName(child, f));
  return {
    constraint: constraintName ?? prismaDefaultName(table, columns, 'fkey'),
    table,
    columns,
    referencedTable: tableName(parent),
    referencedColumns: referencedFields.map((f) => columnName(parent, f)),
    tableKey: primaryKeyFields(child).map((f) => columnName(child, f)),
  };
}

export function primaryKeyFields(model: DatamodelModel): string[] {
  if (model.primaryKey?.fields.length) return model.primaryKey.fields;
  return model.fields.filter((f) => f.isId).map((f) => f.name);
}
