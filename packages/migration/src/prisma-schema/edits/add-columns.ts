import { inputError } from '../../errors';
import { fieldAttribute, findField, insertFields, quoted, type Attribute, type Field } from '../ast';
import type { PrismaSchemaDocument } from '../document';
import { assertColumnType, nativeTypeAttribute, renderDefault, type DefaultKind } from '../field-types';
import { assertDatabaseName, assertPrismaName } from '../names';
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
}

export interface AddedColumn extends ColumnSpec {
  defaultKind: DefaultKind;
}

/** Adds fields to a model; checks names, types, clashes and defaults first. */
export function addColumns(document: PrismaSchemaDocument, datamodel: Datamodel, modelName: string, columns: ColumnSpec[]): AddedColumn[] {
  if (columns.length === 0) throw inputError('No column to add: give --name and --type, or --columns with a JSON array.');
  const { path, model } = document.requireModel(modelName);
  const seen = new Set<string>();
  const added = columns.map((column): { field: Field; added: AddedColumn } => {
    assertPrismaName('column', column.name);
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
    return { field, added: { ...column, defaultKind } };
  });
  document.edit(path, () => insertFields(model, added.map((a) => a.field)));
  return added.map((a) => a.added);
}
