import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { fieldAttributes, fieldMap, relationNameArgument, renameInFieldList, setFieldMap, setModelMap } from '../attribute-fields';
import { blockAttributes, findField, modelFields, namedArgument, type Model } from '../ast';
import { columnName, tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import { modelIndexes } from '../model-indexes';
import { assertDatabaseName, assertPrismaName } from '../names';
import type { Datamodel, DatamodelField, DatamodelModel } from '../prisma-fmt';
import { derivedRenames, notNullRenames, type DerivedRename } from '../rename-derived-names';
import { lowerFirst } from './relation-naming';

export interface RenameSpec {
  model: string;
  /** Rename this field of the model; without it, the model itself is renamed. */
  field?: string;
  to: string;
  /** Rename only in Prisma: the database keeps its name through `@map` / `@@map`. */
  mapOnly?: boolean;
  /** The new database name, when it should differ from `to` (kept with `@map` / `@@map`). */
  map?: string;
}

export interface RenameSummary {
  kind: 'model' | 'field';
  /** The model's name before (and after, for a field rename: see `newModel`). */
  model: string;
  newModel: string;
  /** Prisma names of what was renamed (model or field). */
  from: string;
  to: string;
  schema: string | null;
  table: { from: string; to: string };
  column?: { from: string; to: string };
  /** Objects named after the old table or column, renamed along. */
  derived: DerivedRename[];
  /** NOT NULL constraints named after the old table or column on PostgreSQL 18 (see notNullRenames). */
  notNull: { from: string; to: string }[];
  /** Nothing changes name in the database: no migration. */
  databaseUnchanged: boolean;
  notes: string[];
}

/**
 * Renames a model or a field in the schema, and works out what it means for the database: the
 * table or column name, and every name Prisma or PostgreSQL derived from it. With `mapOnly` the
 * database keeps its names (`@@map` / `@map`), and nothing in the database changes.
 */
export function rename(document: PrismaSchemaDocument, datamodel: Datamodel, spec: RenameSpec): RenameSummary {
  const { path, model } = document.requireModel(spec.model);
  const dmModel = datamodel.models.find((m) => m.name === spec.model)!;
  if (spec.mapOnly && spec.map !== undefined) {
    throw inputError('Give either --mapOnly (the database keeps its name) or --map (the new database name), not both.');
  }
  if (spec.map !== undefined) assertDatabaseName('database name (--map)', spec.map);
  return spec.field === undefined ? renameModel(document, datamodel, dmModel, path, model, spec) : renameField(document, datamodel, dmModel, path, model, spec);
}

function renameModel(document: PrismaSchemaDocument, datamodel: Datamodel, dmModel: DatamodelModel, path: string, model: Model, spec: RenameSpec): RenameSummary {
  const from = dmModel.name;
  const to = spec.to;
  assertPrismaName('model', to);
  const oldTable = tableName(dmModel);
  const newTable = newDatabaseName(spec, oldTable, dmModel.dbName !== null, `Model ${from} is mapped to the table ${JSON.stringify(oldTable)} (@@map)`);
  if (to === from && newTable === oldTable) throw inputError(`Model ${from} is already named ${to}${newTable === to ? '' : ` (table ${JSON.stringify(newTable)})`}: nothing to rename.`);
  if (to !== from) {
    const block = new RegExp(`^\\s*(model|enum|type|view)\\s+${to}\\s*\\{`, 'm');
    const taken = document.files.map((f) => block.exec(f.content)?.[1]).find(Boolean);
    if (taken) throw inputError(`The name ${to} is already used by ${taken} ${to}. Choose another --to.`);
  }
  if (newTable !== oldTable) assertTableNameFree(datamodel, dmModel, newTable);
  assertManyToManyUnaffected(datamodel, dmModel, model, to);

  const derived = newTable === oldTable ? [] : derivedRenames(datamodel, dmModel, { table: { from: oldTable, to: newTable } }, foreignKeyMaps(model));
  assertDerivedNamesFree(datamodel, derived);

  document.edit(path, () => {
    model.name = to;
    setModelMap(model, newTable === to ? undefined : newTable);
  });
  const retyped = retypeRelationFields(document, from, to).filter((f) => !f.startsWith(`${to}.`));
  return {
    kind: 'model',
    model: from,
    newModel: to,
    from,
    to,
    schema: dmModel.schema,
    table: { from: oldTable, to: newTable },
    derived,
    notNull: notNullRenames(dmModel, { table: { from: oldTable, to: newTable } }),
    databaseUnchanged: newTable === oldTable,
    notes: [
      ...(newTable === oldTable ? [`The table keeps its name: ${to} is mapped to ${JSON.stringify(oldTable)} with @@map.`] : []),
      ...truncationNotes(derived),
      ...(retyped.length ? [`Relation fields now typed ${to}: ${retyped.join(', ')}.`] : []),
      `Prisma Client's model ${from} is now ${to} (prisma.${lowerFirst(to)}); relation names derived from model names change with it, the database does not see them.`,
    ],
  };
}

function renameField(document: PrismaSchemaDocument, datamodel: Datamodel, dmModel: DatamodelModel, path: string, model: Model, spec: RenameSpec): RenameSummary {
  const from = spec.field!;
  const to = spec.to;
  const node = findField(model, from);
  const dmField = dmModel.fields.find((f) => f.name === from);
  if (!node || !dmField) {
    const names = dmModel.fields.map((f) => f.name);
    throw inputError(`Model ${dmModel.name} has no field ${JSON.stringify(from)}. ${didYouMean(from, names)}Its fields: ${names.join(', ')}.`);
  }
  assertPrismaName('field', to);
  const table = tableName(dmModel);
  const base = { kind: 'field' as const, model: dmModel.name, newModel: dmModel.name, from, to, schema: dmModel.schema, table: { from: table, to: table } };

  if (dmField.kind === 'object') {
    if (spec.map !== undefined) throw inputError(`${dmModel.name}.${from} is a relation field: it has no column, so --map does not apply.`);
    if (to === from) throw inputError(`Field ${dmModel.name}.${from} is already named ${to}: nothing to rename.`);
    assertFieldNameFree(dmModel, to);
    document.edit(path, () => {
      node.name = to;
    });
    return {
      ...base,
      derived: [],
      notNull: [],
      databaseUnchanged: true,
      notes: [`${dmModel.name}.${from} is a relation field: it has no column, only Prisma Client's name changes (${dmModel.name}.${to}).`],
    };
  }

  const oldColumn = columnName(dmModel, from);
  const newColumn = newDatabaseName(spec, oldColumn, fieldMap(node) !== undefined, `${dmModel.name}.${from} is mapped to the column ${JSON.stringify(oldColumn)} (@map)`);
  if (to === from && newColumn === oldColumn) throw inputError(`Field ${dmModel.name}.${from} is already named ${to}: nothing to rename.`);
  if (to !== from) assertFieldNameFree(dmModel, to);
  if (newColumn !== oldColumn) {
    const clash = dmModel.fields.find((f) => f.kind !== 'object' && f !== dmField && columnName(dmModel, f.name) === newColumn);
    if (clash) throw inputError(`${dmModel.name}.${clash.name} already uses the column ${JSON.stringify(newColumn)}. Choose another ${spec.map !== undefined ? '--map' : '--to'}.`);
  }
  const column = { from: oldColumn, to: newColumn };
  const derived = newColumn === oldColumn ? [] : derivedRenames(datamodel, dmModel, { table: base.table, column }, foreignKeyMaps(model));
  assertDerivedNamesFree(datamodel, derived);

  document.edit(path, () => {
    node.name = to;
    setFieldMap(node, newColumn === to ? undefined : newColumn);
    if (to === from) return;
    for (const attribute of blockAttributes(model)) renameInFieldList(attribute, 'fields', from, to);
    for (const field of modelFields(model)) for (const relation of fieldAttributes(field, 'relation')) renameInFieldList(relation, 'fields', from, to);
  });
  const referencing = to === from ? [] : renameReferences(document, dmModel.name, from, to);
  return {
    ...base,
    column,
    derived,
    notNull: notNullRenames(dmModel, { table: base.table, column }),
    databaseUnchanged: newColumn === oldColumn,
    notes: [
      ...(newColumn === oldColumn ? [`The column keeps its name: ${dmModel.name}.${to} is mapped to ${JSON.stringify(oldColumn)} with @map.`] : []),
      ...truncationNotes(derived),
      ...(referencing.length ? [`Relations now reference ${dmModel.name}.${to}: ${referencing.join(', ')}.`] : []),
      ...compoundNameNotes(datamodel, dmModel, from),
    ],
  };
}

/**
 * The database name after the rename. A name that is already mapped (`@map` / `@@map`) does not
 * follow the Prisma name by itself: the user says whether it changes (--map) or stays (--mapOnly).
 */
function newDatabaseName(spec: RenameSpec, current: string, mapped: boolean, mappedMessage: string): string {
  if (spec.mapOnly) return current;
  if (spec.map !== undefined) return spec.map;
  if (mapped) {
    throw inputError(
      `${mappedMessage}. Say what the database name becomes: --map <new name> renames it, --mapOnly keeps ${JSON.stringify(current)}.`,
    );
  }
  return spec.to;
}

function assertFieldNameFree(model: DatamodelModel, name: string): void {
  if (model.fields.some((f) => f.name === name)) throw inputError(`Model ${model.name} already has a field named ${name}. Choose another --to.`);
}

/** Tables, implicit many-to-many tables and Prisma's own table share one namespace with the new table name. */
function assertTableNameFree(datamodel: Datamodel, model: DatamodelModel, table: string): void {
  const other = datamodel.models.find((m) => m !== model && tableName(m) === table && m.schema === model.schema);
  if (other) throw inputError(`The table ${JSON.stringify(table)} already exists (model ${other.name}). Choose another name.`);
  const joinTables = new Set(datamodel.models.flatMap((m) => m.fields.filter(isManyToMany(datamodel)).map((f) => `_${f.relationName}`)));
  if (joinTables.has(table) || table === '_prisma_migrations') throw inputError(`The table name ${JSON.stringify(table)} is taken (${table === '_prisma_migrations' ? "Prisma's migration history" : 'an implicit many-to-many table'}). Choose another name.`);
}

/**
 * Index, key and sequence names share PostgreSQL's relation namespace with tables: a derived
 * name must not be one that another object already has (nor collide with another derived one).
 */
function assertDerivedNamesFree(datamodel: Datamodel, derived: DerivedRename[]): void {
  const taken = new Map<string, string>();
  for (const m of datamodel.models) {
    taken.set(tableName(m), `the table of model ${m.name}`);
    for (const index of modelIndexes(datamodel, m.name)) taken.set(index.name, `${index.kind} of model ${m.name}`);
  }
  const renamed = new Set(derived.map((d) => d.from));
  const seen = new Map<string, DerivedRename>();
  for (const d of derived) {
    const before = seen.get(d.to);
    if (before) {
      throw inputError(
        `After the rename, the ${before.kind} ${before.from} and the ${d.kind} ${d.from} would both be named ${d.to} ` +
          '(shortened to 63 bytes). Choose a shorter name, or give one of them an explicit name with map: first.',
      );
    }
    seen.set(d.to, d);
    const owner = d.kind === 'foreign key' || d.kind === 'sequence' ? undefined : taken.get(d.to);
    if (owner && !renamed.has(d.to)) throw inputError(`The ${d.kind} ${d.from} would be renamed to ${d.to}, which is already ${owner}. Choose another name.`);
  }
}

function truncationNotes(derived: DerivedRename[]): string[] {
  const truncated = derived.filter((d) => d.truncated);
  if (!truncated.length) return [];
  return [
    `Shortened to PostgreSQL's 63 bytes, exactly as Prisma${truncated.some((d) => d.kind === 'sequence') ? ' and PostgreSQL' : ''} name them, so Prisma sees no drift: ` +
      truncated.map((d) => `${d.from} → ${d.to}`).join(', ') +
      '. Give them explicit names with map: if you prefer readable ones.',
  ];
}

function compoundNameNotes(datamodel: Datamodel, model: DatamodelModel, field: string): string[] {
  const compound = modelIndexes(datamodel, model.name).filter((i) => i.fields.length > 1 && i.fields.includes(field) && i.kind !== 'index' && !i.index.name);
  return compound.map((i) => `Prisma Client's compound ${i.kind} key ${i.fields.join('_')} changes its name with the field (findUnique where: { … }).`);
}

/** `@relation(map: "…")` of this model's relation fields: explicitly named foreign keys keep their name. */
function foreignKeyMaps(model: Model): (field: string) => string | undefined {
  return (name) => {
    const field = findField(model, name);
    const relation = field && fieldAttributes(field, 'relation')[0];
    return relation && namedArgument(relation, 'map');
  };
}

function isManyToMany(datamodel: Datamodel): (field: DatamodelField) => boolean {
  return (field) => {
    if (field.kind !== 'object' || !field.isList || field.relationFromFields?.length) return false;
    const other = datamodel.models.find((m) => m.name === field.type);
    return !!other?.fields.some((f) => f.kind === 'object' && f.relationName === field.relationName && f.isList && f !== field);
  };
}

/**
 * An implicit many-to-many table is named after the relation (by default `{A}To{B}`, from the
 * model names) and its columns A and B follow the alphabetical order of the model names. A model
 * rename must change neither: otherwise the table would need renaming and its columns swapping.
 */
function assertManyToManyUnaffected(datamodel: Datamodel, dmModel: DatamodelModel, model: Model, to: string): void {
  for (const field of dmModel.fields.filter(isManyToMany(datamodel))) {
    const table = `_${field.relationName}`;
    const other = field.type;
    const node = findField(model, field.name);
    const relation = node && fieldAttributes(node, 'relation')[0];
    const named = relation && relationNameArgument(relation) !== undefined;
    if (!named) {
      throw inputError(
        `Model ${dmModel.name} has an implicit many-to-many relation with ${other} (field ${field.name}), whose join table ${JSON.stringify(table)} is named ` +
          `after both models: renaming ${dmModel.name} would rename that table (and can swap its A/B columns), which this generator does not do. ` +
          `Fix: first name the relation on both sides, @relation(${JSON.stringify(field.relationName)}), which keeps the table, then rename; ` +
          'or turn it into an explicit join model.',
      );
    }
    if (other !== dmModel.name && dmModel.name < other !== to < other) {
      throw inputError(
        `Renaming ${dmModel.name} to ${to} changes the alphabetical order against ${other}, and with it which of the columns A and B of the ` +
          `implicit many-to-many table ${JSON.stringify(table)} holds ${dmModel.name}'s keys: the rows would have to be swapped. ` +
          'This generator does not do that: choose a name on the same side of ' + other + ', or turn the relation into an explicit join model first.',
      );
    }
  }
}

/** Relation fields typed with the renamed model, in every file, get the new type name. Returns them as Model.field. */
function retypeRelationFields(document: PrismaSchemaDocument, from: string, to: string): string[] {
  return forEachModel(
    document,
    (model) => modelFields(model).filter((f) => f.fieldType === from).map((field) => ({ model, field })),
    (found) => {
      for (const { field } of found) field.fieldType = to;
    },
  ).map(({ model, field }) => `${model.name}.${field.name}`);
}

/** `references: [from]` of relations pointing at the model, in every file, follow the renamed field. Returns them as Model.field. */
function renameReferences(document: PrismaSchemaDocument, modelName: string, from: string, to: string): string[] {
  return forEachModel(
    document,
    (model) =>
      modelFields(model)
        .filter((f) => f.fieldType === modelName)
        .flatMap((field) => fieldAttributes(field, 'relation').map((relation) => ({ model, field, relation })))
        .filter(({ relation }) => renameInFieldList(structuredClone(relation), 'references', from, to)),
    (found) => {
      for (const { relation } of found) renameInFieldList(relation, 'references', from, to);
    },
  ).map(({ model, field }) => `${model.name}.${field.name}`);
}

/** Finds nodes to change in every model of every file, and edits (re-prints) only the files that have some. */
function forEachModel<T>(document: PrismaSchemaDocument, find: (model: Model) => T[], change: (found: T[]) => void): T[] {
  const all: T[] = [];
  for (const file of document.files) {
    const found = document.ast(file.path).list.filter((b): b is Model => b.type === 'model').flatMap(find);
    if (found.length) document.edit(file.path, () => change(found));
    all.push(...found);
  }
  return all;
}
