import { BACKUP_SCHEMA, FORGE_SCHEMA } from '../runtime/forge-schema';

// How the analysis names tables: current-schema tables unqualified, others `schema.table`. A table
// the statement does not name and the schema facts do not know is described in parentheses: it
// stays "unknown" in every report, it is never dropped.

/** The table of `DROP INDEX "i"` when the facts do not say: `(table of index i)`. */
const INDEX_PLACEHOLDER = /^\(table of index (.+)\)$/;

export function unknownTableOfIndex(index: string): string {
  return `(table of index ${index})`;
}

export function indexOfPlaceholder(table: string): string | undefined {
  return INDEX_PLACEHOLDER.exec(table)?.[1];
}

/** A table the analysis could not name (`(table of index i)`, `(tables "Order" references)`…). */
export function isPlaceholder(table: string): boolean {
  return table.startsWith('(');
}

/** An unknown table, described: `(tables "Order" references)`. */
export function unknownTable(description: string): string {
  return `(${description})`;
}

/** `public.User` and `User` are the same table (the current schema). */
export function normalize(table: string): string {
  return table.startsWith('public.') ? table.slice('public.'.length) : table;
}

export function isBookkeeping(table: string): boolean {
  return table.startsWith(`${FORGE_SCHEMA}.`);
}

export function isBackup(table: string): boolean {
  return table.startsWith(`${BACKUP_SCHEMA}.`);
}
