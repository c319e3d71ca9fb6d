import { createHash } from 'node:crypto';
import { MAX_IDENTIFIER_BYTES } from '../sql/identifiers';

/**
 * Names of what a removal parks in `_forge_backup`. Every name ends with the change's stamp (the
 * timestamp of its first migration folder), so removing a same-named column or table again later
 * cannot collide with an earlier backup; the front part is cut to keep the whole within 63 bytes.
 */

/** `_forge_backup."User__name__20250101120000"`: the backup of removed columns. */
export function columnBackupTableName(table: string, columns: string[], stamp: string): string {
  return fitIdentifier(`${table}__${columns.join('_')}`, `__${stamp}`);
}

/** `"Coupon__removed__20250101120000"`: a removed table's name while it is parked. */
export function removedTableName(table: string, stamp: string): string {
  return fitIdentifier(table, `__removed__${stamp}`);
}

/** `"Coupon_pkey__20250101120000"`: an index, sequence or enum parked with its table. */
export function parkedName(name: string, stamp: string): string {
  return fitIdentifier(name, `__${stamp}`);
}

/**
 * `base + suffix`, within PostgreSQL's 63 bytes. When it does not fit, `base` is cut (on a
 * character boundary) and followed by a short hash of the whole of it: two long names that share
 * their first bytes (two columns of one table, 62 bytes alike) still get different names, where a
 * plain cut — PostgreSQL's own — would give both the same one.
 */
export function fitIdentifier(base: string, suffix: string): string {
  const room = MAX_IDENTIFIER_BYTES - Buffer.byteLength(suffix, 'utf8');
  if (Buffer.byteLength(base, 'utf8') <= room) return base + suffix;
  const hash = `_${createHash('sha256').update(base).digest('hex').slice(0, HASH_CHARACTERS)}`;
  return truncateBytes(base, room - hash.length) + hash + suffix;
}

/** 8 hex digits: 32 bits, no collision to expect between the names of one schema. */
const HASH_CHARACTERS = 8;

/** The name PostgreSQL gives the sequence of a `serial` column: `{table}_{column}_seq`. */
export function serialSequenceName(table: string, column: string): string {
  return derivedObjectName(table, column, 'seq');
}

/** The name PostgreSQL 18 gives a column's NOT NULL constraint: `{table}_{column}_not_null`. */
export function notNullConstraintName(table: string, column: string): string {
  return derivedObjectName(table, column, 'not_null');
}

/**
 * PostgreSQL's makeObjectName rule for `{table}_{column}_{label}`: the longer of table and column
 * is shortened first until the whole fits 63 bytes.
 */
function derivedObjectName(table: string, column: string, label: string): string {
  let tableBytes = Buffer.byteLength(table, 'utf8');
  let columnBytes = Buffer.byteLength(column, 'utf8');
  const available = MAX_IDENTIFIER_BYTES - label.length - 2;
  while (tableBytes + columnBytes > available) {
    if (tableBytes > columnBytes) tableBytes--;
    else columnBytes--;
  }
  return `${truncateBytes(table, tableBytes)}_${truncateBytes(column, columnBytes)}_${label}`;
}

export function truncateBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
