import { inputError } from '../errors';
import type { ChangeType } from '../generators/migration/change-types';
import { columnName, prismaDefaultName, tableName } from '../prisma-schema/constraint-names';
import { hasIndexStartingWith } from '../prisma-schema/edits/foreign-key-index';
import type { Datamodel, DatamodelField, DatamodelIndex, DatamodelModel } from '../prisma-schema/prisma-fmt';

/**
 * From Prisma's datamodel before and after a hand edit to the change requests the ten generators
 * take — the same options a user would pass on the command line — so that `dev` and the generators
 * meet in the same functions and write the same migrations.
 */

/** One recognised change: which generator, with which options (no project, name or shared flags). */
export interface ChangeRequest {
  type: ChangeType;
  options: Record<string, unknown>;
  /** For the plan: `add column User.preferences Json?`. */
  label: string;
  /** What the change removes, for --confirmDataLoss (removals and narrowing type changes). */
  loss?: string;
  /** A required field without a default: which field needs --backfill. */
  needsBackfill?: string;
}

/** A field (or model) gone and another of a compatible type appeared: a rename, or a drop + add? */
export interface RenameCandidate {
  /** `Order.note` for a field, `Order` for a model. */
  from: string;
  /** The new name (of the field, or of the model). */
  to: string;
}

/** The user's answers: `Order.note` → `comment` is a rename; absent = drop + add. */
export type RenameDecisions = Map<string, string>;

export interface Classification {
  changes: ChangeRequest[];
  /** Pairs that may be renames and were not decided: dev asks, or refuses naming them. */
  undecided: RenameCandidate[];
  /** Differences no recipe covers (Prisma's SQL is written for them, flagged). */
  unsupported: string[];
}

export interface ClassifyInput {
  before: Datamodel;
  after: Datamodel;
  renames: RenameDecisions;
  /** --backfill: `Model.field` → value, or `sql:<expression>`. */
  backfills: Map<string, string>;
  /** --map / --cast of a type change: `Model.field` → a JSON value map, or an SQL expression. */
  conversions?: { maps: Map<string, Record<string, string>>; casts: Map<string, string> };
  confirmDataLoss: boolean;
}

/**
 * The order that applies: renames first (later changes use the new names), tables before the
 * relations that reference them, expand (additions, type changes) before contract (removals).
 */
const ORDER: ChangeType[] = [
  'rename',
  'add_table',
  'add_column',
  'modify_column',
  'add_relation',
  'add_index',
  'remove_index',
  'remove_relation',
  'remove_column',
  'remove_table',
];

