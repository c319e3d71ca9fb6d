import { quoteIdent, quoteLiteral } from '../../sql/identifiers';
import { type ColumnInfo, type TableInfo, type TypeInfo, tableRefOf } from './catalog';
import { type Bounds, boundsOf, inListOf } from './checks';
import { SeedError } from './errors';

/**
 * Values as SQL expressions of a row index, evaluated inside `INSERT … SELECT … FROM
 * generate_series(…) seed(g)`: set-based (100k rows in one statement) and deterministic (the same
 * index always gives the same value, no random(), no now()).
 *
 * Every generator is injective on 1..capacity: distinct indexes give distinct values. Unique
 * constraints rely on that; small domains (booleans, enum labels, varchar(2)) have a small capacity,
 * and the INSERT builder cycles or combines indexes to stay within it.
 */
export interface ValueGenerator {
  /** How many distinct values it can produce (Infinity: more than any seed needs). */
  capacity: number;
  /**
   * The value for the bigint SQL expression `i` (1 ≤ i ≤ capacity). `maxIndex` is the largest `i`
   * this statement will pass, so string generators can pick an encoding that fits the length.
   */
  sql(i: string, maxIndex: number): string;
  /** What the values are, for messages ("enum "Role" (3 labels)"). */
  describe: string;
}

export type ColumnPlan =
  /** Left out of the INSERT: identity, sequence, generated column, or a default for a type without generator. */
  | { kind: 'database'; column: ColumnInfo; reason: string }
  /** Always NULL: a nullable column of a type without generator. */
  | { kind: 'null'; column: ColumnInfo; reason: string }
  | { kind: 'value'; column: ColumnInfo; generator: ValueGenerator; constantDefault: string | null };

/** How a column gets its value; throws a SeedError when a NOT NULL column without default cannot get one. */
export function planColumn(table: TableInfo, column: ColumnInfo, types: Map<number, TypeInfo>): ColumnPlan {
  if (column.generated) return { kind: 'database', column, reason: 'generated column' };
  if (column.identity) return { kind: 'database', column, reason: 'identity column' };
  if (column.serial) return { kind: 'database', column, reason: 'filled by its sequence' };
  const generator = generatorForColumn(table, column, types);
  if (typeof generator !== 'string') return { kind: 'value', column, generator, constantDefault: constantDefault(column.default) };
  // A default is better than nothing: it is what the application would get too.
  if (column.default !== null) return { kind: 'database', column, reason: `${generator}; its default is used` };
  if (column.nullable) return { kind: 'null', column, reason: `${generator}; left NULL` };
  throw new SeedError(
    `Cannot seed ${tableRefOf(table)}: column ${quoteIdent(column.name)} (${column.sqlType}) is NOT NULL without a default, ` +
      `and ${generator}. Give the column a default or make it nullable, or give ${tableRefOf(table)} rows before validating.`,
  );
}

/**
 * The value of a planned column at `index`, cast to the column's type. Nullable columns are NULL on
 * one row in seven (migrations must meet NULLs); columns with a constant default take it on one row
 * in eleven. `g` is the row number, `index` what the generator gets (the builder may cycle it).
 */
export function valueSql(
  plan: Extract<ColumnPlan, { kind: 'value' }>,
  options: { g: string; index: string; maxIndex: number; nulls: boolean; useDefault: boolean },
): string {
  const { column, generator } = plan;
  const value = `(${generator.sql(options.index, options.maxIndex)})::${column.sqlType}`;
  const branches: string[] = [];
  if (options.nulls && column.nullable) branches.push(`WHEN ${oneRowIn(7, options.g, column.attnum)} THEN NULL`);
  if (options.useDefault && plan.constantDefault) branches.push(`WHEN ${oneRowIn(11, options.g, column.attnum)} THEN (${plan.constantDefault})::${column.sqlType}`);
  return branches.length ? `CASE ${branches.join(' ')} ELSE ${value} END` : value;
}

/**
 * True on one row in `n`. Not simply `g % n = k`: that would hit the same index of a column cycling
 * through n values every time (a 7-label enum would never show one label), so the hit shifts by one
 * every n rows.
 */
export function oneRowIn(n: number, g: string, salt: number): string {
  return `(${g} + ${g} / ${n}) % ${n} = ${salt % n}`;
}

