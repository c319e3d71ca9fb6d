import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { findField, namedArgument, removeProperty } from '../ast';
import type { PrismaSchemaDocument } from '../document';
import type { Datamodel, DatamodelField, DatamodelModel } from '../prisma-fmt';
import { requireDatamodelModel } from './add-relation';
import { foreignKeyRef, type ForeignKeyRef } from './foreign-key';
import { withArticle } from './relation-naming';

export interface RemoveRelationSpec {
  model: string;
  /** Either side of the relation: the field holding the foreign key, or the back-relation field. */
  field: string;
}

export interface RemovedRelation extends ForeignKeyRef {
  /** The model holding the foreign key and its relation field. */
  model: string;
  field: string;
  references: string;
  backRelationField?: string;
  /** Scalar foreign-key fields, kept in the schema and the database. */
  fields: string[];
  notes: string[];
}

/**
 * Removes a relation from the schema: the relation field and its back-relation field. The scalar
 * foreign-key fields stay (with their values and indexes); only the constraint goes.
 */
export function removeRelation(document: PrismaSchemaDocument, datamodel: Datamodel, spec: RemoveRelationSpec): RemovedRelation {
  const notes: string[] = [];
  document.requireModel(spec.model, 'targetTable');
  const named = requireDatamodelModel(datamodel, spec.model);
  const field = named.fields.find((f) => f.name === spec.field);
  const relations = named.fields.filter((f) => f.kind === 'object').map((f) => f.name);
  if (!field) {
    throw inputError(
      `Model ${spec.model} has no field ${JSON.stringify(spec.field)}. ${didYouMean(spec.field, relations)}` +
        `Its relation fields: ${relations.join(', ') || '(none)'}.`,
    );
  }
  if (field.kind !== 'object') {
    throw inputError(`${spec.model}.${spec.field} is ${withArticle(field.type)} column, not a relation. Its relation fields: ${relations.join(', ') || '(none)'}.`);
  }

  // The side with `fields:` holds the foreign key; accept the back-relation side too.
  let owner = { model: named, field };
  let other = oppositeField(datamodel, named, field);
  if (!field.relationFromFields?.length) {
    if (!other?.field.relationFromFields?.length) {
      throw inputError(
        `${spec.model}.${spec.field} is an implicit many-to-many relation (a join table managed by Prisma), which has no foreign-key column to keep. ` +
          'Removing it drops the join table and its rows: use remove-table on the join table instead.',
      );
    }
    notes.push(`${spec.model}.${spec.field} is the back-relation of ${other.model.name}.${other.field.name}, which holds the foreign key: both are removed.`);
    [owner, other] = [other, owner];
  }
  const parent = requireDatamodelModel(datamodel, owner.field.type);
  const located = document.requireModel(owner.model.name);
  const node = findField(located.model, owner.field.name)!;
  const relationAttribute = node.attributes?.find((a) => a.name === 'relation');
  const constraintName = relationAttribute ? namedArgument(relationAttribute, 'map') : undefined;
  const fk = foreignKeyRef(owner.model, owner.field.relationFromFields!, parent, owner.field.relationToFields ?? [], constraintName);

  document.edit(located.path, () => removeProperty(located.model, node));
  if (other) {
    const otherLocated = document.requireModel(other.model.name);
    const otherNode = findField(otherLocated.model, other.field.name)!;
    document.edit(otherLocated.path, () => removeProperty(otherLocated.model, otherNode));
  }
  notes.push(
    `${owner.model.name}.${owner.field.relationFromFields!.join(', ')} stay${owner.field.relationFromFields!.length > 1 ? '' : 's'} (column, values and indexes); only the foreign key ${fk.constraint} is dropped.`,
  );
  return {
    ...fk,
    model: owner.model.name,
    field: owner.field.name,
    references: parent.name,
    backRelationField: other?.field.name,
    fields: owner.field.relationFromFields!,
    notes,
  };
}

/** The field on the other side of a relation (same relation name, other field). */
function oppositeField(datamodel: Datamodel, model: DatamodelModel, field: DatamodelField): { model: DatamodelModel; field: DatamodelField } | undefined {
  const target = datamodel.models.find((m) => m.name === field.type);
  const opposite = target?.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && f.type === model.name && !(target === model && f.name === field.name));
  return target && opposite ? { model: target, field: opposite } : undefined;
}
