import fc from 'fast-check';
import { oneOfSteps, step, type StepArbitrary } from './change';
import { relationTo, withRelation } from './relation-changes';
import {
  DEFAULTS,
  FIELD_NAMES,
  incomingRelations,
  isIndexable,
  MODEL_NAMES,
  SCALAR_TYPES,
  UNIQUE_TYPES,
  unusedNames,
  withTaken,
  type FieldState,
  type ModelState,
  type ScalarType,
  type SchemaState,
} from './schema-state';

const MAX_NEW_FIELDS = 3;
type Shape = 'required' | 'optional' | 'default' | 'unique';

/** add-table: a model with one to three fields, maybe an optional relation to an existing model and an index. */
export const addTable: StepArbitrary = (state) => {
  const [name] = unusedNames(state, MODEL_NAMES);
  const fieldNames = unusedNames(state, FIELD_NAMES).slice(0, MAX_NEW_FIELDS);
  if (!name || !fieldNames.length) return undefined;
  return fc
    .record({
      fields: fc.integer({ min: 1, max: fieldNames.length }).chain((n) => fc.tuple(...fieldNames.slice(0, n).map(newTableField))),
      idType: fc.constantFrom<ModelState['idType']>('Int', 'BigInt'),
      reference: state.models.length ? fc.option(fc.constantFrom(...state.models.map((m) => m.name)), { nil: undefined }) : fc.constant(undefined),
      indexFirst: fc.boolean(),
    })
    .map(({ fields, idType, reference, indexFirst }) => {
      const indexes = indexFirst && isIndexable(fields[0]) ? [[fields[0].name]] : [];
      const relation = reference ? relationTo(name, reference) : undefined;
      const options = {
        name,
        ...(idType === 'BigInt' ? { id: 'BigInt' } : {}),
        fields: JSON.stringify(fields.map(({ optional, ...rest }) => (optional ? { ...rest, optional } : rest))),
        ...(relation ? { relations: JSON.stringify([{ field: relation.field, references: reference, optional: true, backRelationField: relation.backField }]) } : {}),
        ...(indexes.length ? { indexes: JSON.stringify(indexes.map((f) => ({ fields: f }))) } : {}),
      };
      const added: SchemaState = withTaken({ ...state, models: [...state.models, { name, idType, fields, indexes, relations: [] }] }, name, ...fields.map((f) => f.name));
      return step('add-table', options, reference ? withRelation(added, name, reference) : added);
    });
};

function newTableField(name: string): fc.Arbitrary<FieldState> {
  return fc.tuple(fc.constantFrom(...SCALAR_TYPES), fc.constantFrom<Shape>('required', 'optional', 'default', 'unique')).map(([type, shape]: [ScalarType, Shape]) => {
    if (shape === 'default' && DEFAULTS[type].length) return { name, type, optional: false, default: DEFAULTS[type][0] };
    if (shape === 'unique' && UNIQUE_TYPES.includes(type)) return { name, type, optional: false, unique: true };
    return { name, type, optional: shape === 'optional' };
  });
}

/** remove-table: a model no other model refers to (its own relations go with it). */
export const removeTable: StepArbitrary = (state) =>
  oneOfSteps(
    state.models
      .filter((model) => incomingRelations(state, model.name).length === 0)
      // The last model goes only when no enum stays behind (an enum without models is left out of Prisma's introspection).
      .filter(() => state.models.length > 1 || state.enums.length === 0)
      .map((model) => step('remove-table', { targetTable: model.name, confirmDataLoss: true }, { ...state, models: state.models.filter((m) => m !== model) })),
  );

/** rename (model): to a name never used before; relations to it follow. */
export const renameModel: StepArbitrary = (state) => {
  const [to] = unusedNames(state, MODEL_NAMES);
  if (!to) return undefined;
  return oneOfSteps(
    state.models.map((model) =>
      step(
        'rename',
        { targetTable: model.name, to },
        withTaken(
          {
            ...state,
            models: state.models.map((m) => ({
              ...m,
              name: m.name === model.name ? to : m.name,
              relations: m.relations.map((r) => (r.references === model.name ? { ...r, references: to } : r)),
            })),
          },
          to,
        ),
      ),
    ),
  );
};
