import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { fieldArray, fieldAttribute, insertFields, keyValue, quoted, type Attribute, type Field } from '../ast';
import type { PrismaSchemaDocument } from '../document';
import { assertPrismaName } from '../names';
import { conventionalColumn } from '../naming-convention';
import type { Datamodel, DatamodelField, DatamodelModel } from '../prisma-fmt';
import { foreignKeyIndex, type ForeignKeyIndex } from './foreign-key-index';
import { foreignKeyRef, primaryKeyFields, type ForeignKeyRef } from './foreign-key';
import { defaultBackRelationName, defaultForeignKeyField, lowerFirst, upperFirst, withArticle } from './relation-naming';

export const REFERENTIAL_ACTIONS = ['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault'] as const;

export interface RelationSpec {
  /** The model that gets the relation field and holds the foreign key. */
  model: string;
  /** Name of the relation field, e.g. `coupon`. */
  field: string;
  /** The referenced model, e.g. `Coupon`. */
  references: string;
  /** Scalar foreign-key fields on `model`; default `{field}{ReferencedKey}` (couponId). Created when missing. */
  fields?: string[];
  /** Key of the referenced model; default its primary key. Must be its @id or a unique field set. */
  referencedFields?: string[];
  /** The relation (and new foreign-key columns) may be empty. */
  optional?: boolean;
  onDelete?: string;
  onUpdate?: string;
  /** `@relation("…")` name; needed (and defaulted) when the two models are already related, or for a self-relation. */
  relationName?: string;
  /** Name of the back-relation field on the referenced model; default camelCase plural of `model`. */
  backRelationField?: string;
  /** `model` is created in the same change (add-table): it has no rows, so new required columns are fine. */
  newTable?: boolean;
  /** Add `@@index` on the foreign-key columns when no index starts with them (default true). */
  index?: boolean;
  /** Database name of that index; default `idx_{table}_{columns}`. */
  indexName?: string;
}

export interface AddedRelation extends ForeignKeyRef {
  model: string;
  field: string;
  references: string;
  /** Scalar foreign-key fields (Prisma names). */
  fields: string[];
  referencedFields: string[];
  /** Foreign-key columns this change creates (database names). */
  newColumns: string[];
  optional: boolean;
  oneToOne: boolean;
  relationName?: string;
  backRelationField: string;
  onDelete?: string;
  onUpdate?: string;
  /** The index added on the foreign-key columns, when none started with them. */
  index?: ForeignKeyIndex;
  notes: string[];
}

/**
 * Adds a relation: the relation field (and its scalar foreign-key fields when missing) on `model`
 * and the back-relation field on the referenced model, after checking names, key types and
 * optionality; plus `@@index` on the foreign-key columns when no index starts with them.
 */
