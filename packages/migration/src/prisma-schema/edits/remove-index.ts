import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { attributeFieldList, fieldAttributes, removeFieldAttribute } from '../attribute-fields';
import { blockAttributes, findField, namedArgument, removeProperty, type Model } from '../ast';
import { tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import { describeIndex, modelIndexes, type ModelIndex } from '../model-indexes';
import type { Datamodel, DatamodelField, DatamodelModel } from '../prisma-fmt';

export interface RemoveIndexSpec {
  model: string;
  /** Database name of the index (explicit `map:` or Prisma's default name). */
  name?: string;
  /** Fields of the index, in order. */
  fields?: string[];
}

export interface RemovedIndex {
  model: string;
  name: string;
  table: string;
  schema: string | null;
  fields: string[];
  columns: string[];
  unique: boolean;
  /** Warnings about what the index served (foreign keys left without an index, client API names). */
  notes: string[];
}

/**
 * Removes an `@@index` / `@@unique` or a field's `@unique` from a model. Refuses the primary key,
 * an index that does not exist (listing those that do) and a unique that a relation needs.
 */
export function removeIndex(document: PrismaSchemaDocument, datamodel: Datamodel, spec: RemoveIndexSpec): RemovedIndex {
  const { path, model } = document.requireModel(spec.model);
  const dmModel = datamodel.models.find((m) => m.name === spec.model)!;
  const indexes = modelIndexes(datamodel, spec.model);
  const target = findIndex(spec, indexes);
  if (target.kind === 'primary key') {
    throw inputError(
      `${target.name} is the primary key of ${spec.model} (${target.fields.join(', ')}); remove-index does not drop primary keys. ` +
        `Indexes of ${spec.model} you can remove: ${removable(indexes)}.`,
    );
  }
  assertNoRelationNeedsIt(datamodel, dmModel, target, indexes);
  document.edit(path, () => removeIndexNode(model, target));
  return {
    model: spec.model,
    name: target.name,
    table: tableName(dmModel),
    schema: dmModel.schema,
    fields: target.fields,
    columns: target.columns,
    unique: target.kind === 'unique',
    notes: notesAbout(dmModel, target, indexes),
  };
}

function findIndex(spec: RemoveIndexSpec, indexes: ModelIndex[]): ModelIndex {
  const fields = (spec.fields ?? []).map((f) => f.trim()).filter(Boolean);
  const listing = `Indexes of ${spec.model}: ${indexes.map(describeIndex).join('; ') || '(none)'}.`;
  if (!spec.name && fields.length === 0) {
    throw inputError(`Say which index to remove: --name <index name> or --fields a,b. ${listing}`);
  }
  if (spec.name) {
    const byName = indexes.find((i) => i.name === spec.name);
    if (!byName) {
      throw inputError(
        `Model ${spec.model} has no index named ${JSON.stringify(spec.name)}. ${didYouMean(spec.name, indexes.map((i) => i.name))}${listing}`,
      );
    }
    if (fields.length && byName.fields.join(',') !== fields.join(',')) {
      throw inputError(`${byName.name} is on (${byName.fields.join(', ')}), not on (${fields.join(', ')}). Give --name or --fields, or both matching. ${listing}`);
    }
    return byName;
  }
  const byFields = indexes.filter((i) => i.fields.join(',') === fields.join(','));
  const candidates = byFields.filter((i) => i.kind !== 'primary key');
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    throw inputError(`Model ${spec.model} has several indexes on (${fields.join(', ')}): ${candidates.map(describeIndex).join('; ')}. Pass --name to choose one.`);
  }
  if (byFields.length) return byFields[0]; // the primary key: refused with its own message
  throw inputError(`Model ${spec.model} has no index on (${fields.join(', ')}). ${listing}`);
}

