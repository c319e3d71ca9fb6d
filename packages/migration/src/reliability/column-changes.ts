import { oneOfSteps, step, type Step, type StepArbitrary } from './change';
import {
  BACKFILLS,
  DEFAULTS,
  FIELD_NAMES,
  isForeignKey,
  isPlainScalar,
  SCALAR_TYPES,
  STAGE,
  UNIQUE_TYPES,
  unusedNames,
  withModel,
  withTaken,
  type FieldState,
  type ModelState,
  type ScalarType,
  type SchemaState,
} from './schema-state';

/** add-column: a new field of any type, optional, with a default, required with a backfill, or unique. */
export const addColumn: StepArbitrary = (state) => {
  const [name] = unusedNames(state, FIELD_NAMES);
  if (!name) return undefined;
  return oneOfSteps(
    state.models.flatMap((model) => [
      ...SCALAR_TYPES.flatMap((type) =>
        newColumnShapes(type).map(({ options, field }) =>
          step('add-column', { targetTable: model.name, name, type, ...options }, withTaken(addField(state, model.name, { name, type, ...field }), name)),
        ),
      ),
      // A list, and the enum (values with @map, when the schema declares it) optional or with a default.
      step('add-column', { targetTable: model.name, name, type: 'String', list: true }, withTaken(addField(state, model.name, { name, type: 'String', list: true, optional: false }), name)),
      ...(state.enums.length
        ? [
            step('add-column', { targetTable: model.name, name, type: STAGE.name, optional: true }, withTaken(addField(state, model.name, { name, type: 'String', enumName: STAGE.name, optional: true }), name)),
            step(
              'add-column',
              { targetTable: model.name, name, type: STAGE.name, default: STAGE.values[0].name },
              withTaken(addField(state, model.name, { name, type: 'String', enumName: STAGE.name, optional: false, default: STAGE.values[0].name }), name),
            ),
          ]
        : []),
    ]),
  );
};

function newColumnShapes(type: ScalarType): { options: Record<string, string | number | boolean>; field: Omit<FieldState, 'name' | 'type'> }[] {
  return [
    { options: { optional: true }, field: { optional: true } },
    ...DEFAULTS[type].slice(0, 1).map((value) => ({ options: { default: value }, field: { optional: false, default: value } })),
    ...BACKFILLS[type].map((value) => ({ options: { backfillValue: value }, field: { optional: false } })),
    // Optional so that the rows already there (all NULL) do not collide.
    ...(UNIQUE_TYPES.includes(type) ? [{ options: { optional: true, unique: true }, field: { optional: true, unique: true } }] : []),
  ];
}

/** remove-column: one or two fields that no relation uses (the generator refuses a foreign-key field). */
export const removeColumn: StepArbitrary = (state) =>
  oneOfSteps(
    state.models.flatMap((model) => {
      const removable = plainFields(model).map((f) => f.name);
      const choices = [...removable.map((f) => [f]), ...removable.slice(1).map((f) => [removable[0], f])];
      return choices.map((columns) =>
        step(
          'remove-column',
          { targetTable: model.name, ...(columns.length === 1 ? { column: columns[0] } : { columns: columns.join(',') }), confirmDataLoss: true },
          withModel(state, model.name, (m) => ({
            ...m,
            fields: m.fields.filter((f) => !columns.includes(f.name)),
            // PostgreSQL drops an index with its column; the generator removes the @@index too.
            indexes: m.indexes.filter((index) => !index.some((f) => columns.includes(f))),
          })),
        ),
      );
    }),
  );

/** Type changes the recipes convert both ways without a --cast (widening, or to text). */
const TYPE_CHANGES: Partial<Record<ScalarType, ScalarType[]>> = { Int: ['BigInt', 'String'], Boolean: ['String'] };