export function addRelation(document: PrismaSchemaDocument, datamodel: Datamodel, spec: RelationSpec): AddedRelation {
  const notes: string[] = [];
  const child = document.requireModel(spec.model, 'targetTable');
  const dmChild = requireDatamodelModel(datamodel, spec.model);
  assertPrismaName('relation field', spec.field);
  assertFieldFree(dmChild, spec.field);
  const parent = document.requireModel(spec.references, 'references');
  const dmParent = requireDatamodelModel(datamodel, spec.references);
  const selfRelation = spec.model === spec.references;

  const referenced = referencedKey(datamodel, dmParent, spec.referencedFields);
  const fkNames = spec.fields?.length ? spec.fields : referenced.map((r) => defaultForeignKeyField(spec.field, r.name));
  if (fkNames.length !== referenced.length) {
    throw inputError(
      `--fields lists ${fkNames.length} field(s) but ${spec.references}'s key (${referenced.map((r) => r.name).join(', ')}) has ${referenced.length}: ` +
        'give one foreign-key field per key field, in the same order.',
    );
  }
  if (new Set(fkNames).size !== fkNames.length) throw inputError(`--fields lists a field twice: ${fkNames.join(', ')}.`);
  if (fkNames.includes(spec.field)) throw inputError(`The relation field and its foreign-key field cannot both be named ${JSON.stringify(spec.field)}: pass other --fields.`);

  const fkColumns = fkNames.map((name, i) => foreignKeyColumn(dmChild, name, referenced[i], spec));
  const newFields = fkColumns.filter((c) => !c.existing);
  assertNotAlreadyRelated(dmChild, fkNames);

  // Optionality follows the columns: Prisma requires an optional relation exactly when every column is nullable.
  const existingRequired = fkColumns.filter((c) => c.existing?.isRequired).map((c) => c.name);
  if (spec.optional && existingRequired.length) {
    throw inputError(
      `--optional, but ${spec.model}.${existingRequired.join(', ')} ${existingRequired.length > 1 ? 'are' : 'is'} required, so the relation is required. ` +
        'Drop --optional, or make the column optional first.',
    );
  }
  if (newFields.length && !spec.optional && !spec.newTable) {
    throw inputError(
      `${spec.model} has no field ${newFields.map((c) => c.name).join(', ')}: a new required foreign-key column cannot be filled on a table ` +
        `that has rows. Fix: pass --optional (the column is added nullable), or add and fill the column first (add-column), then run add-relation with --fields.`,
    );
  }
  const optional = fkColumns.every((c) => (c.existing ? !c.existing.isRequired : !!spec.optional));
  if (optional && !spec.optional && !spec.newTable && newFields.length === 0) {
    notes.push(`${spec.model}.${fkNames.join(', ')} ${fkNames.length > 1 ? 'are' : 'is'} nullable, so the relation ${spec.field} is optional.`);
  }
  const onDelete = referentialAction('onDelete', spec.onDelete);
  const onUpdate = referentialAction('onUpdate', spec.onUpdate);
  for (const [option, action] of [['onDelete', onDelete], ['onUpdate', onUpdate]] as const) {
    if (action === 'SetNull' && !optional) {
      throw inputError(`--${option} SetNull needs nullable foreign-key columns, but ${spec.model}.${fkNames.join(', ')} is required. Use Restrict, Cascade or NoAction, or make the relation --optional.`);
    }
    if (action === 'SetDefault' && fkColumns.some((c) => !c.existing?.hasDefaultValue)) {
      throw inputError(`--${option} SetDefault needs a default on every foreign-key column, and ${spec.model}.${fkNames.join(', ')} has none. Use another action.`);
    }
  }

  const relationName = resolveRelationName(datamodel, dmChild, dmParent, spec);
  if (relationName && !spec.relationName) notes.push(`${spec.model} and ${spec.references} are already related${selfRelation ? ' (self-relation)' : ''}: the new relation is named ${JSON.stringify(relationName)}.`);
  const oneToOne = isUniqueSet(datamodel, dmChild, fkNames);
  const backRelationField = resolveBackRelationName(dmParent, spec, oneToOne, relationName !== undefined);

  // New foreign-key fields follow the model's naming: snake_case columns where its fields are mapped that way.
  const mapped = new Map(newFields.map((c) => [c.name, conventionalColumn(dmChild, c.name)]));
  const childWithNew: DatamodelModel = { ...dmChild, fields: [...dmChild.fields, ...newFields.map((c) => ({ ...c.key, name: c.name, dbName: mapped.get(c.name) ?? null, isId: false, isUnique: false, hasDefaultValue: false }))] };
  const fk = foreignKeyRef(childWithNew, fkNames, dmParent, referenced.map((r) => r.name));
  const index = spec.index === false ? undefined : foreignKeyIndex(datamodel, childWithNew, fkNames, spec.indexName);

  const relationField: Field = {
    type: 'field',
    name: spec.field,
    fieldType: spec.references,
    optional,
    attributes: [
      fieldAttribute('relation', [
        ...(relationName ? [quoted(relationName)] : []),
        keyValue('fields', fieldArray(fkNames)),
        keyValue('references', fieldArray(referenced.map((r) => r.name))),
        ...(onDelete ? [keyValue('onDelete', onDelete)] : []),
        ...(onUpdate ? [keyValue('onUpdate', onUpdate)] : []),
      ]),
    ],
  };
  const backField: Field = {
    type: 'field',
    name: backRelationField,
    fieldType: spec.model,
    array: !oneToOne,
    optional: oneToOne,
    attributes: relationName ? [fieldAttribute('relation', [quoted(relationName)])] : [],
  };
  document.edit(child.path, () => {
    insertFields(child.model, [...newFields.map((c) => scalarField(c.name, c.key, optional, mapped.get(c.name))), relationField]);
    if (index) index.apply(child.model);
  });
  document.edit(parent.path, () => insertFields(parent.model, [backField]));

  return {
    ...fk,
    model: spec.model,
    field: spec.field,
    references: spec.references,
    fields: fkNames,
    referencedFields: referenced.map((r) => r.name),
    newColumns: newFields.map((c) => mapped.get(c.name) ?? c.name),
    optional,
    oneToOne,
    relationName,
    backRelationField,
    onDelete,
    onUpdate,
    index: index && { name: index.name, columns: index.columns },
    notes,
  };
}