export function classify(input: ClassifyInput): Classification {
  const { before, after, renames } = input;
  const changes: ChangeRequest[] = [];
  const undecided: RenameCandidate[] = [];
  const unsupported: string[] = [];
  const afterNames = new Set(after.models.map((m) => m.name));
  const beforeNames = new Set(before.models.map((m) => m.name));

  // Models: a model gone and one added with the same columns may be a rename.
  const gone = before.models.filter((m) => !afterNames.has(m.name));
  const added = after.models.filter((m) => !beforeNames.has(m.name));
  const modelPairs: [DatamodelModel, DatamodelModel][] = after.models.flatMap((m) => {
    const old = before.models.find((b) => b.name === m.name);
    return old ? [[old, m] as [DatamodelModel, DatamodelModel]] : [];
  });
  const renamedModels = new Set<string>();
  for (const old of gone) {
    const decided = renames.get(old.name);
    const target = decided ? added.find((m) => m.name === decided) : undefined;
    if (target) {
      changes.push({ type: 'rename', options: { targetTable: old.name, to: target.name }, label: `rename model ${old.name} → ${target.name}` });
      modelPairs.push([old, target]);
      renamedModels.add(old.name).add(target.name);
      continue;
    }
    if (renames.has(old.name)) continue; // answered: drop + add
    for (const candidate of added) if (sameColumns(old, candidate)) undecided.push({ from: old.name, to: candidate.name });
  }
  const modelRename = (name: string) => (renamedModels.has(name) ? (renames.get(name) ?? name) : name);

  for (const model of added) {
    if (renamedModels.has(model.name)) continue;
    changes.push(addTable(model, after));
  }
  for (const model of gone) {
    if (renamedModels.has(model.name)) continue;
    changes.push({
      type: 'remove_table',
      options: { targetTable: model.name, confirmDataLoss: input.confirmDataLoss || undefined },
      label: `remove model ${model.name} (moved to _forge_backup)`,
      loss: `table ${model.name} and its rows`,
    });
  }

  for (const [old, now] of modelPairs) {
    const fieldRenames = compareModel(old, now, input, changes, undecided, unsupported);
    compareIndexes(old, now, fieldRenames, modelRename, input, changes);
  }
  unsupported.push(...enumChanges(input, changes));
  const rank = (c: ChangeRequest) => ORDER.indexOf(c.type);
  return { changes: changes.map((c, i) => [c, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([c]) => c), undecided, unsupported };
}

function compareModel(
  old: DatamodelModel,
  now: DatamodelModel,
  input: ClassifyInput,
  changes: ChangeRequest[],
  undecided: RenameCandidate[],
  unsupported: string[],
): Map<string, string> {
  const model = now.name;
  const columns = (m: DatamodelModel) => m.fields.filter((f) => f.kind !== 'object');
  const relations = (m: DatamodelModel) => m.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length);
  const addedRelations = relations(now).filter((r) => !relations(old).some((o) => o.name === r.name));
  const goneRelations = relations(old).filter((r) => !relations(now).some((n) => n.name === r.name));
  // Foreign-key fields of a new relation come with it (add-relation creates them).
  const relationKeys = new Set(addedRelations.flatMap((r) => r.relationFromFields ?? []));

  const goneFields = columns(old).filter((f) => !now.fields.some((n) => n.name === f.name));
  const newFields = columns(now).filter((f) => !old.fields.some((o) => o.name === f.name));
  const fieldRenames = new Map<string, string>();
  for (const field of goneFields) {
    const key = `${old.name}.${field.name}`;
    const decided = input.renames.get(key);
    const target = decided ? newFields.find((f) => f.name === decided) : undefined;
    if (target) {
      fieldRenames.set(field.name, target.name);
      changes.push({ type: 'rename', options: { targetTable: model, field: field.name, to: target.name }, label: `rename field ${model}.${field.name} → ${target.name}` });
      compareField(model, field, target, input, changes, unsupported);
      continue;
    }
    if (!input.renames.has(key)) for (const f of newFields) if (compatible(field, f)) undecided.push({ from: key, to: f.name });
  }
  const renamedTo = new Set(fieldRenames.values());

  for (const field of newFields) {
    if (renamedTo.has(field.name) || relationKeys.has(field.name)) continue;
    if (field.kind === 'enum' && !input.before.enums.some((e) => e.name === field.type)) {
      unsupported.push(`new field ${model}.${field.name} of the new enum ${field.type} (add-column takes existing enums: add the enum first)`);
      continue;
    }
    changes.push(addColumn(model, field, input));
  }
  for (const field of columns(now)) {
    const previous = old.fields.find((o) => o.name === field.name && o.kind !== 'object');
    if (previous) compareField(model, previous, field, input, changes, unsupported);
  }
  for (const relation of addedRelations) changes.push(addRelation(now, relation, old, input.after));
  for (const relation of goneRelations) {
    changes.push({ type: 'remove_relation', options: { targetTable: model, field: relation.name }, label: `remove relation ${model}.${relation.name} (its foreign key)` });
  }
  for (const field of goneFields) {
    if (fieldRenames.has(field.name)) continue;
    changes.push({
      type: 'remove_column',
      options: { targetTable: model, column: field.name, confirmDataLoss: input.confirmDataLoss || undefined },
      label: `remove field ${model}.${field.name} (values kept in _forge_backup)`,
      loss: `column ${model}.${field.name} and its values`,
    });
  }
  for (const relation of relations(now)) {
    const previous = relations(old).find((o) => o.name === relation.name);
    if (previous && relationShape(previous) !== relationShape(relation)) unsupported.push(`relation ${model}.${relation.name} changed (${relationShape(previous)} → ${relationShape(relation)})`);
  }
  return fieldRenames;
}

