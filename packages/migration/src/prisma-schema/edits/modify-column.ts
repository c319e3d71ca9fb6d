import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { findField, type Block, type Enum } from '../ast';
import { batchKeyFields } from '../batch-key';
import { columnName, prismaDefaultName, tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import { SCALAR_TYPES, isScalarType, nativeTypeAttribute, renderDefault } from '../field-types';
import { assertPrismaName } from '../names';
import { assertSqlExpression } from '../../sql/user-expression';
import type { Datamodel, DatamodelField, DatamodelModel } from '../prisma-fmt';

/** What the user asks to change about one column. */
export interface ColumnModification {
  model: string;
  field: string;
  /** New Prisma type: a scalar, an enum of the schema, or a new enum (with `map` or `enumValues`). */
  type?: string;
  /** New native type (`VarChar(500)`). */
  dbType?: string;
  optional?: boolean;
  required?: boolean;
  default?: string;
  dropDefault?: boolean;
  /** Old value → new value. */
  map?: Record<string, string>;
  /** Values of a new enum created without a map. */
  enumValues?: string[];
  /** SQL converting the old column's value (referenced by its column name). */
  cast?: string;
  /** SQL converting back, for rows written after the swap (referenced by the column name). */
  reverseCast?: string;
  /** Value for rows that are NULL when the column becomes required. */
  backfillValue?: string;
}

/** The column before and after, as the recipe needs it. */
export interface ModifiedColumn {
  model: string;
  field: string;
  table: string;
  /** Column name in the database (unchanged by the modification). */
  column: string;
  /** The single-column primary key (database name), if the model has one: batches page on it. */
  key?: string;
  before: ColumnShape;
  after: ColumnShape;
  /** A new enum this change creates. */
  newEnum?: { name: string; values: string[] };
  /** Old value → new value, in the order given. */
  map?: [string, string][];
  cast?: string;
  reverseCast?: string;
  backfillValue?: string;
  /** Names of the indexes, unique constraints or keys the column is part of. */
  indexedBy: string[];
  /**
   * Those indexes as a new column of the same name can have them again (key columns in order),
   * when all are plain: unique or not, no sort order, length, operator class or index type, not
   * the primary key. Undefined when one is not.
   */
  plainIndexes?: { name: string; unique: boolean; columns: string[] }[];
}

export interface ColumnShape {
  type: string;
  /** `enum` when `type` is an enum of the schema. */
  kind: 'scalar' | 'enum';
  optional: boolean;
  list: boolean;
  /** The `@default(…)` value as Prisma's datamodel gives it (undefined: none). */
  default?: unknown;
  /** Enum values when `kind` is enum. */
  enumValues?: string[];
}

const ENUM_VALUE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Changes a field's type, native type, nullability or default in the schema; checks everything first. */
export function modifyColumn(document: PrismaSchemaDocument, datamodel: Datamodel, spec: ColumnModification): ModifiedColumn {
  const { path, model } = document.requireModel(spec.model);
  const dmModel = datamodel.models.find((m) => m.name === spec.model)!;
  const node = findField(model, spec.field);
  const before = dmModel.fields.find((f) => f.name === spec.field);
  if (!node || !before) {
    const columns = dmModel.fields.filter((f) => f.kind !== 'object').map((f) => f.name);
    throw inputError(`Model ${spec.model} has no field ${JSON.stringify(spec.field)} (--column). ${didYouMean(spec.field, columns)}Its columns: ${columns.join(', ')}.`);
  }
  const typeLock = assertModifiable(dmModel, before, datamodel);
  assertOptionCombinations(spec);

  const newType = spec.type ?? before.type;
  const typeChanged = newType !== before.type || (spec.dbType !== undefined && normalizeNative(spec.dbType) !== nativeText(before));
  if (typeLock && typeChanged) {
    throw inputError(`${spec.model}.${spec.field} ${typeLock}; its type must match the other side. Remove the relation first (remove-relation), change both columns, then add it again.`);
  }
  const newEnum = resolveNewEnum(spec, newType, datamodel, document);
  const knownEnums = newEnum ? [...datamodel.enums, { name: newEnum.name, dbName: null, values: newEnum.values.map((name) => ({ name, dbName: null })) }] : datamodel.enums;
  const withEnum: Datamodel = { ...datamodel, enums: knownEnums };
  const map = resolveMap(spec, before, newType, withEnum);
  if ((spec.cast !== undefined || spec.reverseCast !== undefined || spec.map) && !typeChanged) {
    throw inputError(`--map, --cast and --reverseCast convert values to another type, but ${spec.model}.${spec.field} stays ${before.type}: give a different --type (or --dbType).`);
  }
  for (const [option, sql] of [['cast', spec.cast], ['reverseCast', spec.reverseCast]] as const) if (sql !== undefined) assertSqlExpression(option, sql);

  const optional = spec.optional ? true : spec.required ? false : !before.isRequired;
  const relation = dmModel.fields.find((f) => f.relationFromFields?.includes(spec.field));
  if (relation && optional === before.isRequired) {
    throw inputError(
      `${spec.model}.${spec.field} is the foreign key of the relation ${relation.name}; making it ${optional ? 'optional' : 'required'} changes the relation ` +
        `(its optionality and ON DELETE rule), which modify-column does not do. Use remove-relation, change the column, then add-relation.`,
    );
  }
  if (optional && before.isList) throw inputError(`${spec.model}.${spec.field} is a list; Prisma lists cannot be optional.`);
  if (optional && before.isId) throw inputError(`${spec.model}.${spec.field} is the primary key; it cannot be optional.`);
  const newDefault = resolveDefault(spec, before, newType, typeChanged, map, withEnum);
  const backfillValue = resolveBackfill(spec, before, optional, newType, withEnum);

  const nothing = !typeChanged && optional === !before.isRequired && newDefault.unchanged;
  if (nothing) {
    throw inputError(
      `No change requested for ${spec.model}.${spec.field}: it already is ${describeField(before)}. ` +
        'Give --type, --dbType, --optional/--required, --default or --dropDefault with a different value.',
    );
  }

  document.edit(path, (schema) => {
    node.fieldType = newType;
    node.optional = optional && !before.isList;
    let attributes = node.attributes ?? [];
    if (typeChanged) attributes = attributes.filter((a) => a.group !== 'db');
    if (typeChanged && spec.dbType) attributes.push(nativeTypeAttribute(spec.dbType));
    if (!newDefault.unchanged) {
      attributes = attributes.filter((a) => a.name !== 'default');
      if (newDefault.value !== undefined) attributes.unshift(renderDefault(newDefault.value, newType, withEnum).attribute);
    }
    node.attributes = attributes;
    if (newEnum) {
      const block: Enum = { type: 'enum', name: newEnum.name, enumerators: newEnum.values.map((name) => ({ type: 'enumerator', name })) };
      // After the model it serves, separated by a blank line.
      schema.list.splice(schema.list.indexOf(model) + 1, 0, { type: 'break' } as Block, block);
    }
  });

  // The primary key, or a required @unique field of a model without one; a compound key gives no single column to page on.
  const keyFields = batchKeyFields(dmModel, [spec.field]);
  const newEnumValues = newEnum?.values ?? datamodel.enums.find((e) => e.name === newType)?.values.map((v) => v.name);
  return {
    model: spec.model,
    field: spec.field,
    table: tableName(dmModel),
    column: columnName(dmModel, spec.field),
    key: keyFields.length === 1 ? columnName(dmModel, keyFields[0]) : undefined,
    before: shape(before, datamodel),
    after: {
      type: newType,
      kind: knownEnums.some((e) => e.name === newType) ? 'enum' : 'scalar',
      optional,
      list: before.isList,
      default: newDefault.unchanged ? before.default : newDefault.value,
      ...(newEnumValues ? { enumValues: newEnumValues } : {}),
    },
    ...(newEnum ? { newEnum } : {}),
    ...(map ? { map } : {}),
    ...(spec.cast !== undefined ? { cast: spec.cast.trim() } : {}),
    ...(spec.reverseCast !== undefined ? { reverseCast: spec.reverseCast.trim() } : {}),
    ...(backfillValue !== undefined ? { backfillValue } : {}),
    indexedBy: indexesOf(datamodel, dmModel, spec.field).map((i) => i.name),
    ...plainIndexes(datamodel, dmModel, spec.field),
  };
}

function indexesOf(datamodel: Datamodel, dmModel: DatamodelModel, field: string) {
  return datamodel.indexes
    .filter((i) => i.model === dmModel.name && i.fields.some((f) => f.name === field))
    .map((i) => {
      const columns = i.fields.map((f) => columnName(dmModel, f.name));
      return { index: i, columns, name: i.dbName ?? prismaDefaultName(tableName(dmModel), columns, i.type === 'unique' ? 'key' : i.type === 'id' ? 'pkey' : 'idx') };
    });
}

function plainIndexes(datamodel: Datamodel, dmModel: DatamodelModel, field: string): Pick<ModifiedColumn, 'plainIndexes'> {
  const found = indexesOf(datamodel, dmModel, field);
  // Options the datamodel may carry beyond its typed fields (Prisma's DMMF): any of them, and the index is not plain.
  const extra = (o: object, keys: string[]) => keys.some((k) => (o as Record<string, unknown>)[k] !== undefined && (o as Record<string, unknown>)[k] !== null);
  const plain = found.every(
    ({ index }) =>
      (index.type === 'unique' || index.type === 'normal') &&
      !extra(index, ['algorithm', 'clustered', 'where']) &&
      index.fields.every((f) => !extra(f, ['sortOrder', 'length', 'operatorClass'])),
  );
  return plain ? { plainIndexes: found.map(({ index, columns, name }) => ({ name, unique: index.type === 'unique', columns })) } : {};
}

/** Refuses fields modify-column cannot change; returns why the type (only) is locked, if it is. */
function assertModifiable(model: DatamodelModel, field: DatamodelField, datamodel: Datamodel): string | undefined {
  const name = `${model.name}.${field.name}`;
  if (field.kind === 'object') {
    throw inputError(
      `${name} is a relation, not a column. Modify its foreign-key field (${field.relationFromFields?.join(', ') || 'on the other model'}) ` +
        'or use the add-relation / remove-relation generators.',
    );
  }
  if (field.kind === 'unsupported') throw inputError(`${name} has an Unsupported(...) type, which Prisma cannot migrate.`);
  if (field.isId || model.primaryKey?.fields.includes(field.name)) {
    throw inputError(`${name} is (part of) the primary key of ${model.name}; modify-column does not change primary keys (foreign keys elsewhere depend on their type).`);
  }
  const usedAsForeignKey = model.fields.some((f) => f.relationFromFields?.includes(field.name));
  const referenced = datamodel.models.some((m) => m.fields.some((f) => f.type === model.name && f.relationToFields?.includes(field.name) && f.relationFromFields?.length));
  // Only the type is locked: nullability and default of a foreign key can still change.
  return usedAsForeignKey ? 'is a foreign key' : referenced ? 'is referenced by a foreign key' : undefined;
}

function assertOptionCombinations(spec: ColumnModification): void {
  if (spec.optional && spec.required) throw inputError('Give either --optional or --required, not both.');
  if (spec.default !== undefined && spec.dropDefault) throw inputError('Give either --default or --dropDefault, not both.');
  if (spec.map && spec.cast !== undefined) throw inputError('Give either --map (a value map) or --cast (an SQL conversion), not both.');
  if (spec.map && spec.enumValues) throw inputError("Give either --map or --enumValues: with a map, the new enum's values are the map's values.");
  if ((spec.map || spec.enumValues) && spec.type === undefined) throw inputError('--map and --enumValues go with --type (the type the values are converted to).');
}

/** A new enum when --type names no existing type and a map or a value list says what it holds. */
function resolveNewEnum(spec: ColumnModification, newType: string, datamodel: Datamodel, document: PrismaSchemaDocument) {
  if (isScalarType(newType) || datamodel.enums.some((e) => e.name === newType)) {
    if (spec.enumValues) throw inputError(`--enumValues creates a new enum, but ${newType} already exists. Drop --enumValues, or name a new enum with --type.`);
    return undefined;
  }
  if (datamodel.models.some((m) => m.name === newType) || document.files.some((f) => new RegExp(`^\\s*(model|view|type)\\s+${newType}\\s*\\{`, 'm').test(f.content))) {
    throw inputError(`Invalid --type ${JSON.stringify(newType)}: ${newType} is a model (or view/composite type), not a column type; a new enum needs a name no other block uses.`);
  }
  if (!spec.map && !spec.enumValues) {
    throw inputError(
      `Invalid --type ${JSON.stringify(newType)}. ${didYouMean(newType, [...SCALAR_TYPES, ...datamodel.enums.map((e) => e.name)])}` +
        `A column type is one of ${SCALAR_TYPES.join(', ')}${datamodel.enums.length ? ` or an enum of the schema (${datamodel.enums.map((e) => e.name).join(', ')})` : ''}. ` +
        'To create a new enum, give --map \'{"old":"NEW",…}\' or --enumValues A,B,C.',
    );
  }
  assertPrismaName('enum', newType);
  const values = spec.enumValues ?? [...new Set(Object.values(spec.map!).map(String))];
  if (values.length === 0) throw inputError(`The new enum ${newType} needs at least one value (--map or --enumValues).`);
  if (new Set(values).size !== values.length) throw inputError(`--enumValues lists a value twice: ${values.join(', ')}.`);
  for (const value of values) {
    if (!ENUM_VALUE.test(value)) throw inputError(`Invalid enum value ${JSON.stringify(value)} for ${newType}: use letters, digits and "_", starting with a letter (e.g. PENDING).`);
  }
  return { name: newType, values };
}

function resolveMap(spec: ColumnModification, before: DatamodelField, newType: string, datamodel: Datamodel): [string, string][] | undefined {
  if (!spec.map) return undefined;
  if (typeof spec.map !== 'object' || Array.isArray(spec.map)) throw inputError('--map must be a JSON object of old value → new value, e.g. {"pending":"PENDING"}.');
  if (before.isList) throw inputError(`${spec.model}.${spec.field} is a list; --map converts single values. Use --cast with an SQL expression.`);
  const entries = Object.entries(spec.map).map(([k, v]): [string, string] => {
    if (v === null || typeof v === 'object') throw inputError(`--map value for ${JSON.stringify(k)} must be a ${newType} value, not ${JSON.stringify(v)}. Rows are never set to NULL by a map.`);
    return [k, String(v)];
  });
  if (entries.length === 0) throw inputError('--map is empty: give at least one old value → new value.');
  const oldEnum = datamodel.enums.find((e) => e.name === before.type);
  const newEnum = datamodel.enums.find((e) => e.name === newType);
  for (const [from, to] of entries) {
    if (oldEnum && !oldEnum.values.some((v) => v.name === from)) {
      throw inputError(`--map key ${JSON.stringify(from)} is not a value of ${before.type}. ${didYouMean(from, oldEnum.values.map((v) => v.name))}Its values: ${oldEnum.values.map((v) => v.name).join(', ')}.`);
    }
    if (!oldEnum) assertLiteral(from, before.type, datamodel, `--map key ${JSON.stringify(from)}`);
    if (newEnum && !newEnum.values.some((v) => v.name === to)) {
      throw inputError(`--map value ${JSON.stringify(to)} is not a value of ${newType}. ${didYouMean(to, newEnum.values.map((v) => v.name))}Its values: ${newEnum.values.map((v) => v.name).join(', ')}.`);
    }
    if (!newEnum) assertLiteral(to, newType, datamodel, `--map value ${JSON.stringify(to)}`);
  }
  const missing = oldEnum?.values.map((v) => v.name).filter((v) => !entries.some(([from]) => from === v)) ?? [];
  if (missing.length) throw inputError(`--map has no entry for ${missing.join(', ')} of ${before.type}: every value of the enum needs a target.`);
  return entries;
}

function assertLiteral(value: string, type: string, datamodel: Datamodel, what: string): void {
  if (type === 'Json' || type === 'Bytes') return;
  try {
    const rendered = renderDefault(value, type, datamodel);
    if (rendered.kind !== 'constant' || /^\w+\(.*\)$/s.test(value.trim())) throw new Error('function');
  } catch {
    throw inputError(`${what} is not a ${type} value.`);
  }
}

/** The default after the change: kept, given, dropped, or the old one converted to the new type. */
function resolveDefault(
  spec: ColumnModification,
  before: DatamodelField,
  newType: string,
  typeChanged: boolean,
  map: [string, string][] | undefined,
  datamodel: Datamodel,
): { unchanged: boolean; value?: string } {
  const current = defaultText(before.default);
  if (spec.dropDefault) {
    if (current === undefined) throw inputError(`${spec.model}.${spec.field} has no default to drop.`);
    return { unchanged: false };
  }
  if (spec.default !== undefined) {
    const value = String(spec.default);
    const rendered = renderDefault(value, newType, datamodel);
    if (rendered.kind === 'volatile') {
      throw inputError(`--default ${value} is volatile; modify-column sets defaults as metadata only. Use a constant or a stable function such as now().`);
    }
    return { unchanged: current === value && !typeChanged, value };
  }
  if (current === undefined || newType === before.type) return { unchanged: true };
  // The type changes: the old default must become a value of the new type.
  if (map) {
    const entry = map.find(([from]) => from === current);
    if (!entry) {
      throw inputError(
        `--map has no entry for the current default ${JSON.stringify(current)} of ${spec.model}.${spec.field}. ` +
          `Add it to the map, or pass --default <${newType} value> or --dropDefault.`,
      );
    }
    return { unchanged: false, value: entry[1] };
  }
  const mapped = throughEnumMap(current, before.type, newType, datamodel);
  if (mapped !== undefined) return { unchanged: false, value: mapped };
  if (typeof before.default === 'object') {
    throw inputError(`The default ${current} of ${spec.model}.${spec.field} does not carry over to ${newType}: pass --default <${newType} value> or --dropDefault.`);
  }
  try {
    renderDefault(current, newType, datamodel);
  } catch {
    throw inputError(`The current default ${JSON.stringify(current)} of ${spec.model}.${spec.field} is not a ${newType} value: pass --default <${newType} value> or --dropDefault.`);
  }
  return { unchanged: false, value: current };
}

/**
 * An enum default and a text default name a value differently when the enum value has
 * `@map("…")`: the rows hold the database name (`'accepted'`), Prisma writes the value's name
 * (`ACCEPTED`). Enum → text: the default becomes the database name, as the converted rows; text →
 * enum: the database name becomes the value's name. Undefined when no enum is involved.
 */
function throughEnumMap(current: string, oldType: string, newType: string, datamodel: Datamodel): string | undefined {
  const enumOf = (type: string) => datamodel.enums.find((e) => e.name === type);
  const [from, to] = [enumOf(oldType), enumOf(newType)];
  if (from && !to) {
    const value = from.values.find((v) => v.name === current);
    return value && (value.dbName ?? value.name);
  }
  if (to && !from) return to.values.find((v) => (v.dbName ?? v.name) === current)?.name;
  return undefined;
}

function resolveBackfill(spec: ColumnModification, before: DatamodelField, optional: boolean, newType: string, datamodel: Datamodel): string | undefined {
  if (spec.backfillValue === undefined) return undefined;
  if (optional || before.isRequired) {
    throw inputError('--backfillValue fills rows that are NULL when an optional column becomes required; this change does not make the column required (add --required).');
  }
  const value = String(spec.backfillValue);
  try {
    const rendered = renderDefault(value, newType, datamodel);
    if (rendered.kind !== 'constant') throw new Error('not a constant');
  } catch (error) {
    throw inputError(`Invalid --backfillValue ${JSON.stringify(value)}: expected a ${newType} value (${(error as Error).message}).`);
  }
  return value;
}

/** The datamodel's default as the text a user would give to --default. */
function defaultText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    const fn = value as { name: string; args?: unknown[] };
    return `${fn.name}(${(fn.args ?? []).map((a) => JSON.stringify(a)).join(', ')})`;
  }
  return String(value);
}

function shape(field: DatamodelField, datamodel: Datamodel): ColumnShape {
  const values = datamodel.enums.find((e) => e.name === field.type)?.values.map((v) => v.name);
  return {
    type: field.type,
    kind: field.kind === 'enum' ? 'enum' : 'scalar',
    optional: !field.isRequired,
    list: field.isList,
    ...(field.default !== undefined ? { default: field.default } : {}),
    ...(values ? { enumValues: values } : {}),
  };
}

function describeField(field: DatamodelField): string {
  const native = nativeText(field);
  const def = defaultText(field.default);
  return `${field.type}${field.isList ? '[]' : field.isRequired ? '' : '?'}${native ? ` @db.${native}` : ''}${def !== undefined ? ` @default(${def})` : ''}`;
}

/** `VarChar(500)` for a field with `@db.VarChar(500)`; '' without a native type. */
function nativeText(field: DatamodelField): string {
  return field.nativeType ? `${field.nativeType[0]}${field.nativeType[1].length ? `(${field.nativeType[1].join(',')})` : ''}` : '';
}

function normalizeNative(dbType: string): string {
  return dbType.trim().replace(/^@?(db\.)?/, '').replace(/\s+/g, '').replace(/\(\)$/, '');
}
