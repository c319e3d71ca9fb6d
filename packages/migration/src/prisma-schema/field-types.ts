import { inputError } from '../errors';
import { assertSqlExpression } from '../sql/user-expression';
import { clipped, didYouMean } from '../suggest';
import { fieldAttribute, quoted, type Attribute, type Func } from './ast';
import type { Datamodel } from './prisma-fmt';

export const SCALAR_TYPES = ['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** Defaults Prisma Client fills in: the database column itself gets no default. */
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);
/** Database functions whose value changes per row: a default using one rewrites the whole table. */
const VOLATILE_FUNCTIONS = /\b(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\s*\(/i;

export function isScalarType(type: string): type is ScalarType {
  return (SCALAR_TYPES as readonly string[]).includes(type);
}

/** Checks a field type: a Prisma scalar or an enum of the schema. Models are relations, not columns. */
export function assertColumnType(type: string, datamodel: Datamodel, enumsAddedNow: string[] = []): void {
  if (isScalarType(type) || datamodel.enums.some((e) => e.name === type) || enumsAddedNow.includes(type)) return;
  const isModel = datamodel.models.some((m) => m.name === type);
  throw inputError(
    `Invalid type ${JSON.stringify(type)}. ` +
      (isModel
        ? `${type} is a model: use the add-relation generator to relate two models.`
        : didYouMean(type, [...SCALAR_TYPES, ...datamodel.enums.map((e) => e.name)]) +
          `A column type is one of ${SCALAR_TYPES.join(', ')}` +
          (datamodel.enums.length ? ` or an enum of the schema (${datamodel.enums.map((e) => e.name).join(', ')})` : '') +
          '.'),
  );
}

export type DefaultKind = 'none' | 'constant' | 'client-side' | 'volatile';

export interface RenderedDefault {
  attribute: Attribute;
  kind: Exclude<DefaultKind, 'none'>;
}

/**
 * Turns the `--default` text into Prisma's `@default(…)`. Functions (`now()`, `uuid()`,
 * `dbgenerated("…")`) pass through; literals are checked against the type and quoted as Prisma wants.
 */
export function renderDefault(value: string, type: string, datamodel: Datamodel): RenderedDefault {
  const call = /^(\w+)\((.*)\)$/s.exec(value.trim());
  if (call) {
    const [, name, rawArg] = call;
    if (name === 'dbgenerated' && rawArg.trim()) assertDbGenerated(rawArg.trim());
    const fn: Func = { type: 'function', name, ...(rawArg.trim() ? { params: [rawArg.trim()] } : {}) };
    const kind = CLIENT_SIDE_DEFAULTS.has(name)
      ? 'client-side'
      : name === 'dbgenerated' && VOLATILE_FUNCTIONS.test(rawArg)
        ? 'volatile'
        : 'constant';
    return { attribute: fieldAttribute('default', [fn]), kind };
  }
  return { attribute: fieldAttribute('default', [literalDefault(value, type, datamodel)]), kind: 'constant' };
}

/** `dbgenerated("…")` holds SQL the database runs as the column's default: one expression, in a Prisma string. */
function assertDbGenerated(argument: string): void {
  let sql: unknown;
  try {
    sql = JSON.parse(argument);
  } catch {
    sql = undefined;
  }
  if (typeof sql !== 'string') {
    throw inputError(`Invalid --default dbgenerated(${clipped(argument)}): give the SQL as one double-quoted string, e.g. --default 'dbgenerated("gen_random_uuid()")'.`);
  }
  assertSqlExpression('default', sql, 'dbgenerated("gen_random_uuid()")');
}

function literalDefault(value: string, type: string, datamodel: Datamodel): string {
  const bad = (expected: string) =>
    inputError(`Invalid --default ${JSON.stringify(value)} for a ${type} column: expected ${expected}.`);
  switch (type) {
    case 'Int':
    case 'BigInt':
      if (!/^-?\d+$/.test(value)) throw bad('an integer such as 0');
      return value;
    case 'Float':
    case 'Decimal':
      if (!/^-?\d+(\.\d+)?$/.test(value)) throw bad('a number such as 0.5');
      return value;
    case 'Boolean':
      if (value !== 'true' && value !== 'false') throw bad('true or false');
      return value;
    case 'Json':
      try {
        JSON.parse(value);
      } catch {
        throw bad('valid JSON such as {} or []');
      }
      return quoted(value);
    case 'DateTime':
      if (Number.isNaN(Date.parse(value))) throw bad('now() or an ISO date such as 2024-01-01T00:00:00Z');
      return quoted(new Date(value).toISOString());
    case 'String':
    case 'Bytes':
      return quoted(value.startsWith('"') && value.endsWith('"') ? (JSON.parse(value) as string) : value);
    default: {
      const values = datamodel.enums.find((e) => e.name === type)?.values.map((v) => v.name) ?? [];
      if (values.length && !values.includes(value)) throw bad(`one of ${values.join(', ')}`);
      return value;
    }
  }
}

/** `VarChar(255)` → `@db.VarChar(255)`; Prisma validates the combination with the field type. */
export function nativeTypeAttribute(dbType: string): Attribute {
  const match = /^@?(?:db\.)?([A-Za-z]+)(?:\(([^)]*)\))?$/.exec(dbType.trim());
  if (!match) {
    throw inputError(
      `Invalid --dbType ${JSON.stringify(dbType)}: expected a PostgreSQL native type as Prisma writes it, ` +
        'for example VarChar(255), Text, Uuid, Timestamptz(6) or Decimal(10, 2).',
    );
  }
  const [, name, args] = match;
  const params = args?.split(',').map((a) => a.trim()).filter(Boolean);
  return fieldAttribute(name, params, 'db');
}
