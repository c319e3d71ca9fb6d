import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { findField, removeProperty } from '../ast';
import { columnName, tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import type { Datamodel, DatamodelField, DatamodelModel } from '../prisma-fmt';
import { blockAttributesUsing, describeBlockAttribute, removeFieldWithDocs } from '../schema-removal';
import { batchKeyFields } from '../batch-key';
import { primaryKeyFields } from './foreign-key';

export interface RemovedColumn {
  field: string;
  /** Column name in the database. */
  column: string;
  /** The enum's type name in the database when the column is an enum (or an enum list). */
  enumType?: string;
  isList: boolean;
  isRequired: boolean;
}

export interface RemovedColumns {
  model: string;
  table: string;
  /** The backup's key (database names, in key order): the primary key, else a unique key of required fields. */
  key: string[];
  columns: RemovedColumn[];
  /** `@@index`/`@@unique` attributes removed because they list a removed field (the database drops those indexes with the column). */
  removedIndexes: string[];
}

const REMOVE_RELATION = 'nx g @forge/migration:remove-relation';

/**
 * Removes scalar fields from a model, with the `@@index`/`@@unique` attributes that list them.
 * Refuses what a column removal cannot do on its own: relation fields and foreign-key columns
 * (remove-relation first), primary key fields, columns other relations reference, and models
 * with no key to back the values up by (no primary key, and no unique key of required fields that stays).
 */
export function removeColumns(document: PrismaSchemaDocument, datamodel: Datamodel, modelName: string, fields: string[]): RemovedColumns {
  if (fields.length === 0) throw inputError('No column to remove: pass --column, for example --column name (or --columns a,b).');
  const duplicate = fields.find((f, i) => fields.indexOf(f) !== i);
  if (duplicate) throw inputError(`--columns lists ${duplicate} twice.`);
  const { path, model } = document.requireModel(modelName);
  const dmModel = datamodel.models.find((m) => m.name === modelName)!;
  const primary = primaryKeyFields(dmModel);
  const key = batchKeyFields(dmModel, fields);
  const removed = fields.map((name) => checkRemovable(datamodel, dmModel, name, primary, key));
  const indexes = blockAttributesUsing(model, fields);
  document.edit(path, () => {
    for (const name of fields) removeFieldWithDocs(model, findField(model, name)!);
    for (const attribute of indexes) removeProperty(model, attribute);
  });
  return {
    model: modelName,
    table: tableName(dmModel),
    key: key.map((f) => columnName(dmModel, f)),
    columns: removed,
    removedIndexes: indexes.map(describeBlockAttribute),
  };
}

function checkRemovable(datamodel: Datamodel, model: DatamodelModel, name: string, primary: string[], key: string[]): RemovedColumn {
  const field = model.fields.find((f) => f.name === name);
  if (!field) {
    const columns = model.fields.filter((f) => f.kind !== 'object').map((f) => f.name);
    throw inputError(`Model ${model.name} has no field ${JSON.stringify(name)}. ${didYouMean(name, columns)}Its columns: ${columns.join(', ')}.`);
  }
  if (field.kind === 'object') {
    throw inputError(
      `${model.name}.${name} is a relation field, not a column. Remove the relation with \`${REMOVE_RELATION} --targetTable ${model.name} --field ${name}\`` +
        (field.relationFromFields?.length ? `; its foreign-key column${field.relationFromFields.length > 1 ? 's' : ''} ${field.relationFromFields.join(', ')} can then be removed with remove-column.` : '.'),
    );
  }
  if (primary.includes(name)) {
    throw inputError(
      `${model.name}.${name} is ${primary.length > 1 ? 'part of the primary key (@@id)' : 'the primary key (@id)'}; a column removal cannot drop it. ` +
        `Give ${model.name} another primary key first, or remove the whole model with remove-table.`,
    );
  }
  if (key.length === 0) {
    throw inputError(
      `Model ${model.name} has no primary key (@id or @@id) and no unique key of required fields (@unique, @@unique) besides what is removed, and the backup of removed values is keyed by one, so the rollback could not put them back. ` +
        'Add a primary key or a required @unique field first.',
    );
  }
  const relation = model.fields.find((f) => f.kind === 'object' && f.relationFromFields?.includes(name));
  if (relation) {
    throw inputError(
      `${model.name}.${name} is the foreign key of the relation ${model.name}.${relation.name}. Remove the relation first with ` +
        `\`${REMOVE_RELATION} --targetTable ${model.name} --field ${relation.name}\` (it keeps ${name} as a plain column), then remove ${name}.`,
    );
  }
  const referencing = referencingRelation(datamodel, model, name);
  if (referencing) {
    throw inputError(
      `${model.name}.${name} is referenced by the relation ${referencing.model}.${referencing.field} (references: [${name}]), whose foreign key needs it. ` +
        `Remove that relation first with \`${REMOVE_RELATION} --targetTable ${referencing.model} --field ${referencing.field}\`.`,
    );
  }
  return describe(datamodel, model, field);
}

function referencingRelation(datamodel: Datamodel, model: DatamodelModel, name: string): { model: string; field: string } | undefined {
  for (const other of datamodel.models) {
    for (const f of other.fields) {
      if (f.kind === 'object' && f.type === model.name && f.relationFromFields?.length && f.relationToFields?.includes(name)) {
        return { model: other.name, field: f.name };
      }
    }
  }
  return undefined;
}

function describe(datamodel: Datamodel, model: DatamodelModel, field: DatamodelField): RemovedColumn {
  const enumDef = field.kind === 'enum' ? datamodel.enums.find((e) => e.name === field.type) : undefined;
  return {
    field: field.name,
    column: columnName(model, field.name),
    ...(enumDef ? { enumType: enumDef.dbName ?? enumDef.name } : {}),
    isList: field.isList,
    isRequired: field.isRequired,
  };
}