/** Enum edits no change above makes: values added, removed or renamed, enums added unused or removed. */
function enumChanges(input: ClassifyInput, changes: ChangeRequest[]): string[] {
  const created = new Set(changes.flatMap((c) => (c.type === 'modify_column' && typeof c.options.type === 'string' ? [c.options.type] : [])));
  const values = (e: Datamodel['enums'][number]) => e.values.map((v) => v.dbName ?? v.name).join(', ');
  const found: string[] = [];
  for (const now of input.after.enums) {
    const old = input.before.enums.find((e) => e.name === now.name);
    if (!old && !created.has(now.name) && !unsupportedUses(input, now.name)) found.push(`new enum ${now.name} (${values(now)})`);
    else if (old && values(old) !== values(now)) found.push(`enum ${now.name}: ${values(old)} → ${values(now)}`);
  }
  for (const old of input.before.enums) if (!input.after.enums.some((e) => e.name === old.name)) found.push(`enum ${old.name} removed`);
  return found;
}

/** A new enum that a field added with it uses (already reported with that field). */
function unsupportedUses(input: ClassifyInput, name: string): boolean {
  return input.after.models.some((m) => m.fields.some((f) => f.type === name && !input.before.models.find((b) => b.name === m.name)?.fields.some((o) => o.name === f.name)));
}

/** Type, native type, nullability and default of a field that stays: one modify-column change. */
function compareField(model: string, old: DatamodelField, now: DatamodelField, input: ClassifyInput, changes: ChangeRequest[], unsupported: string[]): void {
  const options: Record<string, unknown> = {};
  const what: string[] = [];
  if ((old.dbName ?? null) !== (now.dbName ?? null)) unsupported.push(`column name of ${model}.${now.name} (@map ${old.dbName ?? old.name} → ${now.dbName ?? now.name})`);
  if (old.isList !== now.isList) {
    unsupported.push(`${model}.${now.name} becomes ${now.isList ? 'a list' : 'a single value'}`);
    return;
  }
  if (old.type !== now.type || nativeType(old) !== nativeType(now)) {
    if (old.type !== now.type) options.type = now.type;
    if (nativeType(now)) options.dbType = nativeType(now);
    else if (nativeType(old)) options.type = now.type; // back to the type's default column type
    const key = `${model}.${now.name}`;
    const map = input.conversions?.maps.get(key);
    const cast = input.conversions?.casts.get(key);
    if (map) options.map = map;
    if (cast !== undefined) options.cast = cast;
    // A type that is an enum new in this edit: modify-column creates it (from the map, or with its values).
    const newEnum = now.kind === 'enum' && !input.before.enums.some((e) => e.name === now.type) ? input.after.enums.find((e) => e.name === now.type) : undefined;
    if (newEnum && !map) options.enumValues = newEnum.values.map((v) => v.name);
    what.push(`type ${describeType(old)} → ${describeType(now)}${map ? ' (value map)' : cast !== undefined ? ` (cast ${cast})` : ''}`);
  }
  if (old.isRequired && !now.isRequired) {
    options.optional = true;
    what.push('may be empty');
  } else if (!old.isRequired && now.isRequired) {
    options.required = true;
    const key = `${model}.${now.name}`;
    const backfill = input.backfills.get(key);
    // modify-column fills NULLs with a value only: an SQL backfill would otherwise vanish without a word.
    if (backfill?.startsWith('sql:')) {
      throw inputError(
        `--backfill ${key}=sql:… cannot fill an existing column that becomes required: modify-column takes a value (--backfill ${key}=<value>). ` +
          `For values computed from the row, first run a data migration that fills the NULLs, then make the field required.`,
      );
    }
    if (backfill !== undefined) options.backfillValue = backfill;
    what.push('becomes required');
  }
  const [before, after] = [defaultText(old), defaultText(now)];
  if (before !== after) {
    if (after === undefined) options.dropDefault = true;
    else if (!(options.type && isClientSide(after))) options.default = after;
    what.push(after === undefined ? 'default dropped' : `default ${after}`);
  }
  if (!what.length) return;
  const narrowing = options.type !== undefined;
  changes.push({
    type: 'modify_column',
    options: { targetTable: model, column: now.name, ...options, ...(narrowing && input.confirmDataLoss ? { confirmDataLoss: true } : {}) },
    label: `change ${model}.${now.name}: ${what.join(', ')}`,
  });
}