function removable(indexes: ModelIndex[]): string {
  return indexes.filter((i) => i.kind !== 'primary key').map(describeIndex).join('; ') || '(none)';
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Does another unique criterion (primary key or unique) of the model cover exactly `fields`? */
function otherUniqueOn(indexes: ModelIndex[], removed: ModelIndex, fields: string[]): boolean {
  return indexes.some((i) => i !== removed && (i.kind === 'unique' || i.kind === 'primary key') && sameSet(i.fields, fields));
}

/**
 * Prisma (and PostgreSQL) need a unique criterion in two places: the referenced side of every
 * relation (`references: [...]`: the foreign key depends on that unique index, DROP INDEX fails)
 * and the defining side of a one-to-one relation. Plain indexes are never required on PostgreSQL.
 */
function assertNoRelationNeedsIt(datamodel: Datamodel, dmModel: DatamodelModel, removed: ModelIndex, indexes: ModelIndex[]): void {
  if (removed.kind !== 'unique') return;
  for (const other of datamodel.models) {
    for (const field of other.fields) {
      if (field.kind !== 'object' || field.type !== dmModel.name || !field.relationToFields?.length) continue;
      if (sameSet(field.relationToFields, removed.fields) && !otherUniqueOn(indexes, removed, removed.fields)) {
        throw inputError(
          `${removed.name} cannot be removed: the relation ${other.name}.${field.name} references ${dmModel.name}(${removed.fields.join(', ')}), ` +
            'and a foreign key needs a unique index on the columns it references. Remove or change that relation first (remove-relation).',
        );
      }
    }
  }
  for (const field of dmModel.fields) {
    if (field.kind !== 'object' || !field.relationFromFields?.length || !sameSet(field.relationFromFields, removed.fields)) continue;
    const back = backRelation(datamodel, dmModel, field);
    if (back && !back.isList && !otherUniqueOn(indexes, removed, removed.fields)) {
      throw inputError(
        `${removed.name} cannot be removed: it makes ${dmModel.name}.${field.name} a one-to-one relation, and Prisma requires a unique ` +
          `(${removed.fields.join(', ')}) for that. To allow many ${dmModel.name} rows per ${field.type}, first change ` +
          `${field.type}.${back.name} to a list (${dmModel.name}[]), then remove the unique.`,
      );
    }
  }
}

function backRelation(datamodel: Datamodel, model: DatamodelModel, field: DatamodelField): DatamodelField | undefined {
  const other = datamodel.models.find((m) => m.name === field.type);
  return other?.fields.find((f) => f !== field && f.kind === 'object' && f.relationName === field.relationName && f.type === model.name);
}

function notesAbout(dmModel: DatamodelModel, removed: ModelIndex, indexes: ModelIndex[]): string[] {
  const notes: string[] = [];
  for (const field of dmModel.fields) {
    const fk = field.relationFromFields;
    if (field.kind !== 'object' || !fk?.length || !sameSet(removed.fields.slice(0, fk.length), fk)) continue;
    const stillCovered = indexes.some((i) => i !== removed && sameSet(i.fields.slice(0, fk.length), fk));
    if (!stillCovered) {
      notes.push(
        `${removed.name} was the only index leading with the foreign key of ${dmModel.name}.${field.name} (${fk.join(', ')}). ` +
          `PostgreSQL does not need it, but deleting or updating a ${field.type} row now scans ${dmModel.name} to check the key, ` +
          `and queries filtering on ${fk.join(', ')} lose it.`,
      );
    }
  }
  if (removed.index.name) {
    notes.push(`The compound unique had the client name ${removed.index.name}: findUnique({ where: { ${removed.index.name}: … } }) no longer compiles.`);
  } else if (removed.kind === 'unique') {
    notes.push(`${dmModel.name} can no longer be found with findUnique by (${removed.fields.join(', ')}); use findFirst.`);
  }
  return notes;
}

/** Removes the AST node: the field's `@unique` or the model's `@@index`/`@@unique` attribute. */
function removeIndexNode(model: Model, target: ModelIndex): void {
  if (target.index.isDefinedOnField) {
    const field = findField(model, target.fields[0])!;
    const attribute = fieldAttributes(field, 'unique')[0];
    if (!attribute) throw new Error(`@unique not found on ${model.name}.${field.name}`);
    removeFieldAttribute(field, attribute);
    return;
  }
  const name = target.kind === 'unique' ? 'unique' : target.kind === 'fulltext' ? 'fulltext' : 'index';
  const node = blockAttributes(model, name).find(
    (a) => attributeFieldList(a)?.join(',') === target.fields.join(',') && namedArgument(a, 'map') === target.index.dbName,
  );
  if (!node) throw new Error(`@@${name}(${target.fields.join(', ')}) not found in model ${model.name}`);
  removeProperty(model, node);
}
