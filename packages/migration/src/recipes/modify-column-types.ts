/**
 * What a column type change costs in PostgreSQL, decided from the SQL types Prisma writes
 * (`VARCHAR(500)`, `DECIMAL(10,2)`, `"OrderStatus"`, …), and how values convert by default.
 */

/**
 * - `coercible`: binary-coercible, one `ALTER COLUMN TYPE` changes only the catalog (no rewrite, indexes kept);
 * - `narrowing`: same kind of type with less room (values may not fit, or are rounded);
 * - `rewrite`: anything else: PostgreSQL would rewrite the table (and may fail on a value).
 */
export type TypeChangeKind = 'none' | 'coercible' | 'narrowing' | 'rewrite';

export interface SqlType {
  /** Upper-case name without modifier (`VARCHAR`, `DOUBLE PRECISION`) or the quoted enum name. */
  name: string;
  /** Type modifiers: `[500]` for VARCHAR(500), `[10, 2]` for DECIMAL(10,2). */
  modifiers: number[];
  array: boolean;
}

export function parseSqlType(type: string): SqlType {
  const match = /^("(?:[^"]|"")+"|[A-Za-z][A-Za-z ]*?)\s*(?:\(([\d,\s]+)\))?((?:\[\])*)$/.exec(type.trim());
  if (!match) return { name: type.trim(), modifiers: [], array: false };
  const name = match[1].startsWith('"') ? match[1] : match[1].toUpperCase();
  return { name, modifiers: match[2] ? match[2].split(',').map((m) => Number(m.trim())) : [], array: !!match[3] };
}

const TEXT = new Set(['TEXT', 'VARCHAR', 'CHAR', 'CITEXT']);
const INTEGERS = new Set(['SMALLINT', 'INTEGER', 'BIGINT']);
const FLOATS = new Set(['REAL', 'DOUBLE PRECISION']);
const NUMBERS = new Set([...INTEGERS, ...FLOATS, 'DECIMAL', 'MONEY']);
const TIMESTAMPS = new Set(['TIMESTAMP', 'TIMESTAMPTZ']);
const TEMPORAL = new Set([...TIMESTAMPS, 'DATE']);
const PRECISION_TYPES = new Set(['TIMESTAMP', 'TIMESTAMPTZ', 'TIME', 'TIMETZ']);

export function isEnumType(type: SqlType): boolean {
  return type.name.startsWith('"');
}

export function isTextType(type: SqlType): boolean {
  return TEXT.has(type.name) && !type.array;
}

export function classifyTypeChange(fromType: string, toType: string): TypeChangeKind {
  if (fromType === toType) return 'none';
  const from = parseSqlType(fromType);
  const to = parseSqlType(toType);
  if (from.array || to.array) return 'rewrite';
  if ((from.name === 'TEXT' || from.name === 'VARCHAR') && (to.name === 'TEXT' || to.name === 'VARCHAR')) {
    const before = from.name === 'VARCHAR' ? from.modifiers[0] : undefined;
    const after = to.name === 'VARCHAR' ? to.modifiers[0] : undefined;
    if (after === undefined) return 'coercible';
    return before !== undefined && after >= before ? 'coercible' : 'narrowing';
  }
  if (from.name === 'DECIMAL' && to.name === 'DECIMAL') {
    if (to.modifiers.length === 0) return 'coercible';
    if (from.modifiers.length === 0) return 'narrowing';
    const [p1, s1 = 0] = from.modifiers;
    const [p2, s2 = 0] = to.modifiers;
    if (s2 < s1 || p2 - s2 < p1 - s1) return 'narrowing';
    return s2 === s1 ? 'coercible' : 'rewrite';
  }
  if (PRECISION_TYPES.has(from.name) && from.name === to.name) {
    const before = from.modifiers[0] ?? 6;
    const after = to.modifiers[0] ?? 6;
    return after >= before ? 'coercible' : 'narrowing';
  }
  return 'rewrite';
}

/**
 * Why a conversion loses information for values that do convert (undefined when it does not).
 * Values that do not convert at all are never lost: the data migration lists them and refuses.
 */
export function lossOf(fromType: string, toType: string, kind: TypeChangeKind): string | undefined {
  const from = parseSqlType(fromType);
  const to = parseSqlType(toType);
  if (kind === 'narrowing') {
    if (to.name === 'DECIMAL') return `${toType} keeps fewer digits than ${fromType}: values are rounded to its scale, and values too large do not convert`;
    if (PRECISION_TYPES.has(to.name)) return `${toType} keeps fewer fractional seconds than ${fromType}: times are rounded`;
    return `${toType} holds less than ${fromType}: values that do not fit are listed and refused`;
  }
  if (from.array || to.array) return undefined;
  if ((FLOATS.has(from.name) || from.name === 'DECIMAL') && INTEGERS.has(to.name)) return `${fromType} → ${toType} rounds fractional values to whole numbers`;
  if (from.name === 'DECIMAL' && FLOATS.has(to.name)) return `${fromType} → ${toType} keeps only ${to.name === 'REAL' ? 6 : 15} significant digits`;
  if (from.name === 'BIGINT' && FLOATS.has(to.name)) return `${fromType} → ${toType} is exact only up to 2^${to.name === 'REAL' ? 24 : 53}`;
  if (from.name === 'INTEGER' && to.name === 'REAL') return `${fromType} → ${toType} is exact only up to 2^24`;
  if (from.name === 'DOUBLE PRECISION' && to.name === 'REAL') return `${fromType} → ${toType} keeps only 6 significant digits`;
  if (FLOATS.has(from.name) && to.name === 'DECIMAL' && to.modifiers.length === 2) return `${fromType} → ${toType} rounds values to ${to.modifiers[1]} decimal places`;
  if (NUMBERS.has(from.name) && to.name === 'BOOLEAN') return `${fromType} → ${toType} turns every non-zero number into true`;
  if (TIMESTAMPS.has(from.name) && to.name === 'DATE') return `${fromType} → ${toType} drops the time of day`;
  return undefined;
}