function addColumn(model: string, field: DatamodelField, input: ClassifyInput): ChangeRequest {
  const spec: Record<string, unknown> = { name: field.name, type: field.type };
  if (!field.isRequired) spec.optional = true;
  if (field.isList) spec.list = true;
  const value = defaultText(field);
  if (value !== undefined) spec.default = value;
  if (nativeType(field)) spec.dbType = nativeType(field);
  if (field.isUnique) spec.unique = true;
  if (field.dbName) spec.map = field.dbName;
  const required = field.isRequired && value === undefined && !field.isList;
  const backfill = input.backfills.get(`${model}.${field.name}`);
  if (required && backfill !== undefined) {
    if (backfill.startsWith('sql:')) spec.backfillSql = backfill.slice(4);
    else spec.backfillValue = backfill;
  }
  return {
    type: 'add_column',
    options: { targetTable: model, ...spec },
    label: `add field ${model}.${field.name} ${describeType(field)}${value !== undefined ? ` @default(${value})` : ''}`,
    ...(required && backfill === undefined ? { needsBackfill: `${model}.${field.name}` } : {}),
  };
}

function addRelation(owner: DatamodelModel, relation: DatamodelField, old: DatamodelModel, after: Datamodel): ChangeRequest {
  const model = owner.name;
  const options: Record<string, unknown> = {
    targetTable: model,
    field: relation.name,
    references: relation.type,
    fields: relation.relationFromFields,
    referencedFields: relation.relationToFields,
  };
  const back = backRelation(after, relation);
  if (back) options.backRelationField = back;
  // The index on the key is the user's: theirs by its name, or none (a longer one is added by add-index).
  const keyIndex = modelIndexes(after, model).find((i) => i.type === 'normal' && i.fields.map((f) => f.name).join(',') === (relation.relationFromFields ?? []).join(','));
  if (keyIndex) options.indexName = indexName(owner, keyIndex);
  else options.index = false;
  if (relation.relationName && relation.relationName !== defaultRelationName(model, relation.type)) options.relationName = relation.relationName;
  if (!relation.isRequired) options.optional = true;
  if (relation.relationOnDelete) options.onDelete = relation.relationOnDelete;
  if (relation.relationOnUpdate) options.onUpdate = relation.relationOnUpdate;
  const existing = (relation.relationFromFields ?? []).filter((f) => old.fields.some((o) => o.name === f));
  return {
    type: 'add_relation',
    options,
    label: `add relation ${model}.${relation.name} → ${relation.type} (${(relation.relationFromFields ?? []).join(', ')}${existing.length ? '' : ', new'})`,
  };
}

/** The field on the referenced model that holds the other side of the relation. */
function backRelation(after: Datamodel, relation: DatamodelField): string | undefined {
  const other = after.models.find((m) => m.name === relation.type);
  return other?.fields.find((f) => f.kind === 'object' && f.relationName === relation.relationName && f !== relation && !f.relationFromFields?.length)?.name;
}

