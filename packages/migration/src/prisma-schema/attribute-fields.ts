import { argument, quoted, unquote, type Attribute, type BlockAttribute, type Field, type KeyValue, type Model, type Value } from './ast';

/**
 * Field lists inside attributes: `@@index([a, b(sort: Desc)])`, `@@unique(fields: [a])`,
 * `@relation(fields: [a], references: [b])`. Entries are names or `name(args)` functions.
 */
type ListEntry = string | { type: 'function'; name: string };
type ArrayValue = { type: 'array'; args: ListEntry[] };

function isArray(value: unknown): value is ArrayValue {
  return !!value && typeof value === 'object' && (value as { type?: string }).type === 'array';
}

function isKeyValue(value: unknown, key?: string): value is KeyValue {
  return !!value && typeof value === 'object' && (value as KeyValue).type === 'keyValue' && (key === undefined || (value as KeyValue).key === key);
}

/**
 * The argument each attribute takes without a name, as Prisma reads it: `@map("x")` is
 * `@map(name: "x")`, `@@index([a])` is `@@index(fields: [a])`, `@relation("R", …)` is
 * `@relation(name: "R", …)`, `@default(now())` is `@default(value: now())`.
 */
const POSITIONAL_ARGUMENT: Record<string, string> = {
  'field map': 'name',
  'object map': 'name',
  'field relation': 'name',
  'field default': 'value',
  'field unique': 'fields',
  'object index': 'fields',
  'object unique': 'fields',
  'object id': 'fields',
  'object fulltext': 'fields',
};

/**
 * An attribute's argument `key`, written named (`key: value`) or in its positional form: the one
 * reader every edit uses, so that `@map("created")` and `@map(name: "created")` mean the same.
 */
export function attributeArgument(attribute: Attribute | BlockAttribute, key: string): Value | undefined {
  const args = attribute.args ?? [];
  for (const arg of args) {
    if (isKeyValue(arg.value, key)) return arg.value.value;
  }
  if (POSITIONAL_ARGUMENT[`${attribute.kind} ${attribute.name}`] !== key) return undefined;
  return args.find((arg) => !isKeyValue(arg.value))?.value as Value | undefined;
}

/** The string argument `key` of an attribute, unquoted (named or positional). */
export function attributeString(attribute: Attribute | BlockAttribute, key: string): string | undefined {
  const value = attributeArgument(attribute, key);
  return typeof value === 'string' ? unquote(value) : undefined;
}

/** The array argument `key` of an attribute (`fields: [...]` or the positional list). */
function listOf(attribute: Attribute | BlockAttribute, key: 'fields' | 'references'): ArrayValue | undefined {
  const value = attributeArgument(attribute, key);
  return isArray(value) ? value : undefined;
}

function entryName(entry: ListEntry): string {
  return typeof entry === 'string' ? entry : entry.name;
}

/** Field names an attribute lists under `key` (sort/length arguments dropped). */
export function attributeFieldList(attribute: Attribute | BlockAttribute, key: 'fields' | 'references' = 'fields'): string[] | undefined {
  return listOf(attribute, key)?.args.map(entryName);
}

/** Renames `from` to `to` in the attribute's `key` list; true when something changed. */
export function renameInFieldList(attribute: Attribute | BlockAttribute, key: 'fields' | 'references', from: string, to: string): boolean {
  const list = listOf(attribute, key);
  if (!list) return false;
  let changed = false;
  list.args = list.args.map((entry) => {
    if (entryName(entry) !== from) return entry;
    changed = true;
    return typeof entry === 'string' ? to : { ...entry, name: to };
  });
  return changed;
}

export function fieldAttributes(field: Field, name?: string): Attribute[] {
  return (field.attributes ?? []).filter((a) => name === undefined || a.name === name);
}

export function removeFieldAttribute(field: Field, attribute: Attribute): void {
  field.attributes = (field.attributes ?? []).filter((a) => a !== attribute);
}

/** The `"…"` name of `@relation("Name", …)` or `@relation(name: "Name")`, when given. */
export function relationNameArgument(attribute: Attribute): string | undefined {
  return attributeString(attribute, 'name');
}

/** The database name `@map("…")` gives a field, if any. */
export function fieldMap(field: Field): string | undefined {
  const map = fieldAttributes(field, 'map')[0];
  return map && attributeString(map, 'name');
}

/** Sets (or, with undefined, removes) `@map("…")` on a field. */
export function setFieldMap(field: Field, dbName: string | undefined): void {
  const others = (field.attributes ?? []).filter((a) => a.name !== 'map');
  field.attributes = dbName === undefined ? others : [...others, { type: 'attribute', kind: 'field', name: 'map', args: [argument(quoted(dbName) as Value)] }];
}

/** Sets (or, with undefined, removes) `@@map("…")` on a model. */
export function setModelMap(model: Model, dbName: string | undefined): void {
  const at = model.properties.findIndex((p) => p.type === 'attribute' && (p as BlockAttribute).name === 'map');
  const attribute: BlockAttribute = { type: 'attribute', kind: 'object', name: 'map', args: [argument(quoted(dbName ?? '') as Value)] };
  if (dbName === undefined) {
    if (at >= 0) model.properties.splice(at, 1);
  } else if (at >= 0) model.properties[at] = attribute;
  else model.properties.push(attribute);
}
