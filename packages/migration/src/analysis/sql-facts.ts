import { walk } from './ast';
import { normalize } from './table-names';

/** Small readers over libpg-query's JSON AST that the catalog and the rules share. */

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The schema migrations run in by default: `public.T` and `T` are the same table. */
export function tableKey(name: string | undefined): string | undefined {
  return name === undefined ? undefined : normalize(name);
}

/** A RangeVar's table as the analysis names it: `table`, or `schema.table` when the SQL names a schema. */
export function relationName(range: Node | undefined): string | undefined {
  if (!range?.relname) return undefined;
  return range.schemaname ? `${range.schemaname}.${range.relname}` : range.relname;
}

export function tableOf(range: Node | undefined): string | undefined {
  return tableKey(relationName(range));
}

/** Schema part of a qualified table key (`_forge_backup.x` → `_forge_backup`). */
export function schemaOf(table: string): string | undefined {
  const dot = table.indexOf('.');
  return dot < 0 ? undefined : table.slice(0, dot);
}

/** A column type as the catalog keeps it: base name (PostgreSQL's internal one), modifiers, array. */
export interface ColumnType {
  name: string;
  mods: number[];
  array: boolean;
}

const TYPE_ALIASES: Record<string, string> = {
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
  smallserial: 'int2',
  serial2: 'int2',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  decimal: 'numeric',
  'character varying': 'varchar',
  boolean: 'bool',
};

export function columnType(typeName: Node | undefined): ColumnType | null {
  if (!typeName?.names) return null;
  const names: string[] = typeName.names.map((n: Node) => n.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
  const last = names[names.length - 1];
  if (!last) return null;
  const builtin = names[0] === 'pg_catalog' || names.length === 1;
  const name = builtin ? (TYPE_ALIASES[last] ?? last) : names.join('.');
  const mods = (typeName.typmods ?? []).map((m: Node) => Number(m.A_Const?.ival?.ival ?? 0));
  return { name, mods, array: Boolean(typeName.arrayBounds?.length) };
}

export function typeText(type: ColumnType | null): string {
  if (!type) return 'unknown type';
  return `${type.name}${type.mods.length ? `(${type.mods.join(',')})` : ''}${type.array ? '[]' : ''}`;
}

/** The column a `ColumnRef` names (its last part), or undefined for `*` and expressions. */
export function columnRefName(node: Node | undefined): string | undefined {
  const fields: Node[] | undefined = node?.ColumnRef?.fields;
  const last = fields?.[fields.length - 1];
  return last?.String?.sval;
}

/**
 * What a plain `SELECT a, b FROM t` reads: the table and the columns (`'*'` for `SELECT *`).
 * Null for anything more complex (joins, expressions), which the catalog does not try to follow.
 */
export function selectedColumns(select: Node | undefined): { table: string; columns: string[] | '*' } | null {
  const stmt = select?.SelectStmt;
  const from = stmt?.fromClause;
  if (!stmt || from?.length !== 1 || !from[0].RangeVar) return null;
  const table = tableOf(from[0].RangeVar);
  if (!table) return null;
  const columns: string[] = [];
  for (const target of stmt.targetList ?? []) {
    const fields: Node[] | undefined = target.ResTarget?.val?.ColumnRef?.fields;
    if (fields?.some((f) => f.A_Star)) return { table, columns: '*' };
    const name = columnRefName(target.ResTarget?.val);
    if (name) columns.push(name);
  }
  return { table, columns };
}

/** The column definition's constraints (NOT NULL, DEFAULT, CHECK, REFERENCES…). */
export function columnConstraints(def: Node | undefined): Node[] {
  return (def?.constraints ?? []).map((c: Node) => c.Constraint).filter(Boolean);
}

/** `CHECK (c IS NOT NULL)` → `c`; what lets SET NOT NULL skip its scan once validated. */
export function notNullCheckColumn(constraint: Node | undefined): string | undefined {
  const test = constraint?.contype === 'CONSTR_CHECK' ? constraint.raw_expr?.NullTest : undefined;
  return test?.nulltesttype === 'IS_NOT_NULL' ? columnRefName(test.arg) : undefined;
}

/** Names of a `DROP …` statement's objects, each as `schema.name` or `name`. */
export function droppedNames(node: Node): string[] {
  return (node.objects ?? []).map((o: Node) => {
    const items: Node[] = o.List?.items ?? (o.String ? [o] : []);
    return items.map((i) => i.String?.sval).join('.');
  });
}

/** Every string literal in a subtree (`'PAID'` in `SET status = 'PAID'`). */
export function stringLiterals(node: unknown): string[] {
  const out: string[] = [];
  walk(node, (key, value) => {
    if (key === 'A_Const' && typeof value.sval?.sval === 'string') out.push(value.sval.sval);
  });
  return out;
}

/**
 * Every identifier written in a statement, as PostgreSQL's own scanner reads it (quoted ones
 * unescaped, unquoted ones lower-cased), before any truncation — the parse tree already holds
 * names cut to 63 bytes. String literals, dollar-quoted bodies and comments are not identifiers.
 * The scanner is the WebAssembly module parseMigration() loads: call this after parsing.
 */
export function writtenIdentifiers(sql: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { scanSync } = require('libpg-query') as typeof import('libpg-query');
  return scanSync(sql)
    .tokens.filter((token) => token.tokenName === 'IDENT')
    .map((token) => (token.text.startsWith('"') ? token.text.slice(1, -1).replace(/""/g, '"') : token.text.toLowerCase()));
}

/**
 * Tables a statement or query reads: every table of its FROM lists, joins and subqueries, at any
 * depth (a statement's own target — INSERT INTO, UPDATE, CREATE TABLE AS — is not a FROM item).
 * Names of its WITH queries are not tables, nor are the system catalogs (pg_constraint…): their
 * locks block no application query.
 */
export function readTables(node: unknown): string[] {
  const ctes = new Set<string>();
  walk(node, (key, value) => {
    if (key === 'CommonTableExpr' && value.ctename) ctes.add(value.ctename);
  });
  const tables = new Set<string>();
  walk(node, (key, value) => {
    if (key !== 'RangeVar' || (!value.schemaname && ctes.has(value.relname)) || isSystemCatalog(value)) return;
    const table = tableOf(value);
    if (table) tables.add(table);
  });
  return [...tables];
}

/** pg_catalog and information_schema relations (pg_catalog comes first in every search path). */
export function isSystemCatalog(range: Node): boolean {
  if (range.schemaname) return range.schemaname === 'pg_catalog' || range.schemaname === 'information_schema';
  return /^pg_/.test(range.relname);
}