/** A generator for the column, honouring IN-list and range CHECKs on it; or why there is none. */
function generatorForColumn(table: TableInfo, column: ColumnInfo, types: Map<number, TypeInfo>): ValueGenerator | string {
  const own = table.checks.filter((c) => c.columns.length === 1 && c.columns[0] === column.name).map((c) => ({ definition: c.definition, subject: column.name }));
  const generator = generatorForType(types, column.typeOid, column.typmod, {
    label: column.name,
    position: column.attnum,
    salt: `${table.schema}.${table.name}.${column.name}`,
    checks: own,
  });
  if (typeof generator === 'string') return generator;
  if (generator.capacity < 1) return `no value of ${column.sqlType} satisfies its CHECK constraints`;
  return generator;
}

interface GeneratorContext {
  /** Readable part of generated strings (the column name). */
  label: string;
  /** Makes md5-based values (uuid, bytea) differ between columns. */
  salt: string;
  /**
   * The column's position: timestamps move an hour later per position (dates a day, times a minute), so
   * `CHECK (ends_at > starts_at)` holds when the later column is declared later, as it usually is.
   */
  position: number;
  /** CHECK constraints on the column (subject: the column name) and its domains (subject: VALUE). */
  checks: { definition: string; subject: string }[];
}

const BIG = 1e15; // beyond this a capacity is as good as infinite (and JS numbers stop being exact)

function generatorForType(types: Map<number, TypeInfo>, oid: number, typmod: number, context: GeneratorContext): ValueGenerator | string {
  let type = types.get(oid);
  const checks = [...context.checks];
  let email = /e-?mail/i.test(context.label);
  // Domains: generate for the base type; the final cast to the domain runs its constraints.
  while (type?.typtype === 'd') {
    checks.push(...type.checks.map((c) => ({ definition: c.definition, subject: 'VALUE' })));
    email ||= /e-?mail/i.test(type.name);
    typmod = type.baseTypmod;
    type = types.get(type.baseOid);
  }
  if (!type) return `its type (oid ${oid}) could not be read`;

  const allowed = intersect(checks.map((c) => inListOf(c.definition, c.subject)).filter((l): l is string[] => l !== undefined));
  if (allowed) return labels(allowed, `one of ${allowed.length} values allowed by a CHECK constraint`);

  if (type.typtype === 'e') return labels(type.enumLabels, `enum ${type.sql} (${type.enumLabels.length} labels)`);
  if (type.category === 'A' && type.elementOid !== 0) return arrays(types, type, typmod, context);
  if (type.typtype === 'r') return ranges(types, type, context);

  const name = type.schema === 'pg_catalog' ? type.name : '';
  const bounds = mergeBounds(checks.map((c) => boundsOf(c.definition, c.subject)));
  const numeric = name === 'numeric' && typmod >= 4 ? numericLimits(typmod) : NUMERIC_RANGES[name];
  if (numeric && bounds) return boundedIntegers(Math.max(numeric[0], -BIG), Math.min(numeric[1], BIG), bounds, type.sql);
  switch (name) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return integers(1, NUMERIC_RANGES[name][1], type.sql);
    case 'numeric':
      return numerics(typmod);
    case 'float4':
      return { capacity: 2 ** 23, sql: (i) => `(${i} + 0.5)`, describe: 'real' };
    case 'float8':
      return { capacity: 2 ** 52, sql: (i) => `(${i} + 0.5)`, describe: 'double precision' };
    case 'money':
      return { capacity: 1e13, sql: (i) => `((${i} + 0.25)::numeric)::money`, describe: 'money' };
    case 'bool':
      return { capacity: 2, sql: (i) => `(${i} % 2 = 0)`, describe: 'boolean (2 values)' };
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'char':
      return strings(stringLength(name, typmod), context.label, email, (name === 'varchar' || name === 'bpchar') && typmod >= 4 ? `${type.sql}(${typmod - 4})` : type.sql);
    case 'uuid':
      return { capacity: Infinity, sql: (i) => `md5(${quoteLiteral(context.salt + ':')} || ${i})::uuid`, describe: 'uuid' };
    case 'bytea':
      return { capacity: Infinity, sql: (i) => `decode(md5(${quoteLiteral(context.salt + ':')} || ${i}), 'hex')`, describe: 'bytea' };
    case 'date':
      return { capacity: 2e9, sql: (i) => `(date '2024-01-01' + (${i})::int + ${context.position})`, describe: 'date' };
    case 'timestamp':
    case 'timestamptz': {
      // 61.001 s apart: distinct even when the column rounds to whole seconds.
      const start = name === 'timestamp' ? `timestamp '2024-01-01 00:00:00'` : `timestamptz '2024-01-01 00:00:00+00'`;
      return { capacity: 1e11, sql: (i) => `(${start} + ${i} * interval '61.001 seconds' + ${context.position} * interval '1 hour')`, describe: name };
    }
    case 'time':
    case 'timetz': {
      // time + interval wraps at midnight: still 86400 distinct values.
      const start = name === 'time' ? `time '00:00:00'` : `timetz '00:00:00+00'`;
      return { capacity: 86_400, sql: (i) => `(${start} + (${i} - 1 + ${context.position * 60}) * interval '1 second')`, describe: `${name} (86400 values)` };
    }
    case 'interval':
      return { capacity: Infinity, sql: (i) => `(${i} * interval '1 minute 1 second')`, describe: 'interval' };
    case 'json':
    case 'jsonb':
      return { capacity: Infinity, sql: (i) => jsonSql(name, i, context.label), describe: name };
    case 'xml':
      return { capacity: Infinity, sql: (i) => `xmlelement(name item, ${i})`, describe: 'xml' };
    case 'inet':
    case 'cidr':
      return { capacity: 2 ** 24 - 1, sql: (i) => ipv4Sql(i, name === 'cidr'), describe: `${name} (16M addresses)` };
    case 'macaddr':
      return { capacity: BIG, sql: (i) => `lpad(to_hex(${i}), 12, '0')::macaddr`, describe: 'macaddr' };
    case 'macaddr8':
      return { capacity: BIG, sql: (i) => `lpad(to_hex(${i}), 16, '0')::macaddr8`, describe: 'macaddr8' };
    case 'bit':
    case 'varbit':
      return bits(name, typmod);
    case 'tsvector':
      return { capacity: Infinity, sql: (i) => `to_tsvector('simple', 'word' || ${i})`, describe: 'tsvector' };
    case 'point':
      return { capacity: Infinity, sql: (i) => `point(${i}, ${i} + 0.5)`, describe: 'point' };
    case 'box':
      return { capacity: Infinity, sql: (i) => `box(point(${i}, ${i}), point(${i} + 1, ${i} + 1))`, describe: 'box' };
    case 'circle':
      return { capacity: Infinity, sql: (i) => `circle(point(${i}, ${i}), 1)`, describe: 'circle' };
    case 'lseg':
      return { capacity: Infinity, sql: (i) => `lseg(point(${i}, 0), point(${i}, 1))`, describe: 'lseg' };
    case 'polygon':
      return { capacity: Infinity, sql: (i) => `polygon(box(point(${i}, ${i}), point(${i} + 1, ${i} + 1)))`, describe: 'polygon' };
  }
  // Extension string types (citext, ...) take text input.
  if (type.category === 'S') return strings(Infinity, context.label, email, type.sql);
  return `the seeder has no value generator for type ${type.sql}`;
}

