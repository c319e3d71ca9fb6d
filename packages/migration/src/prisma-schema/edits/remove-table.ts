import { findField } from '../ast';
import { tableName } from '../constraint-names';
import type { PrismaSchemaDocument } from '../document';
import type { Datamodel, DatamodelModel } from '../prisma-fmt';
import { removeBlockWithDocs, removeFieldWithDocs } from '../schema-removal';

export interface RemovedRelationField {
  /** The model that keeps existing and loses the field. */
  model: string;
  field: string;
  /** Scalar foreign-key fields of that model which stay (with their values) when it held the key. */
  keptForeignKeyFields: string[];
}

export interface RemovedTable {
  model: string;
  table: string;
  /** Relation fields of other models that pointed at the removed model (Prisma needs both sides gone). */
  relationFields: RemovedRelationField[];
  /** Models the removed one has implicit many-to-many relations with (their join tables go too). */
  manyToMany: string[];
  /** Enums only the removed model used: they leave the schema (and move with the table). */
  enums: { name: string; dbName: string }[];
}

/**
 * Removes a model, the relation fields of other models that point at it (their scalar foreign-key
 * fields stay), and the enums no other model uses.
 */
export function removeTable(document: PrismaSchemaDocument, datamodel: Datamodel, modelName: string): RemovedTable {
  const located = document.requireModel(modelName);
  const target = datamodel.models.find((m) => m.name === modelName)!;
  const others = datamodel.models.filter((m) => m.name !== modelName);
  const relationFields = others.flatMap((model) =>
    model.fields
      .filter((f) => f.kind === 'object' && f.type === modelName)
      .map((f) => ({ model: model.name, field: f.name, keptForeignKeyFields: f.relationFromFields ?? [] })),
  );
  const enums = enumsOnlyUsedBy(datamodel, target, others);
  for (const relation of relationFields) {
    const { path, model } = document.requireModel(relation.model);
    document.edit(path, () => removeFieldWithDocs(model, findField(model, relation.field)!));
  }
  document.edit(located.path, (schema) => removeBlockWithDocs(schema, located.model));
  for (const e of enums) {
    const found = document.locateEnum(e.name);
    if (found) document.edit(found.path, (schema) => removeBlockWithDocs(schema, found.enum));
  }
  return { model: modelName, table: tableName(target), relationFields, manyToMany: manyToManyPartners(target, datamodel), enums };
}

function enumsOnlyUsedBy(datamodel: Datamodel, target: DatamodelModel, others: DatamodelModel[]): { name: string; dbName: string }[] {
  const used = new Set(target.fields.filter((f) => f.kind === 'enum').map((f) => f.type));
  for (const model of others) for (const f of model.fields) if (f.kind === 'enum') used.delete(f.type);
  return datamodel.enums.filter((e) => used.has(e.name)).map((e) => ({ name: e.name, dbName: e.dbName ?? e.name }));
}

/** Implicit many-to-many: a list relation field with no `fields:` whose other side is a list too. */
function manyToManyPartners(target: DatamodelModel, datamodel: Datamodel): string[] {
  return target.fields
    .filter((f) => f.kind === 'object' && f.isList && !f.relationFromFields?.length)
    .filter((f) => {
      const other = datamodel.models.find((m) => m.name === f.type);
      return other?.fields.some((o) => o.kind === 'object' && o.relationName === f.relationName && o.isList && o !== f);
    })
    .map((f) => f.type);
}