/** Prisma's name for an unnamed relation: both model names, sorted, joined by "To". */
function defaultRelationName(a: string, b: string): string {
  return [a, b].sort().join('To');
}

function addTable(model: DatamodelModel, after: Datamodel): ChangeRequest {
  const relations = model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length);
  const keys = new Set(relations.flatMap((r) => r.relationFromFields ?? []));
  const idField = model.fields.find((f) => f.isId);
  const fields = model.fields
    .filter((f) => f.kind !== 'object' && !f.isId && !keys.has(f.name))
    .map((f) => {
      const spec: Record<string, unknown> = { name: f.name, type: f.type };
      if (!f.isRequired) spec.optional = true;
      if (f.isList) spec.list = true;
      const value = defaultText(f);
      if (value !== undefined) spec.default = value;
      if (nativeType(f)) spec.dbType = nativeType(f);
      if (f.isUnique) spec.unique = true;
      if (f.dbName) spec.map = f.dbName;
      return spec;
    });
  const id = idField ? { name: idField.name, type: idField.type, ...(defaultText(idField) ? { default: defaultText(idField) } : {}), ...(nativeType(idField) ? { dbType: nativeType(idField) } : {}) } : undefined;
  const indexes = modelIndexes(after, model.name)
    .filter((i) => !i.isDefinedOnField)
    .map((i) => ({ fields: i.fields.map((f) => f.name), ...(i.type === 'unique' ? { unique: true } : {}), name: indexName(model, i) }));
  return {
    type: 'add_table',
    options: {
      name: model.name,
      fields,
      ...(id ? { id } : {}),
      relations: relations.map((r) => ({
        field: r.name,
        references: r.type,
        fields: r.relationFromFields,
        referencedFields: r.relationToFields,
        ...(r.isRequired ? {} : { optional: true }),
        ...(r.relationOnDelete ? { onDelete: r.relationOnDelete } : {}),
        ...(r.relationOnUpdate ? { onUpdate: r.relationOnUpdate } : {}),
        ...(backRelation(after, r) ? { backRelationField: backRelation(after, r) } : {}),
        // add-table indexes the key unless the user's indexes already do; an unindexed key stays the user's choice.
        ...(hasIndexStartingWith(after, model, r.relationFromFields ?? []) ? {} : { index: false }),
        ...(r.relationName && r.relationName !== defaultRelationName(model.name, r.type) ? { relationName: r.relationName } : {}),
      })),
      indexes,
      ...(model.dbName ? { map: model.dbName } : {}),
    },
    label: `add model ${model.name} (${model.fields.filter((f) => f.kind !== 'object').length} columns${relations.length ? `, relations to ${relations.map((r) => r.type).join(', ')}` : ''})`,
  };
}