/** modify-column: nullability, default, or type of a field that no relation uses. */
export const modifyColumn: StepArbitrary = (state) =>
  oneOfSteps(
    state.models.flatMap((model) =>
      plainFields(model).flatMap((field) => {
        const indexed = model.indexes.some((index) => index.includes(field.name));
        const changes = field.enumName ? enumModifications(field, indexed) : isPlainScalar(field) ? modifications(field, indexed) : [];
        return changes.map(({ options, edit }) =>
          step('modify-column', { targetTable: model.name, column: field.name, ...options }, replaceField(state, model.name, field.name, edit(field))),
        );
      }),
    ),
  );

/**
 * The enum to text, as its database values (`--type String`) or through a --map of every value;
 * the rollback converts back, so the text column's default and values must stay spellable as the enum.
 */
function enumModifications(field: FieldState, indexed: boolean): ReturnType<typeof modifications> {
  if (field.unique || indexed) return [];
  const toText = (f: FieldState): FieldState => ({ ...f, enumName: undefined, default: undefined });
  const map = Object.fromEntries(STAGE.values.map((v) => [v.map ?? v.name, `${(v.map ?? v.name).toLowerCase()}-stage`]));
  return [
    { options: { type: 'String' }, edit: toText },
    { options: { type: 'String', map: JSON.stringify(map) }, edit: toText },
  ];
}

function modifications(field: FieldState, indexed: boolean): { options: Record<string, string | number | boolean>; edit: (f: FieldState) => FieldState }[] {
  const out: ReturnType<typeof modifications> = [];
  if (!field.optional) out.push({ options: { optional: true }, edit: (f) => ({ ...f, optional: true }) });
  // A unique column cannot take one backfill value in every NULL row.
  for (const value of field.optional && !field.unique ? BACKFILLS[field.type] : []) {
    out.push({ options: { required: true, backfillValue: value }, edit: (f) => ({ ...f, optional: false }) });
  }
  if (!field.unique) {
    for (const value of DEFAULTS[field.type].filter((v) => v !== field.default)) out.push({ options: { default: value }, edit: (f) => ({ ...f, default: value }) });
  }
  if (field.default !== undefined) out.push({ options: { dropDefault: true }, edit: (f) => ({ ...f, default: undefined }) });
  // The expand/contract conversion refuses a column in an index (documented: remove the index, convert, add it again).
  if (!field.unique && !indexed) {
    for (const type of TYPE_CHANGES[field.type] ?? []) out.push({ options: { type }, edit: (f) => ({ ...f, type }) });
    // A cast of the user's own, and its reverse for the rollback.
    if (field.type === 'Int') {
      const column = JSON.stringify(field.name);
      out.push({ options: { type: 'String', cast: `'n' || ${column}::text`, reverseCast: `substr(${column}, 2)::integer` }, edit: (f) => ({ ...f, type: 'String', default: undefined }) });
    }
  }
  return out;
}

/** rename (field): any scalar field, foreign keys included, to a name never used before. */
export const renameField: StepArbitrary = (state) => {
  const [to] = unusedNames(state, FIELD_NAMES);
  if (!to) return undefined;
  return oneOfSteps(
    state.models.flatMap((model) =>
      model.fields.map(
        (field): Step =>
          step(
            'rename',
            { targetTable: model.name, field: field.name, to },
            withTaken(
              withModel(state, model.name, (m) => ({
                ...m,
                fields: m.fields.map((f) => (f.name === field.name ? { ...f, name: to } : f)),
                indexes: m.indexes.map((index) => index.map((f) => (f === field.name ? to : f))),
                relations: m.relations.map((r) => (r.fkField === field.name ? { ...r, fkField: to } : r)),
              })),
              to,
            ),
          ),
      ),
    ),
  );
};

function plainFields(model: ModelState): FieldState[] {
  return model.fields.filter((f) => !isForeignKey(model, f.name));
}

function addField(state: SchemaState, model: string, field: FieldState): SchemaState {
  return withModel(state, model, (m) => ({ ...m, fields: [...m.fields, field] }));
}

function replaceField(state: SchemaState, model: string, name: string, field: FieldState): SchemaState {
  return withModel(state, model, (m) => ({ ...m, fields: m.fields.map((f) => (f.name === name ? field : f)) }));
}
