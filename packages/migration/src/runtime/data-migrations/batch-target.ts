import { quoteIdent } from '../../sql/identifiers';
import { didYouMean } from '../../suggest';
import type { Queryable } from '../pg-client';

/** A table and its pagination key, checked against the catalog. Identifiers are quoted. */
export interface BatchTarget {
  /** The table as written in SQL: `"schema"."Table"`. */
  table: string;
  /** The key column, quoted. */
  key: string;
  /** The key's SQL type (`format_type`), to cast a checkpoint's text back: `integer`, `uuid`, … */
  keyType: string;
  /** For messages: `"User"`. */
  label: string;
  /** Whether some btree index starts with the key (without one, every batch scans the table). */
  indexed: boolean;
  keyNullable: boolean;
}

/**
 * Looks the table up through the search_path (like Prisma's unqualified names) and the key among
 * its columns. Refuses what does not exist, with the names that do.
 */
export async function resolveBatchTarget(db: Queryable, table: string, key: string): Promise<BatchTarget> {
  if (!table) throw new Error('batchUpdate needs a table.');
  const { rows: found } = await db.query<{ oid: number; schema: string; relkind: string }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relkind::text AS relkind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
    [quoteIdent(table)],
  );
  const relation = found[0];
  if (!relation || !['r', 'p'].includes(relation.relkind)) {
    const { rows } = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    const names = rows.map((r) => r.name);
    const what = relation ? `${quoteIdent(table)} is not a table` : `Table ${quoteIdent(table)} does not exist`;
    throw new Error(
      `batchUpdate: ${what} in the search_path. ${didYouMean(table, names)}` +
        (names.length ? `Tables: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.` : 'The schema has no tables.'),
    );
  }
  const { rows: columns } = await db.query<{ name: string; type: string; notnull: boolean; indexed: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            EXISTS (SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
                     WHERE i.indrelid = a.attrelid AND i.indkey[0] = a.attnum AND i.indpred IS NULL AND am.amname = 'btree') AS indexed
       FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [relation.oid],
  );
  const column = columns.find((c) => c.name === key);
  const tableRef = `${quoteIdent(relation.schema)}.${quoteIdent(table)}`;
  if (!column) {
    const names = columns.map((c) => c.name);
    throw new Error(
      `batchUpdate: table ${quoteIdent(table)} has no column ${quoteIdent(key)} to page on. ${didYouMean(key, names)}` +
        `Columns: ${names.join(', ')}. Pass key: '<column>' (the primary key is best).`,
    );
  }
  return { table: tableRef, key: quoteIdent(key), keyType: column.type, label: quoteIdent(table), indexed: column.indexed, keyNullable: !column.notnull };
}