const NUMERIC_RANGES: Record<string, [number, number]> = {
  int2: [-32768, 32767],
  int4: [-2147483648, 2147483647],
  int8: [-Infinity, Infinity],
  oid: [1, 4294967295],
  numeric: [-Infinity, Infinity],
  float4: [-Infinity, Infinity],
  float8: [-Infinity, Infinity],
  money: [-Infinity, Infinity],
};

/** The whole numbers numeric(p,s) can hold. */
function numericLimits(typmod: number): [number, number] {
  const { precision, scale } = numericTypmod(typmod);
  const max = 10 ** Math.max(precision - scale, 0) - 1;
  return [-max, max];
}

function numericTypmod(typmod: number): { precision: number; scale: number } {
  const precision = ((typmod - 4) >> 16) & 0xffff;
  const rawScale = (typmod - 4) & 0x7ff;
  return { precision, scale: rawScale & 0x400 ? rawScale - 0x800 : rawScale }; // PostgreSQL 15 allows negative scales
}

/** start, start + 1, … up to max. */
function integers(start: number, max: number, describe: string): ValueGenerator {
  const capacity = max - start + 1;
  return {
    capacity: capacity > BIG ? Infinity : capacity,
    sql: (i) => (start === 1 ? `(${i})` : start > 1 ? `(${i} + ${start - 1})` : `(${i} - ${1 - start})`),
    describe: capacity > BIG ? describe : `${describe} (${capacity} values)`,
  };
}