/**
 * The default SQL conversion of `value` (an SQL expression of type `fromType`) to `toType`, or
 * undefined when PostgreSQL has no cast between them and the user must give one. It casts to the
 * type WITHOUT its modifier: an explicit `::varchar(100)` would silently truncate; the conversion
 * function assigns the result to a variable of the full type instead, which refuses what does not fit.
 */
export function defaultConversion(value: string, fromType: string, toType: string): string | undefined {
  const from = parseSqlType(fromType);
  const to = parseSqlType(toType);
  const target = bareType(to);
  if (from.array !== to.array) return undefined;
  if (TIMESTAMPS.has(from.name) && TIMESTAMPS.has(to.name) && from.name !== to.name) {
    // Prisma stores timestamp without time zone as UTC: convert as UTC, whatever the session's zone.
    return `(${value} AT TIME ZONE 'UTC')`;
  }
  if (from.array) return castable(from, to) ? `${value}::${target}` : undefined;
  if (isEnumType(from) || isEnumType(to)) return castable(from, to) ? `${value}::text::${target}` : undefined;
  return castable(from, to) ? `${value}::${target}` : undefined;
}

function castable(from: SqlType, to: SqlType): boolean {
  const a = from.name;
  const b = to.name;
  if (a === b) return true;
  const textish = (n: string) => TEXT.has(n) || n.startsWith('"');
  if (textish(a) || textish(b)) return true;
  if (NUMBERS.has(a) && NUMBERS.has(b)) return true;
  if (TEMPORAL.has(a) && TEMPORAL.has(b)) return true;
  if ((a === 'INTEGER' && b === 'BOOLEAN') || (a === 'BOOLEAN' && b === 'INTEGER')) return true;
  if ((a === 'JSON' && b === 'JSONB') || (a === 'JSONB' && b === 'JSON')) return true;
  if (a === 'JSONB' && (NUMBERS.has(b) || b === 'BOOLEAN') && b !== 'MONEY') return true;
  return false;
}

const INTEGER_WIDTH: Record<string, number> = { SMALLINT: 2, INTEGER: 4, BIGINT: 8 };

/**
 * The default cast between these types never raises (a wider integer, an unbounded numeric, a
 * double, unbounded text): conversion needs no per-row error trap, whose subtransaction would make
 * every backfill batch several times slower.
 */
export function defaultCastCannotFail(fromType: string, toType: string): boolean {
  const from = parseSqlType(fromType);
  const to = parseSqlType(toType);
  if (from.array || to.array || isEnumType(from)) return false;
  if (INTEGERS.has(from.name) && INTEGERS.has(to.name)) return INTEGER_WIDTH[to.name] >= INTEGER_WIDTH[from.name];
  if (INTEGERS.has(from.name) && to.name === 'DECIMAL') return to.modifiers.length === 0;
  if ((INTEGERS.has(from.name) || FLOATS.has(from.name)) && to.name === 'DOUBLE PRECISION') return true;
  return to.name === 'TEXT';
}

/** `VARCHAR(100)[]` → `VARCHAR[]`: the type a cast or a function signature takes. */
export function bareType(type: SqlType): string {
  return `${type.name}${type.array ? '[]' : ''}`;
}

/**
 * Example text values that convert to `toType` with the default conversion: seed hints for
 * `migrate-validate`, whose generated text would otherwise not convert to a number or a date.
 */
export function convertibleTextSamples(toType: string, enumValues?: string[]): string[] | undefined {
  const to = parseSqlType(toType);
  if (to.array) return undefined;
  if (enumValues?.length) return enumValues;
  if (INTEGERS.has(to.name)) return ['0', '1', '42'];
  if (FLOATS.has(to.name) || to.name === 'DECIMAL') return ['0', '1.5', '42'];
  if (to.name === 'BOOLEAN') return ['true', 'false'];
  if (TEMPORAL.has(to.name)) return ['2024-01-01 00:00:00', '2025-06-30 12:30:00'];
  if (to.name === 'JSONB' || to.name === 'JSON') return ['{}', '[]', '{"a":1}'];
  if (to.name === 'UUID') return ['00000000-0000-4000-8000-000000000000'];
  return undefined;
}
