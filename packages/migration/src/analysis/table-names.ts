import { BACKUP_SCHEMA, FORGE_SCHEMA } from '../runtime/forge-schema';

// How the analysis names tables: current-schema tables unqualified, others `schema.table`.

/** effects.ts names the table of `DROP INDEX` (not in the statement) `(table of index …)`. */
const PLACEHOLDER = /^\(table of index (.+)\)$/;

export function indexOfPlaceholder(table: string): string | undefined {
  return PLACEHOLDER.exec(table)?.[1];
}

export function isPlaceholder(table: string): boolean {
  return PLACEHOLDER.test(table);
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
