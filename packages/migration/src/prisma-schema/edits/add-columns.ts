import { inputError } from '../../errors';
import { fieldAttribute, findField, insertFields, quoted, type Attribute, type Field } from '../ast';
import type { PrismaSchemaDocument } from '../document';
import { conventionalColumn } from '../naming-convention';
import { assertColumnType, nativeTypeAttribute, renderDefault, type DefaultKind } from '../field-types';
import { assertDatabaseName, assertPrismaName } from '../names';
import { assertSqlExpression } from '../../sql/user-expression';
import type { Datamodel } from '../prisma-fmt';

export interface ColumnSpec {
  name: string;
  type: string;
  optional?: boolean;
  list?: boolean;
  default?: string;
  dbType?: string;
  unique?: boolean;
  /** Column name in the database when it differs from the field name (`@map`). */
  map?: string;
  /** A value for the rows that exist (a literal of the column's type, like --default). */
  backfillValue?: string;
  /** An SQL expression for the rows that exist, evaluated per row (may use the row's columns). */
  backfillSql?: string;
}

export interface AddedColumn extends ColumnSpec {
  defaultKind: DefaultKind;
  /** Column name in the database. */
  column: string;
}

/** Adds fields to a model; checks names, types, clashes and defaults first. */
export function addColumns(document: PrismaSchemaDocument, datamodel: Datamodel, modelName: string, columns: ColumnSpec[]): AddedColumn[] {
  if (columns.length === 0) throw inputError('No column to add: give --name and --type, or --columns with a JSON array.');
  const { path, model } = document.requireModel(modelName);
  const seen = new Set<string>();
  const dmModel = datamodel.models.find((m) => m.name === modelName);
  const added = columns.map((spec): { field: Field; added: AddedColumn } => {
    assertPrismaName('column', spec.name);
    // A new field follows the model's naming: snake_case columns when its fields are mapped that way.
    const conventional = spec.map === undefined && dmModel ? conventionalColumn(dmModel, spec.name) : undefined;
    const column = conventional ? { ...spec, map: conventional } : spec;
    if (column.map) assertDatabaseName('column name (--map)', column.map);
    if (findField(model, column.name) || seen.has(column.name)) {
      throw inputError(`Model ${modelName} already has a field named ${JSON.stringify(column.name)}. Choose another --name.`);
    }
    seen.add(column.name);
    assertColumnType(column.type, datamodel);
    const attributes: Attribute[] = [];
    let defaultKind: DefaultKind = 'none';
    if (column.default !== undefined) {
      const rendered = renderDefault(String(column.default), column.type, datamodel);
      attributes.push(rendered.attribute);
      defaultKind = rendered.kind;
    }
    assertBackfill(column, datamodel);
    if (column.unique) attributes.push(fieldAttribute('unique'));
    if (column.map) attributes.push(fieldAttribute('map', [quoted(column.map)]));
    if (column.dbType) attributes.push(nativeTypeAttribute(column.dbType));
    const field: Field = {
      type: 'field',
      name: column.name,
      fieldType: column.type,
      array: !!column.list,
      optional: !!column.optional && !column.list,
      attributes,
    };
    return { field, added: { ...column, defaultKind, column: column.map ?? column.name } };
  });
  document.edit(path, () => insertFields(model, added.map((a) => a.field)));
  return added.map((a) => a.added);
}

function assertBackfill(column: ColumnSpec, datamodel: Datamodel): void {
  const { backfillValue, backfillSql } = column;
  if (backfillValue === undefined && backfillSql === undefined) return;
  if (backfillValue !== undefined && backfillSql !== undefined) {
    throw inputError(`Column ${column.name}: give either --backfillValue (a value) or --backfillSql (an SQL expression), not both.`);
  }
  if (column.list) throw inputError(`Column ${column.name} is a list; lists start empty (NULL) and take no backfill. Drop --backfill…, or fill it with a data migration.`);
  if (backfillValue !== undefined) {
    const value = String(backfillValue);
    if (/^\w+\(.*\)$/s.test(value.trim())) {
      throw inputError(`Column ${column.name}: --backfillValue ${value} is a function call; give it as an SQL expression with --backfillSql instead.`);
    }
    try {
      renderDefault(value, column.type, datamodel);
    } catch (error) {
      throw inputError(`Invalid --backfillValue ${JSON.stringify(value)} for a ${column.type} column: ${(error as Error).message.replace(/^Invalid --default "[^"]*" for a \w+ column: /, '')}`);
    }
  }
  if (backfillSql !== undefined) assertSqlExpression('backfillSql', String(backfillSql));
}