/** Whole numbers inside a CHECK's range (and the type's): from its lower bound, else from 1 (or below its upper bound). */
function boundedIntegers(typeMin: number, typeMax: number, bounds: Bounds, type: string): ValueGenerator {
  const min = bounds.min === undefined ? undefined : bounds.minStrict ? Math.floor(bounds.min) + 1 : Math.ceil(bounds.min);
  const max = Math.min(typeMax, bounds.max === undefined ? typeMax : bounds.maxStrict ? Math.ceil(bounds.max) - 1 : Math.floor(bounds.max));
  const start = Math.max(typeMin, min ?? (max >= 1 ? 1 : max - 999_999));
  return integers(start, max, `${type} in ${start}..${max}`);
}

function mergeBounds(list: (Bounds | undefined)[]): Bounds | undefined {
  const known = list.filter((b): b is Bounds => b !== undefined);
  if (known.length === 0) return undefined;
  const merged: Bounds = {};
  for (const b of known) {
    if (b.min !== undefined && (merged.min === undefined || b.min > merged.min)) Object.assign(merged, { min: b.min, minStrict: b.minStrict });
    if (b.max !== undefined && (merged.max === undefined || b.max < merged.max)) Object.assign(merged, { max: b.max, maxStrict: b.maxStrict });
  }
  return merged;
}

function intersect(lists: string[][]): string[] | undefined {
  if (lists.length === 0) return undefined;
  return lists.reduce((a, b) => a.filter((v) => b.includes(v)));
}

