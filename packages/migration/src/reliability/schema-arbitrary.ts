import fc from 'fast-check';
import { relationTo } from './relation-changes';
import {
  DEFAULTS,
  FIELD_NAMES,
  isIndexable,
  MODEL_NAMES,
  SCALAR_TYPES,
  STAGE,
  UNIQUE_TYPES,
  type FieldState,
  type ModelState,
  type ScalarType,
  type SchemaState,
} from './schema-state';

const MAX_MODELS = 3;
const MAX_FIELDS = 4;

type IdType = ModelState['idType'];

/**
 * A random valid starting schema: one to three models with an autoincrement id, one to four
 * scalar fields of various types (optional or required, some with a default, some unique), maybe
 * an optional relation to an earlier model or to itself and maybe an index.
 */
export function startingSchema(): fc.Arbitrary<SchemaState> {
  return fc
    .tuple(
      fc.shuffledSubarray(MODEL_NAMES, { minLength: 1, maxLength: MAX_MODELS }),
      fc.shuffledSubarray(FIELD_NAMES, { minLength: MAX_MODELS * MAX_FIELDS, maxLength: MAX_MODELS * MAX_FIELDS }),
      fc.array(fc.constantFrom<IdType>('Int', 'BigInt'), { minLength: MAX_MODELS, maxLength: MAX_MODELS }),
    )
    .chain(([names, fieldNames, idTypes]) => {
      // An earlier model, or the model itself (a self-relation: a tree).
      const earlier = (i: number) => names.slice(0, i + 1).map((name, j) => ({ name, idType: idTypes[j] }));
      return fc.tuple(...names.map((name, i) => model(name, idTypes[i], fieldNames.slice(i * MAX_FIELDS, (i + 1) * MAX_FIELDS), earlier(i))));
    })
    // The enum is declared when a field uses it: Prisma leaves an unused enum out of an introspected schema with no model.
    .map((models) => {
      const enums = models.some((m) => m.fields.some((f) => f.enumName === STAGE.name)) ? [STAGE] : [];
      return { models, enums, taken: [STAGE.name, ...models.flatMap((m) => [m.name, ...m.fields.map((f) => f.name)])] };
    });
}

function model(name: string, idType: IdType, fieldNames: string[], earlier: { name: string; idType: IdType }[]): fc.Arbitrary<ModelState> {
  return fc
    .record({
      fields: fc.integer({ min: 1, max: fieldNames.length }).chain((n) => fc.tuple(...fieldNames.slice(0, n).map(scalarField))),
      reference: earlier.length ? fc.option(fc.constantFrom(...earlier), { nil: undefined }) : fc.constant(undefined),
      indexed: fc.boolean(),
    })
    .chain(({ fields, reference, indexed }) => {
      const relations = reference ? [relationTo(name, reference.name)] : [];
      const all: FieldState[] = reference ? [...fields, { name: relations[0].fkField, type: reference.idType, optional: true }] : fields;
      const indexable = all.filter(isIndexable).map((f) => f.name);
      const index = indexed && indexable.length ? fc.constantFrom(...indexable).map((f) => [[f]]) : fc.constant<string[][]>([]);
      return index.map((indexes) => ({ name, idType, fields: all, indexes, relations }));
    });
}

function scalarField(name: string): fc.Arbitrary<FieldState> {
  return fc.oneof(
    { weight: SCALAR_TYPES.length, arbitrary: plainScalarField(name) },
    // A list, or the enum Stage (values with and without @map), optional or with a default.
    fc.constantFrom<'String' | 'Int'>('String', 'Int').map((type): FieldState => ({ name, type, list: true, optional: false })),
    fc.boolean().map((optional): FieldState => ({ name, type: 'String', enumName: STAGE.name, optional, ...(optional ? {} : { default: STAGE.values[0].name }) })),
  );
}

function plainScalarField(name: string): fc.Arbitrary<FieldState> {
  return fc.constantFrom(...SCALAR_TYPES).chain((type: ScalarType) =>
    fc
      .record({
        optional: fc.boolean(),
        // A default or a unique key, not both: a unique column with one default value would not take many rows.
        extra: fc.constantFrom<'none' | 'default' | 'unique'>('none', 'default', 'unique'),
        defaultIndex: fc.nat(),
      })
      .map(({ optional, extra, defaultIndex }): FieldState => {
        const defaults = DEFAULTS[type];
        const field: FieldState = { name, type, optional };
        if (extra === 'default' && defaults.length) field.default = defaults[defaultIndex % defaults.length];
        if (extra === 'unique' && UNIQUE_TYPES.includes(type)) field.unique = true;
        return field;
      }),
  );
}
