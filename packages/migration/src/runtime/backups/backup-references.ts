import { quoteIdent, quoteLiteral } from '../../sql/identifiers';
import { BACKUP_SCHEMA } from '../forge-schema';

const SCHEMA = `(?:"${BACKUP_SCHEMA}"|${BACKUP_SCHEMA})`;
const NAME = `("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
/** `"_forge_backup"."User__email__20250101120000"` — how remove-column and modify-column name their backups. */
const QUALIFIED = new RegExp(`${SCHEMA}\\s*\\.\\s*${NAME}`, 'g');
/** `'_forge_backup', 'Coupon__removed__20250101120000'` — remove-table's rollback passes names to format(). */
const FORMAT_ARGUMENTS = new RegExp(`'${BACKUP_SCHEMA}'\\s*,\\s*'((?:[^']|'')+)'`, 'g');

/**
 * The objects in `_forge_backup` a script names (tables, and the enums parked with a table). A
 * rollback script that names one needs it: without it, `migrate-down` of that migration fails.
 */
export function backupsNamedIn(sql: string | null): string[] {
  if (!sql) return [];
  const names = new Set<string>();
  for (const match of sql.matchAll(QUALIFIED)) names.add(unquote(match[1]));
  for (const match of sql.matchAll(FORMAT_ARGUMENTS)) names.add(match[1].replace(/''/g, "'"));
  return [...names];
}

/**
 * Whether a script mentions `name` as a quoted identifier or a literal. Backup names carry a
 * 14-digit stamp, so a mention is never a coincidence; remove-table's up names the parked table
 * unqualified (it is renamed before it moves), so a qualified match alone would miss it.
 */
export function mentionsName(sql: string | null, name: string): boolean {
  return !!sql && (sql.includes(quoteIdent(name)) || sql.includes(quoteLiteral(name)) || backupsNamedIn(sql).includes(name));
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}
