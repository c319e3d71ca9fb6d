import { quoteLiteral } from '../../../sql/identifiers';
import type { ColumnInfo, TypeInfo } from '../../seed';

/** A value the application could write that a migration may get wrong: named for the report. */
export interface LimitValue {
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
export function limitValues(column: ColumnInfo, types: Map<number, TypeInfo>): LimitValue[] {
  const values: LimitValue[] = column.nullable ? [{ label: 'NULL', sql: 'NULL' }] : [];
  const type = baseType(types, column.typeOid);
  if (!type) return values;
  const cast = (label: string, literal: string): LimitValue => ({ label, sql: `${quoteLiteral(literal)}::${column.sqlType}` });
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
