import type { DatamodelField, DatamodelModel } from './prisma-fmt';

/**
 * The fields batched work pages on and backups are keyed by: the primary key (`@id`, or every
 * field of `@@id`), else — a model without one — its first unique key whose fields are all
 * required scalars (`@unique`, then `@@unique([a, b])`): never NULL, so every row is reached once.
 * Empty when the model has neither. `without` leaves out fields about to be removed.
 */
export function batchKeyFields(model: DatamodelModel, without: readonly string[] = []): string[] {
  if (model.primaryKey?.fields.length) return model.primaryKey.fields;
  const id = model.fields.filter((f) => f.isId).map((f) => f.name);
  if (id.length) return id;
  const usable = (names: string[]) => names.length > 0 && names.every((name) => !without.includes(name) && isKeyColumn(model.fields.find((f) => f.name === name)));
  const single = model.fields.find((f) => f.isUnique && usable([f.name]));
  if (single) return [single.name];
  // get_datamodel lists @@unique field sets in `uniqueFields` (not in this project's DMMF subset).
  const compound = ((model as { uniqueFields?: string[][] }).uniqueFields ?? []).find(usable);
  return compound ?? [];
}

function isKeyColumn(field: DatamodelField | undefined): boolean {
  return !!field && (field.kind === 'scalar' || field.kind === 'enum') && field.isRequired && !field.isList;
}