export function requireDatamodelModel(datamodel: Datamodel, name: string): DatamodelModel {
  const model = datamodel.models.find((m) => m.name === name);
  if (!model) throw new Error(`Model ${name} is in the schema files but not in Prisma's datamodel`);
  return model;
}

function assertFieldFree(model: DatamodelModel, name: string): void {
  const existing = model.fields.find((f) => f.name === name);
  if (!existing) return;
  if (existing.kind === 'object') {
    throw inputError(`${model.name}.${name} is already a relation (to ${existing.type}). Choose another --field, or remove it first with remove-relation.`);
  }
  throw inputError(`Model ${model.name} already has a field named ${JSON.stringify(name)} (${withArticle(existing.type)} column). Choose another --field for the relation.`);
}

/** The referenced key: the given fields (which must be the @id or unique), or the model's primary key. */
function referencedKey(datamodel: Datamodel, parent: DatamodelModel, names: string[] | undefined): DatamodelField[] {
  const keyNames = names?.length ? names : primaryKeyFields(parent);
  if (keyNames.length === 0) {
    throw inputError(`Model ${parent.name} has no primary key to reference: pass --referencedFields with a unique field of ${parent.name}.`);
  }
  const fields = keyNames.map((name) => {
    const field = parent.fields.find((f) => f.name === name);
    const columns = parent.fields.filter((f) => f.kind !== 'object').map((f) => f.name);
    if (!field) throw inputError(`Model ${parent.name} has no field ${JSON.stringify(name)} (--referencedFields). ${didYouMean(name, columns)}Its fields: ${columns.join(', ')}.`);
    if (field.kind === 'object' || field.isList) throw inputError(`${parent.name}.${name} cannot be referenced: it is a ${field.kind === 'object' ? 'relation' : 'list'} field.`);
    return field;
  });
  if (!isUniqueSet(datamodel, parent, keyNames)) {
    throw inputError(
      `${parent.name}.${keyNames.join(', ')} is not unique, so it cannot be referenced by a foreign key. ` +
        `Reference ${parent.name}'s primary key (leave out --referencedFields) or add a unique index first (add-index --unique).`,
    );
  }
  return fields;
}

/** True when exactly these fields form the @id or a @unique/@@unique of the model. */
export function isUniqueSet(datamodel: Datamodel, model: DatamodelModel, fields: string[]): boolean {
  const wanted = [...fields].sort().join(',');
  if (fields.length === 1) {
    const field = model.fields.find((f) => f.name === fields[0]);
    if (field?.isId || field?.isUnique) return true;
  }
  return datamodel.indexes.some(
    (i) => i.model === model.name && (i.type === 'id' || i.type === 'unique') && i.fields.map((f) => f.name).sort().join(',') === wanted,
  );
}

interface ForeignKeyColumn {
  name: string;
  key: DatamodelField;
  existing?: DatamodelField;
}

function foreignKeyColumn(child: DatamodelModel, name: string, key: DatamodelField, spec: RelationSpec): ForeignKeyColumn {
  assertPrismaName('foreign-key field', name);
  const existing = child.fields.find((f) => f.name === name);
  if (!existing) return { name, key };
  if (existing.kind === 'object') {
    throw inputError(`${child.name}.${name} is a relation field, not a column: --fields names the scalar columns that hold the key (e.g. ${name}Id).`);
  }
  if (existing.isList) throw inputError(`${child.name}.${name} is a list; a foreign-key column holds one value.`);
  if (existing.type !== key.type || JSON.stringify(existing.nativeType ?? null) !== JSON.stringify(key.nativeType ?? null)) {
    throw inputError(
      `Type mismatch: ${child.name}.${name} is ${describeType(existing)} but ${spec.references}.${key.name} is ${describeType(key)}. ` +
        `A foreign-key column must have the type of the key it references: change ${name}'s type first (or pick other --fields).`,
    );
  }
  return { name, key, existing };
}