/** Indexes and uniques (not primary keys) compared by their fields, renamed fields followed. */
function compareIndexes(
  old: DatamodelModel,
  now: DatamodelModel,
  fieldRenames: Map<string, string>,
  modelRename: (name: string) => string,
  input: ClassifyInput,
  changes: ChangeRequest[],
): void {
  const key = (i: DatamodelIndex, rename = (f: string) => f) => `${i.type === 'unique' ? 'unique' : 'index'}(${i.fields.map((f) => rename(f.name)).join(', ')})`;
  const before = modelIndexes(input.before, old.name);
  const after = modelIndexes(input.after, now.name);
  const beforeKeys = new Set(before.map((i) => key(i, (f) => fieldRenames.get(f) ?? f)));
  const afterKeys = new Set(after.map((i) => key(i)));
  const newKeys = new Set(newRelationKeys(old, now));
  for (const index of after) {
    if (beforeKeys.has(key(index))) continue;
    // A new field's @unique comes with it (add-column writes it).
    if (index.isDefinedOnField && index.fields.every((f) => !old.fields.some((o) => (fieldRenames.get(o.name) ?? o.name) === f.name))) continue;
    // add-relation adds the index on a new foreign key itself.
    if (index.type === 'normal' && newKeys.has(index.fields.map((f) => f.name).join(','))) continue;
    const fields = index.fields.map((f) => f.name);
    changes.push({
      type: 'add_index',
      options: { targetTable: now.name, fields, ...(index.type === 'unique' ? { unique: true } : {}), name: indexName(now, index) },
      label: `add ${index.type === 'unique' ? 'unique ' : ''}index ${now.name}(${fields.join(', ')}) (built CONCURRENTLY)`,
    });
  }
  for (const index of before) {
    if (afterKeys.has(key(index, (f) => fieldRenames.get(f) ?? f))) continue;
    const fields = index.fields.map((f) => fieldRenames.get(f.name) ?? f.name);
    // A removed field takes its indexes with it (remove-column handles them).
    if (fields.some((f) => !now.fields.some((n) => n.name === f))) continue;
    changes.push({
      type: 'remove_index',
      options: { targetTable: modelRename(old.name), fields },
      label: `remove ${index.type === 'unique' ? 'unique ' : ''}index ${now.name}(${fields.join(', ')}) (DROP INDEX CONCURRENTLY)`,
    });
  }
}

/** Foreign-key field lists of the relations added to the model. */
function newRelationKeys(old: DatamodelModel, now: DatamodelModel): string[] {
  return now.fields
    .filter((f) => f.kind === 'object' && f.relationFromFields?.length && !old.fields.some((o) => o.name === f.name))
    .map((f) => (f.relationFromFields ?? []).join(','));
}

function modelIndexes(datamodel: Datamodel, model: string): DatamodelIndex[] {
  return datamodel.indexes.filter((i) => i.model === model && (i.type === 'normal' || i.type === 'unique'));
}

/** The index's name in the database: its `map:`, or the name Prisma gives it. */
function indexName(model: DatamodelModel, index: DatamodelIndex): string {
  const columns = index.fields.map((f) => columnName(model, f.name));
  return index.dbName ?? prismaDefaultName(tableName(model), columns, index.type === 'unique' ? 'key' : 'idx');
}

function sameColumns(a: DatamodelModel, b: DatamodelModel): boolean {
  const shape = (m: DatamodelModel) =>
    m.fields
      .filter((f) => f.kind !== 'object')
      .map((f) => `${f.name}:${describeType(f)}`)
      .sort()
      .join(',');
  return shape(a) === shape(b);
}

/** Same Prisma type and list-ness: the values would carry over unchanged. */
function compatible(a: DatamodelField, b: DatamodelField): boolean {
  return a.type === b.type && a.isList === b.isList && nativeType(a) === nativeType(b);
}

function relationShape(field: DatamodelField): string {
  return `${field.type}(${(field.relationFromFields ?? []).join(',')}→${(field.relationToFields ?? []).join(',')}) onDelete ${field.relationOnDelete ?? 'default'} onUpdate ${field.relationOnUpdate ?? 'default'}`;
}

function nativeType(field: DatamodelField): string | undefined {
  if (!field.nativeType) return undefined;
  const [name, args] = field.nativeType;
  return args.length ? `${name}(${args.join(', ')})` : name;
}

function describeType(field: DatamodelField): string {
  return `${field.type}${field.isList ? '[]' : field.isRequired ? '' : '?'}${nativeType(field) ? ` @db.${nativeType(field)}` : ''}`;
}

/** The default as --default takes it: `now()`, `dbgenerated("…")`, or the literal value. */
export function defaultText(field: DatamodelField): string | undefined {
  const value = field.default;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const call = value as { name: string; args?: unknown[] };
    return `${call.name}(${(call.args ?? []).map((a) => (typeof a === 'string' ? JSON.stringify(a) : String(a))).join(', ')})`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isClientSide(value: string): boolean {
  return /^(cuid|uuid|nanoid|ulid)\(/.test(value);
}