/** Cycles through fixed labels (enum labels, IN-list values), as text; the column cast converts them. */
function labels(values: string[], describe: string): ValueGenerator {
  const array = `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;
  return { capacity: values.length, sql: (i) => `(${array})[${i}]`, describe };
}

/**
 * numeric(p,s): i plus a fraction when i fits the integer digits (12.37), else i in the smallest
 * unit (i / 10^s), so numeric(3,2) still has 999 distinct values.
 */
function numerics(typmod: number): ValueGenerator {
  if (typmod < 0) return { capacity: Infinity, sql: (i) => `(${i} + ((${i} * 37) % 100)::numeric / 100)`, describe: 'numeric' };
  const { precision, scale } = numericTypmod(typmod);
  const capacity = Math.min(10 ** precision - 1, BIG);
  const describe = `numeric(${precision},${scale}) (${capacity} values)`;
  if (scale < 0) return { capacity, sql: (i) => `(${i}::numeric * ${10 ** -scale})`, describe };
  return {
    capacity,
    sql: (i, maxIndex) => {
      const fraction = Math.min(scale, 2);
      if (String(maxIndex).length <= precision - scale) {
        return fraction > 0 ? `(${i} + ((${i} * 37) % ${10 ** fraction})::numeric / ${10 ** fraction})` : `(${i})::numeric`;
      }
      return `(${i}::numeric / ${10 ** scale})`;
    },
    describe,
  };
}

function stringLength(name: string, typmod: number): number {
  if (name === 'char') return 1; // the one-byte "char" type
  if (name === 'name') return 63;
  if ((name === 'varchar' || name === 'bpchar') && typmod >= 4) return typmod - 4;
  return Infinity;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * `label-17` when it fits; shorter columns get the label cut down, then plain digits, then
 * fixed-width base 36 (varchar(3) holds 46656 distinct values). Lower case only, so citext and
 * case-insensitive collations see distinct values too. Email-like columns (or domains) get `@example.com`.
 */
function strings(maxLength: number, label: string, email: boolean, describe: string): ValueGenerator {
  const capacity = maxLength >= 10 ? Infinity : 36 ** maxLength;
  return {
    capacity,
    sql: (i, maxIndex) => {
      const digits = String(maxIndex).length;
      const prefix = `${label}-`;
      if (email && [...prefix].length + digits + 12 <= maxLength) return `(${quoteLiteral(prefix)} || ${i} || '@example.com')`;
      if (digits <= maxLength) {
        const cut = [...prefix].slice(0, Math.max(0, maxLength - digits)).join('');
        return cut ? `(${quoteLiteral(cut)} || ${i})` : `(${i})::text`;
      }
      let width = 1;
      while (36 ** width < maxIndex) width++;
      const chars = Array.from({ length: width }, (_, k) => `substr('${BASE36}', ((((${i}) - 1) / ${36 ** (width - 1 - k)}) % 36)::int + 1, 1)`);
      return `(${chars.join(' || ')})`;
    },
    describe: capacity === Infinity ? describe : `${describe} (${capacity} distinct values)`,
  };
}

function jsonSql(type: string, i: string, label: string): string {
  const fn = type === 'jsonb' ? 'jsonb' : 'json';
  return `${fn}_build_object('n', ${i}, 'label', ${quoteLiteral(`${label}-`)} || ${i}, 'even', ${i} % 2 = 0, 'tags', ${fn}_build_array('t' || (${i} % 3)))`;
}

function ipv4Sql(i: string, cidr: boolean): string {
  const address = `'10.' || ((${i}) >> 16 & 255) || '.' || ((${i}) >> 8 & 255) || '.' || ((${i}) & 255)`;
  return cidr ? `(${address} || '/32')::cidr` : `(${address})::inet`;
}

function bits(name: string, typmod: number): ValueGenerator {
  const width = name === 'bit' ? Math.max(typmod, 1) : typmod > 0 ? Math.min(typmod, 63) : 63;
  const capacity = Math.min(2 ** Math.min(width, 62) - 1, BIG);
  return { capacity, sql: (i) => `(${i})::bigint::bit(${width})${name === 'varbit' ? '::varbit' : ''}`, describe: `${name}(${width})` };
}

/**
 * One to three elements; the first is the element for `i`, so distinct indexes still give distinct
 * arrays. Elements with few values (enum labels, booleans) make three-element arrays instead, whose
 * elements are the base-c digits of i: c³ distinct arrays rather than c.
 */
function arrays(types: Map<number, TypeInfo>, type: TypeInfo, typmod: number, context: GeneratorContext): ValueGenerator | string {
  const element = generatorForType(types, type.elementOid, typmod, { ...context, checks: [] });
  if (typeof element === 'string') return element;
  const c = element.capacity;
  if (c < 1000) {
    return {
      capacity: Math.min(c ** 3, BIG),
      sql: (i) => `ARRAY[${[1, c, c * c].map((unit) => element.sql(`((${i} - 1) / ${unit} % ${c} + 1)`, c)).join(', ')}]`,
      describe: `${type.sql} of ${element.describe}`,
    };
  }
  const next = (i: string, k: number) => (element.capacity === Infinity ? `(${i} + ${k})` : `((${i} + ${k - 1}) % ${element.capacity} + 1)`);
  return {
    capacity: element.capacity,
    sql: (i, maxIndex) => {
      const max = Math.min(element.capacity, maxIndex + 2);
      const items = [i, next(i, 1), next(i, 2)].map((x) => element.sql(x, max));
      return `(ARRAY[${items.join(', ')}])[1:(${i}) % 3 + 1]`;
    },
    describe: `${type.sql} of ${element.describe}`,
  };
}

/** Ranges over increasing subtype values: [v(2i-1), v(2i)) never overlap, so exclusion constraints hold too. */
function ranges(types: Map<number, TypeInfo>, type: TypeInfo, context: GeneratorContext): ValueGenerator | string {
  const subtype = types.get(type.rangeSubtypeOid);
  const supported = ['int4', 'int8', 'numeric', 'date', 'timestamp', 'timestamptz'];
  if (!subtype || subtype.schema !== 'pg_catalog' || !supported.includes(subtype.name)) return `the seeder has no value generator for range type ${type.sql}`;
  const bound = generatorForType(types, subtype.oid, -1, { ...context, checks: [] });
  if (typeof bound === 'string') return bound;
  const constructor = `${quoteIdent(type.schema)}.${quoteIdent(type.name)}`;
  return {
    capacity: Math.floor(bound.capacity / 2),
    sql: (i, maxIndex) => {
      const [lower, upper] = [`(2 * ${i} - 1)`, `(2 * ${i})`].map((x) => `(${bound.sql(x, 2 * maxIndex)})::${subtype.sql}`);
      return `${constructor}(${lower}, ${upper})`;
    },
    describe: type.sql,
  };
}

/** A literal default ('free'::text, 0, true, '{}'::jsonb): deterministic, so rows stay reproducible. now(), nextval() are not. */
function constantDefault(expression: string | null): string | null {
  if (expression === null) return null;
  const literal = /^(?:'(?:[^']|'')*'|\(?-?\d+(?:\.\d+)?\)?|true|false)(?:::(?:"(?:[^"]|"")+"|[\w\s.]+)(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*)*$/i;
  return literal.test(expression.trim()) ? expression : null;
}
