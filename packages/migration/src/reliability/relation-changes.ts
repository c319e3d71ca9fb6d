import { oneOfSteps, step, type StepArbitrary } from './change';
import { lowerFirst, modelNamed, related, withModel, type RelationState, type SchemaState } from './schema-state';

/** The relation `from` → `to` as the property names it: field `vendor`, key `vendorId`, back-relation `accounts`. */
export function relationTo(from: string, to: string): RelationState {
  // A self-relation: `parent` / `parentId` / `children`, named for Prisma.
  if (from === to) return { field: 'parent', references: to, fkField: 'parentId', backField: 'children', name: `${to}Tree` };
  return { field: lowerFirst(to), references: to, fkField: `${lowerFirst(to)}Id`, backField: `${lowerFirst(from)}s` };
}

/**
 * `state` with an optional relation `from` → `to`: a nullable key of the referenced id's type,
 * and the index on it that add-relation and add-table create unless one already starts with it.
 */
export function withRelation(state: SchemaState, from: string, to: string): SchemaState {
  const relation = relationTo(from, to);
  const idType = modelNamed(state, to).idType;
  return withModel(state, from, (m) => ({
    ...m,
    fields: [...m.fields, { name: relation.fkField, type: idType, optional: true }],
    relations: [...m.relations, relation],
    indexes: m.indexes.some((index) => index[0] === relation.fkField) ? m.indexes : [...m.indexes, [relation.fkField]],
  }));
}

/**
 * add-relation: an optional relation between two different models not related yet, whose key
 * column does not exist (an existing column would hold seeded values that reference nothing).
 */
export const addRelation: StepArbitrary = (state) =>
  oneOfSteps(
    state.models.flatMap((from) =>
      state.models
        .filter((to) => to.name !== from.name && !related(state, from.name, to.name))
        .filter((to) => !from.fields.some((f) => f.name === relationTo(from.name, to.name).fkField))
        .map((to) => {
          const { field, backField } = relationTo(from.name, to.name);
          return step(
            'add-relation',
            { targetTable: from.name, field, references: to.name, optional: true, backRelationField: backField },
            withRelation(state, from.name, to.name),
          );
        }),
    ),
  );

/** remove-relation: drops the foreign key; the key column and its index stay. */
export const removeRelation: StepArbitrary = (state) =>
  oneOfSteps(
    state.models.flatMap((model) =>
      model.relations.map((relation) =>
        step(
          'remove-relation',
          { targetTable: model.name, field: relation.field },
          withModel(state, model.name, (m) => ({ ...m, relations: m.relations.filter((r) => r.field !== relation.field) })),
        ),
      ),
    ),
  );
