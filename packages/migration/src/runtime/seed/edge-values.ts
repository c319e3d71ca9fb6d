import { quoteIdent, quoteLiteral } from '../../sql/identifiers';
import type { Queryable } from '../pg-client';
import { type ColumnInfo, type TableInfo, type TypeInfo, tableRefOf } from './catalog';

/** A value at a type's edge, which a migration may get wrong: named for messages and reports. */
export interface EdgeValue {
  label: string;
  /** A SQL expression of the column's type. */
  sql: string;
}

const NON_ASCII = 'Zoë Ångström — 東京 ✓ ';

/**
 * Values at the edges of a column's type, valid for the type it has now: NULL (when nullable),
 * the largest and smallest numbers it holds, numeric at full precision, empty and long non-ASCII
 * strings and strings that are no number, empty lists and byte strings. A pending type change
 * that cannot take one of them must stop (or reject the write), never store NULL or a default.
 */
export function edgeValues(column: ColumnInfo, types: Map<number, TypeInfo>): EdgeValue[] {
  const values: EdgeValue[] = column.nullable ? [{ label: 'NULL', sql: 'NULL' }] : [];
  const type = baseType(types, column.typeOid);
  if (!type) return values;
  const cast = (label: string, literal: string): EdgeValue => ({ label, sql: `${quoteLiteral(literal)}::${column.sqlType}` });
  if (type.category === 'A') return [...values, cast('empty list', '{}')];
  if (type.typtype === 'e') return [...values, ...type.enumLabels.map((label) => cast(`enum value '${label}'`, label))];
  switch (type.schema === 'pg_catalog' ? type.name : '') {
    case 'int2':
      return [...values, cast('int2 max', '32767'), cast('int2 min', '-32768')];
    case 'int4':
      return [...values, cast('int4 max', '2147483647'), cast('int4 min', '-2147483648')];
    case 'int8':
      return [...values, cast('int8 max', '9223372036854775807'), cast('int8 min', '-9223372036854775808')];
    case 'numeric': {
      const { precision, scale } = numericTypmod(column.typmod);
      const max = precision > 0 && scale >= 0 ? `${'9'.repeat(precision - scale) || '0'}${scale ? `.${'9'.repeat(scale)}` : ''}` : `1${'0'.repeat(30)}.${'1'.repeat(30)}`;
      return [...values, cast('numeric at full precision', max), cast('negative numeric at full precision', `-${max}`), cast('smallest fraction', precision > 0 && scale > 0 ? `0.${'0'.repeat(scale - 1)}1` : '0.000000000000000000000000000001')];
    }
    case 'float8':
    case 'float4':
      return [...values, cast('large float', type.name === 'float8' ? '1e300' : '1e30')];
    case 'text':
    case 'varchar':
    case 'bpchar': {
      const length = (type.name === 'varchar' || type.name === 'bpchar') && column.typmod >= 4 ? column.typmod - 4 : 2000;
      const long = NON_ASCII.repeat(Math.ceil(length / NON_ASCII.length) + 1).slice(0, length);
      return [...values, cast('text that is no number', 'not a number'), cast('empty string', ''), cast(`non-ASCII string of ${length} characters`, long)];
    }
    case 'bytea':
      return [...values, cast('empty bytes', '\\x'), cast('bytes 00 ff', '\\x00ff')];
    case 'jsonb':
    case 'json':
      return [...values, cast('JSON null', 'null'), cast('empty JSON object', '{}')];
    case 'timestamp':
    case 'timestamptz':
      return [...values, cast('far-future timestamp', '9999-12-31 23:59:59.999999')];
    default:
      return values;
  }
}

function baseType(types: Map<number, TypeInfo>, oid: number): TypeInfo | undefined {
  let type = types.get(oid);
  while (type?.typtype === 'd') type = types.get(type.baseOid);
  return type;
}

function numericTypmod(typmod: number): { precision: number; scale: number } {
  if (typmod < 4) return { precision: 0, scale: 0 };
  const precision = ((typmod - 4) >> 16) & 0xffff;
  const rawScale = (typmod - 4) & 0x7ff;
  return { precision, scale: rawScale & 0x400 ? rawScale - 0x800 : rawScale };
}

/** What the seed puts on one row per column: the value real data is likeliest to hold that breaks a narrowing change. */
const SEEDED_EDGES = /^(numeric at full precision|int[248] max|non-ASCII string of \d+ characters|empty list|empty bytes)$/;

/**
 * Gives the second seeded row of `table` an edge value in every column that can take one without
 * guessing (no CHECK, foreign key or hint on it, not generated): numeric at full precision, the
 * largest integer, a long non-ASCII string, an empty list, empty bytes. So a Decimal(65,30) →
 * Decimal(12,4) change, or text narrowed to varchar(20), fails validation as it would fail on real
 * data. Each column in a savepoint: a value the table refuses (a trigger, an expression index)
 * leaves that column as generated.
 */
export async function seedEdgeValues(db: Queryable, table: TableInfo, types: Map<number, TypeInfo>): Promise<string[]> {
  if (table.primaryKey.length !== 1) return [];
  const key = quoteIdent(table.primaryKey[0]);
  const constrained = new Set([...table.primaryKey, ...table.foreignKeys.flatMap((f) => f.columns), ...table.checks.flatMap((c) => c.columns)]);
  const row = `(SELECT ${key} FROM ${tableRefOf(table)} ORDER BY ${key} OFFSET 1 LIMIT 1)`;
  const seeded: string[] = [];
  for (const column of table.columns) {
    if (constrained.has(column.name) || column.generated || column.identity || column.serial || types.get(column.typeOid)?.typtype === 'd') continue;
    const edge = edgeValues(column, types).find((v) => SEEDED_EDGES.test(v.label));
    if (!edge) continue;
    await db.query('SAVEPOINT forge_seed_edge');
    try {
      await db.query(`UPDATE ${tableRefOf(table)} SET ${quoteIdent(column.name)} = ${edge.sql} WHERE ${key} = ${row}`);
      await db.query('RELEASE SAVEPOINT forge_seed_edge');
      seeded.push(`${column.name}: ${edge.label}`);
    } catch {
      await db.query('ROLLBACK TO SAVEPOINT forge_seed_edge');
    }
  }
  return seeded;
}