function describeType(field: DatamodelField): string {
  return field.nativeType ? `${field.type} @db.${field.nativeType[0]}${field.nativeType[1].length ? `(${field.nativeType[1].join(', ')})` : ''}` : field.type;
}

function assertNotAlreadyRelated(child: DatamodelModel, fields: string[]): void {
  const wanted = [...fields].sort().join(',');
  const holder = child.fields.find((f) => f.kind === 'object' && f.relationFromFields?.length && [...f.relationFromFields].sort().join(',') === wanted);
  if (holder) {
    throw inputError(
      `${child.name}.${fields.join(', ')} already hold${fields.length > 1 ? '' : 's'} the relation ${child.name}.${holder.name} (to ${holder.type}). ` +
        `Remove that relation first (remove-relation --targetTable ${child.name} --field ${holder.name}) or use other --fields.`,
    );
  }
}

function referentialAction(option: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const action = REFERENTIAL_ACTIONS.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!action) throw inputError(`Invalid --${option} ${JSON.stringify(value)}. ${didYouMean(value, REFERENTIAL_ACTIONS)}Use one of ${REFERENTIAL_ACTIONS.join(', ')}.`);
  return action;
}

function relationNames(datamodel: Datamodel): Set<string> {
  return new Set(datamodel.models.flatMap((m) => m.fields.filter((f) => f.kind === 'object' && f.relationName).map((f) => f.relationName!)));
}

/** Prisma needs a name when two models have more than one relation between them, and for self-relations. */
function resolveRelationName(datamodel: Datamodel, child: DatamodelModel, parent: DatamodelModel, spec: RelationSpec): string | undefined {
  const taken = relationNames(datamodel);
  if (spec.relationName !== undefined) {
    assertPrismaName('relation', spec.relationName);
    if (taken.has(spec.relationName)) throw inputError(`A relation named ${JSON.stringify(spec.relationName)} already exists. Choose another --relationName.`);
    return spec.relationName;
  }
  const related =
    child.name === parent.name ||
    child.fields.some((f) => f.kind === 'object' && f.type === parent.name) ||
    parent.fields.some((f) => f.kind === 'object' && f.type === child.name);
  if (!related) return undefined;
  const name = `${child.name}${upperFirst(spec.field)}`;
  if (taken.has(name)) throw inputError(`${child.name} and ${parent.name} are already related, so this relation needs a name, and ${JSON.stringify(name)} is taken: pass --relationName.`);
  return name;
}

function resolveBackRelationName(parent: DatamodelModel, spec: RelationSpec, oneToOne: boolean, named: boolean): string {
  const taken = (name: string) => parent.fields.some((f) => f.name === name) || (spec.model === spec.references && name === spec.field);
  if (spec.backRelationField !== undefined) {
    assertPrismaName('back-relation field', spec.backRelationField);
    if (taken(spec.backRelationField)) {
      throw inputError(`Model ${spec.references} already has a field named ${JSON.stringify(spec.backRelationField)}. Choose another --backRelationField.`);
    }
    return spec.backRelationField;
  }
  const plain = defaultBackRelationName(spec.model, oneToOne);
  // A second relation between the same models, or a self-relation: qualify by the relation field (approverOrders).
  const qualified = `${lowerFirst(spec.field)}${upperFirst(plain)}`;
  const candidates = spec.model === spec.references ? [qualified] : named ? [plain, qualified] : [plain];
  const free = candidates.find((name) => !taken(name));
  if (free) return free;
  throw inputError(
    `Model ${spec.references} already has a field named ${JSON.stringify(candidates[0])}, the default name of the back-relation. ` +
      'Pass --backRelationField with another name.',
  );
}

/** A new scalar foreign-key field with the referenced key's type (and native type). */
function scalarField(name: string, key: DatamodelField, optional: boolean, column?: string): Field {
  const attributes: Attribute[] = key.nativeType ? [fieldAttribute(key.nativeType[0], key.nativeType[1].length ? key.nativeType[1] : undefined, 'db')] : [];
  if (column) attributes.push(fieldAttribute('map', [quoted(column)]));
  return { type: 'field', name, fieldType: key.type, optional, attributes };
}

