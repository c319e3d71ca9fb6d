/**
 * What the property test believes the schema looks like, tracked while a sequence of changes is
 * drawn so that every change is valid for the schema it will run on. It is a model, not the
 * truth: the tree's schema.prisma (edited by the real generators) is what the migrations prove.
 */

/** Scalar types the random schemas use; lists (`String[]`) and the enum `Stage` come on top. */
export type ScalarType = 'String' | 'Int' | 'BigInt' | 'Boolean' | 'Float' | 'Decimal' | 'DateTime' | 'Json' | 'Bytes';
export const SCALAR_TYPES: readonly ScalarType[] = ['String', 'Int', 'BigInt', 'Boolean', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes'];

/** An enum of the schema; a value's `map` is its database spelling (`@map("draft")`). */
export interface EnumState {
  name: string;
  values: { name: string; map?: string }[];
}

/** The enum every random schema declares: values with and without @map, as real schemas mix them. */
export const STAGE: EnumState = { name: 'Stage', values: [{ name: 'DRAFT', map: 'draft' }, { name: 'LIVE', map: 'live' }, { name: 'ARCHIVED' }] };

/** A default or backfill value as the generators take it (`--default draft`, `--default 0`). */
export type Literal = string | number | boolean;

export interface FieldState {
  name: string;
  /** For an enum field, the enum's name (`type` is then String, what it becomes as text). */
  type: ScalarType;
  enumName?: string;
  /** A scalar list (`String[]`): never optional in Prisma, no default, no index. */
  list?: boolean;
  optional: boolean;
  default?: Literal;
  unique?: boolean;
}

/** An optional many-to-one relation: `field` on its model holds `fkField`, `backField` is the list on `references`. */
export interface RelationState {
  field: string;
  references: string;
  fkField: string;
  backField: string;
  /** A self-relation needs a name on both of its fields (`@relation("TicketTree")`). */
  name?: string;
}

export interface ModelState {
  name: string;
  idType: 'Int' | 'BigInt';
  /** Scalar fields other than the id, foreign-key fields included. */
  fields: FieldState[];
  /** Non-unique indexes (@@index), by their fields. */
  indexes: string[][];
  relations: RelationState[];
}

export interface SchemaState {
  models: ModelState[];
  enums: EnumState[];
  /** Every model and field name used so far: new names never collide, not even with a removed one. */
  taken: string[];
}

export const MODEL_NAMES = ['Account', 'Invoice', 'Shipment', 'Ticket', 'Vendor', 'Badge', 'Course', 'Device', 'Folder', 'Review', 'Lesson', 'Parcel'];
export const FIELD_NAMES = [
  'title', 'amount', 'score', 'label', 'note', 'active', 'weight', 'price', 'code', 'rank', 'total', 'summary',
  'level', 'quantity', 'ratio', 'details', 'stamp', 'color', 'size', 'origin', 'status', 'caption', 'budget', 'region',
];

/** Defaults a field of each type may get (none for Json: its default is left to add-column's own spec). */
export const DEFAULTS: Record<ScalarType, Literal[]> = {
  String: ['draft', 'none'],
  Int: [0, 7],
  BigInt: [0],
  Boolean: [true, false],
  Float: [1.5],
  Decimal: [2.5],
  DateTime: ['now()'],
  Json: [],
  Bytes: [],
};

/** Values that fill existing rows when a column becomes required (none for Json). */
export const BACKFILLS: Record<ScalarType, Literal[]> = {
  String: ['filled'],
  Int: [1],
  BigInt: [2],
  Boolean: [true],
  Float: [0.5],
  Decimal: [1.25],
  DateTime: ['2024-01-01T00:00:00.000Z'],
  Json: [],
  Bytes: [],
};

/** Types PostgreSQL can seed with many distinct values, so a unique column can hold 100 seeded rows. */
export const UNIQUE_TYPES: readonly ScalarType[] = ['String', 'Int', 'BigInt'];

/** Json has no default btree operator class; a unique field is indexed already. */
export function isIndexable(field: FieldState): boolean {
  return field.type !== 'Json' && !field.unique && !field.list;
}

/** A plain scalar (no list, no enum): what the default, nullability and type changes apply to. */
export function isPlainScalar(field: FieldState): boolean {
  return !field.list && !field.enumName;
}

export function lowerFirst(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

export function modelNamed(state: SchemaState, name: string): ModelState {
  const model = state.models.find((m) => m.name === name);
  if (!model) throw new Error(`No model ${name} in the tracked schema`);
  return model;
}

export function isForeignKey(model: ModelState, field: string): boolean {
  return model.relations.some((r) => r.fkField === field);
}

/** Relations that point at `name`, with the model holding each. */
export function incomingRelations(state: SchemaState, name: string): { model: ModelState; relation: RelationState }[] {
  return state.models.flatMap((model) => model.relations.filter((r) => r.references === name).map((relation) => ({ model, relation })));
}

export function related(state: SchemaState, a: string, b: string): boolean {
  return modelNamed(state, a).relations.some((r) => r.references === b) || modelNamed(state, b).relations.some((r) => r.references === a);
}

export function unusedNames(state: SchemaState, pool: readonly string[]): string[] {
  return pool.filter((name) => !state.taken.includes(name));
}

/** A copy of `state` with `model` changed by `edit` (states are never mutated: fast-check replays them). */
export function withModel(state: SchemaState, name: string, edit: (model: ModelState) => ModelState): SchemaState {
  return { ...state, models: state.models.map((m) => (m.name === name ? edit(m) : m)) };
}

export function withTaken(state: SchemaState, ...names: string[]): SchemaState {
  return { ...state, taken: [...state.taken, ...names] };
}
