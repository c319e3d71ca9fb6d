import { quoteIdent } from '../sql/identifiers';
import { statementText } from '../sql/split-statements';
import { splitTopLevel } from '../sql/top-level-split';

/** A column as Prisma's `ADD COLUMN` writes it. */
export interface ColumnDefinition {
  /** Column name, unquoted. */
  column: string;
  /** SQL type exactly as Prisma writes it: `TEXT`, `VARCHAR(500)`, `"OrderStatus"`, `INTEGER[]`, … */
  type: string;
  notNull: boolean;
  /** The default expression as Prisma writes it (`'pending'`, `0`, `gen_random_uuid()`), if any. */
  default?: string;
}

const QUOTED = String.raw`"(?:[^"]|"")+"`;
const ALTER_TABLE = new RegExp(String.raw`^ALTER TABLE (${QUOTED}(?:\.${QUOTED})?) ([\s\S]+)$`);
const ADD_COLUMN = new RegExp(String.raw`^ADD COLUMN\s+(${QUOTED})\s+([\s\S]+?)(\s+NOT NULL)?(?:\s+DEFAULT\s+([\s\S]+))?$`);

/** `ALTER TABLE "T" a, b;` → the table (as written) and its clauses; undefined for other statements. */
export function parseAlterTable(statement: string): { table: string; clauses: string[] } | undefined {
  const match = ALTER_TABLE.exec(statementText(statement));
  return match ? { table: match[1], clauses: splitTopLevel(match[2]) } : undefined;
}

/** `ADD COLUMN "c" TYPE [NOT NULL] [DEFAULT …]` → its parts; undefined for other clauses. */
export function parseAddColumn(clause: string): ColumnDefinition | undefined {
  const match = ADD_COLUMN.exec(clause.trim());
  if (!match) return undefined;
  return { column: unquote(match[1]), type: match[2].trim(), notNull: !!match[3], ...(match[4] ? { default: match[4].trim() } : {}) };
}

/** The clause that adds a column like `definition` (Prisma's spacing). */
export function addColumnClause(definition: ColumnDefinition): string {
  return [`ADD COLUMN     ${quoteIdent(definition.column)} ${definition.type}`, definition.notNull ? ' NOT NULL' : '', definition.default ? ` DEFAULT ${definition.default}` : ''].join('');
}

/** One `ALTER TABLE` statement from clauses, laid out as Prisma does. */
export function alterTable(table: string, clauses: string[]): string {
  return `ALTER TABLE ${table} ${clauses.join(',\n')};`;
}

function unquote(name: string): string {
  return name.slice(1, -1).replace(/""/g, '"');
}
