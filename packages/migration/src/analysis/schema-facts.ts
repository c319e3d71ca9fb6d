import { Catalog } from './catalog';
import { parseMigration } from './parse';

/**
 * Where the analysis learns what the statements do not say (which table a constraint references,
 * which table an index is on): the SQL that built the schema, replayed into a Catalog.
 */

/** From Prisma's SQL for a schema (what `prisma migrate diff --from-empty` writes for it). */
export async function schemaFactsFromSql(sql: string): Promise<Catalog> {
  // An empty schema (a baseline's before) has no SQL, and the parser refuses an empty query.
  return sql.trim() ? Catalog.of(await parseMigration(sql)) : Catalog.empty();
}

/**
 * From a migrations history: every migration.sql in order. A script PostgreSQL cannot parse is
 * left out (migrate-lint reports it); what it created stays unknown.
 */
export async function schemaFactsFromHistory(scripts: readonly string[]): Promise<Catalog> {
  const catalog = Catalog.empty();
  for (const sql of scripts) {
    try {
      for (const statement of await parseMigration(sql)) catalog.apply(statement, 'earlier');
    } catch {
      continue;
    }
  }
  return catalog;
}
