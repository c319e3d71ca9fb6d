import { quoteIdent, quoteLiteral } from '../../sql/identifiers';
import { didYouMean } from '../../suggest';
import type { Queryable } from '../pg-client';

/**
 * A table and its pagination key, checked against the catalog. Identifiers are quoted. The key is
 * one column or several (a composite primary key, a multi-column unique key): batches then page
 * on the row value `(a, b) > ($1, $2)`, which follows the order of an index on (a, b).
 */
export interface BatchTarget {
  /** The table as written in SQL: `"schema"."Table"`. */
  table: string;
  /** The key columns, quoted, in key order. */
  columns: string[];
  /** Each key column's SQL type (`format_type`), to cast a checkpoint's text back: `integer`, `uuid`, … */
  types: string[];
  /** The key as one SQL expression: `"id"`, or the row value `("tenantId", "slug")`. */
  key: string;
  /** For messages: `"User"`. */
  label: string;
  /** Whether some btree index starts with the key columns, in order (without one, every batch scans the table). */
  indexed: boolean;
  keyNullable: boolean;
}

/** `key > …`: the key compared with parameters `$n::type` (a row of them for a composite key). */
export function keyParameters(target: BatchTarget, first: number): string {
  const values = target.types.map((type, i) => `$${first + i}::${type}`);
  return values.length === 1 ? values[0] : `(${values.join(', ')})`;
}

/** The same with literals, for a statement that is only EXPLAINed. */
export function keyLiterals(target: BatchTarget, values: string[]): string {
  const literals = target.types.map((type, i) => `${quoteLiteral(values[i])}::${type}`);
  return literals.length === 1 ? literals[0] : `(${literals.join(', ')})`;
}

/** `ORDER BY` of the key, each column in the same direction (what an index on the key serves). */
export function keyOrder(target: BatchTarget, direction: 'ASC' | 'DESC' = 'ASC'): string {
  return target.columns.map((c) => (direction === 'DESC' ? `${c} DESC` : c)).join(', ');
}

/**
 * A key value as a checkpoint keeps it (text): the column's text for one column (as before
 * composite keys, so a checkpoint written by an older run still resumes), a JSON array of the
 * columns' texts for several.
 */
export function keyTextExpression(target: BatchTarget): string {
  return target.columns.length === 1 ? `${target.columns[0]}::text` : `json_build_array(${target.columns.map((c) => `${c}::text`).join(', ')})::text`;
}

/** A checkpoint's text back to one parameter per key column. */
export function keyValues(target: BatchTarget, text: string): string[] {
  if (target.columns.length === 1) return [text];
  const values = JSON.parse(text) as unknown;
  if (!Array.isArray(values) || values.length !== target.columns.length) {
    throw new Error(`${target.label}: the checkpoint ${JSON.stringify(text)} does not hold a value for each of the key columns ${target.key}.`);
  }
  return values.map(String);
}

interface Column {
  num: number;
  name: string;
  type: string;
  notnull: boolean;
}

/**
 * Looks the table up through the search_path (like Prisma's unqualified names) and the key among
 * its columns. Without a key, the table's own: its primary key (one column or several), else its
 * smallest unique key whose columns are all NOT NULL (a model with @unique but no @id). Refuses
 * what does not exist, with the names that do.
 */
export async function resolveBatchTarget(db: Queryable, table: string, key?: string | string[]): Promise<BatchTarget> {
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
  const { rows: columns } = await db.query<Column>(
    `SELECT a.attnum::int AS num, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull
       FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [relation.oid],
  );
  const { rows: indexes } = await db.query<{ keys: number[]; primary: boolean; unique: boolean; btree: boolean }>(
    `SELECT i.indkey::int2[]::int[] AS keys, i.indisprimary AS primary, i.indisunique AS unique, am.amname = 'btree' AS btree
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      WHERE i.indrelid = $1 AND i.indpred IS NULL AND i.indisvalid
      ORDER BY i.indisprimary DESC, array_length(i.indkey::int2[], 1), ic.relname`,
    [relation.oid],
  );
  // Before tables were asked for their key, the default was `id`: a table without any key still pages on it.
  const names = typeof key === 'string' ? [key] : key?.length ? key : (tableKey(columns, indexes) ?? (columns.some((c) => c.name === 'id') ? ['id'] : undefined));
  if (!names) {
    throw new Error(
      `batchUpdate: table ${quoteIdent(table)} has no primary key and no unique key on NOT NULL columns to page on. ` +
        `Pass key: '<column>' (an indexed, never-NULL column), or key: ['a', 'b'] for several.`,
    );
  }
  const keyColumns = names.map((name) => {
    const column = columns.find((c) => c.name === name);
    if (!column) {
      const all = columns.map((c) => c.name);
      throw new Error(
        `batchUpdate: table ${quoteIdent(table)} has no column ${quoteIdent(name)} to page on. ${didYouMean(name, all)}` +
          `Columns: ${all.join(', ')}. Pass key: '<column>' (the primary key is best).`,
      );
    }
    return column;
  });
  const nums = keyColumns.map((c) => c.num);
  const quoted = keyColumns.map((c) => quoteIdent(c.name));
  return {
    table: `${quoteIdent(relation.schema)}.${quoteIdent(table)}`,
    columns: quoted,
    types: keyColumns.map((c) => c.type),
    key: quoted.length === 1 ? quoted[0] : `(${quoted.join(', ')})`,
    label: quoteIdent(table),
    indexed: indexes.some((i) => i.btree && nums.every((n, at) => i.keys[at] === n)),
    keyNullable: keyColumns.some((c) => !c.notnull),
  };
}

/** The primary key's columns, else those of the smallest unique index on NOT NULL columns only (no expressions). */
function tableKey(columns: Column[], indexes: { keys: number[]; primary: boolean; unique: boolean; btree: boolean }[]): string[] | undefined {
  const byNum = new Map(columns.map((c) => [c.num, c]));
  const usable = indexes.find((i) => i.primary || (i.unique && i.btree && i.keys.every((n) => byNum.get(n)?.notnull)));
  return usable?.keys.map((n) => byNum.get(n)!.name);
}
