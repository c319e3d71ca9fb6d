import { didYouMean } from '../../suggest';
import { quoteIdent } from '../../sql/identifiers';
import type { Queryable } from '../pg-client';
import { SeedError } from './errors';

/**
 * What the seeder needs to know about a schema, read from pg_catalog (not information_schema: it
 * hides enum labels, typmods of domains, unique indexes that are not constraints, and is slow).
 * Tables referenced by foreign keys in other schemas are read too, so parents can be seeded.
 */
export interface Catalog {
  /** The schema that unqualified table names are looked up in. */
  schema: string;
  /** Keyed by `tableKey(schema, name)`. */
  tables: Map<string, TableInfo>;
  /** Every type used by a column, and the types those are built on (domain bases, array elements, range subtypes). */
  types: Map<number, TypeInfo>;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** Only 'table' and 'partitioned' can be seeded; the others are kept for clear error messages. */
  kind: 'table' | 'partitioned' | 'view' | 'materialized view' | 'foreign table';
  columns: ColumnInfo[];
  /** Empty when the table has no primary key. */
  primaryKey: string[];
  /** Primary key, unique constraints and unique indexes, each with its key columns. */
  uniques: UniqueKey[];
  foreignKeys: ForeignKey[];
  checks: CheckConstraint[];
}

export interface ColumnInfo {
  name: string;
  attnum: number;
  typeOid: number;
  typmod: number;
  /** `format_type(atttypid, atttypmod)`: the type as it must be written in a cast. */
  sqlType: string;
  /** False when the column or any domain it is built on is NOT NULL. */
  nullable: boolean;
  /** `pg_get_expr` of the default; null for none (and for generated columns). */
  default: string | null;
  identity: boolean;
  /** A stored generated column: the database computes it, it cannot be inserted. */
  generated: boolean;
  /** Filled by a sequence (`serial`, `nextval(...)` default): left to the database like identity. */
  serial: boolean;
}

export interface UniqueKey {
  name: string;
  columns: string[];
  primary: boolean;
  /** A partial unique index (WHERE ...): treated like a full one, which is stricter. */
  partial: boolean;
  /** An expression index: `columns` are the columns its expressions use (approximate). */
  expression: boolean;
  /** PostgreSQL 15 `NULLS NOT DISTINCT`: NULLs collide, so these columns get no NULLs. */
  nullsNotDistinct: boolean;
}

export interface ForeignKey {
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  /** MATCH FULL: all columns NULL or none; MATCH SIMPLE (default): one NULL column skips the check. */
  matchFull: boolean;
}

export interface CheckConstraint {
  name: string;
  /** Columns the constraint uses (empty for domain constraints, which check VALUE). */
  columns: string[];
  /** `pg_get_constraintdef`, e.g. `CHECK ((qty > 0))`. */
  definition: string;
}

export interface TypeInfo {
  oid: number;
  schema: string;
  name: string;
  /** `format_type(oid, NULL)`. */
  sql: string;
  /** pg_type.typtype: b base, e enum, d domain, r range, m multirange, c composite, p pseudo. */
  typtype: string;
  /** pg_type.typcategory: A array, S string, N numeric, ... */
  category: string;
  elementOid: number;
  /** Domains: the type it is built on, the typmod it applies, NOT NULL, CHECK constraints. */
  baseOid: number;
  baseTypmod: number;
  notNull: boolean;
  checks: CheckConstraint[];
  rangeSubtypeOid: number;
  /** Enums: labels in their sort order. */
  enumLabels: string[];
}

export function tableKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

export function tableRefOf(table: Pick<TableInfo, 'schema' | 'name'>): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

export function columnOf(table: TableInfo, name: string): ColumnInfo {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new Error(`Internal: column ${name} not found in ${tableRefOf(table)}`);
  return column;
}

/** A foreign key can be left NULL when PostgreSQL then skips its check (MATCH SIMPLE: any column NULL). */
export function foreignKeyCanBeNull(table: TableInfo, fk: ForeignKey): boolean {
  const nullable = fk.columns.map((c) => columnOf(table, c).nullable);
  return fk.matchFull ? nullable.every(Boolean) : nullable.some(Boolean);
}

/** Reads the tables of `schema` (default: the connection's `current_schema()`) and every table their foreign keys reach. */
export async function readCatalog(db: Queryable, schema?: string): Promise<Catalog> {
  const home = schema ?? (await currentSchema(db));
  const version = Number((await db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
  const tables = new Map<string, TableInfo>();
  const loaded = new Set<string>();
  let pending = [home];
  // Foreign keys may point into other schemas: read those too, until no new schema shows up.
  while (pending.length > 0) {
    pending.forEach((s) => loaded.add(s));
    for (const table of await readTables(db, pending, version)) tables.set(tableKey(table.schema, table.name), table);
    const referenced = [...tables.values()].flatMap((t) => t.foreignKeys.map((fk) => fk.refSchema));
    pending = [...new Set(referenced)].filter((s) => !loaded.has(s));
  }
  const types = await readTypes(db, [...tables.values()].flatMap((t) => t.columns.map((c) => c.typeOid)));
  for (const table of tables.values()) {
    for (const column of table.columns) {
      if (column.nullable && domainNotNull(types, column.typeOid)) column.nullable = false;
    }
  }
  return { schema: home, tables, types };
}

/** The table named `name` in the catalog's schema (or `schema.name`), or an error listing what exists. */
export function findTable(catalog: Catalog, name: string): TableInfo {
  const table = catalog.tables.get(tableKey(catalog.schema, name)) ?? (name.includes('.') ? catalog.tables.get(name) : undefined);
  if (!table) {
    const names = [...catalog.tables.values()].filter((t) => t.schema === catalog.schema).map((t) => t.name);
    throw new SeedError(
      `Cannot seed ${JSON.stringify(name)}: no such table in schema ${JSON.stringify(catalog.schema)}. ${didYouMean(name, names)}` +
        (names.length ? `Tables there: ${names.sort().slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.` : 'The schema has no tables.'),
    );
  }
  if (table.kind !== 'table' && table.kind !== 'partitioned') {
    throw new SeedError(`Cannot seed ${tableRefOf(table)}: it is a ${table.kind}, not a table. Seed the tables it reads from instead.`);
  }
  return table;
}

async function currentSchema(db: Queryable): Promise<string> {
  const schema = (await db.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0].s;
  if (!schema) throw new SeedError('Cannot seed: the connection has no current schema (empty search_path). Pass options.schema.');
  return schema;
}

const RELKINDS: Record<string, TableInfo['kind']> = { r: 'table', p: 'partitioned', v: 'view', m: 'materialized view', f: 'foreign table' };

async function readTables(db: Queryable, schemas: string[], version: number): Promise<TableInfo[]> {
  const relations = await db.query<{ oid: number; schema: string; name: string; relkind: string }>(
    `SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      ORDER BY n.nspname, c.relname`,
    [schemas],
  );
  const oids = relations.rows.map((r) => r.oid);
  // One after the other: a pg client runs one query at a time anyway.
  const columns = await db.query<ColumnRow>(COLUMNS_SQL, [oids]);
  const uniques = await db.query<UniqueRow>(uniquesSql(version), [oids]);
  const constraints = await db.query<ConstraintRow>(CONSTRAINTS_SQL, [oids]);
  return relations.rows.map((r) => {
    const own = columns.rows.filter((c) => c.relid === r.oid);
    const keys = uniques.rows.filter((u) => u.relid === r.oid);
    const cons = constraints.rows.filter((c) => c.relid === r.oid);
    return {
      schema: r.schema,
      name: r.name,
      kind: RELKINDS[r.relkind],
      columns: own.map((c) => ({
        name: c.name,
        attnum: c.attnum,
        typeOid: c.type_oid,
        typmod: c.typmod,
        sqlType: c.sql_type,
        nullable: !c.not_null,
        default: c.generated ? null : c.default,
        identity: c.identity,
        generated: c.generated,
        serial: !c.generated && /\bnextval\(/i.test(c.default ?? ''),
      })),
      primaryKey: keys.find((k) => k.primary)?.columns ?? [],
      uniques: keys.map((k) => ({
        name: k.name,
        // An expression index's key positions are 0: use the columns its expressions depend on.
        columns: k.expression ? [...new Set([...k.columns, ...k.expression_columns])] : k.columns,
        primary: k.primary,
        partial: k.partial,
        expression: k.expression,
        nullsNotDistinct: k.nulls_not_distinct,
      })),
      foreignKeys: cons
        .filter((c) => c.type === 'f')
        .map((c) => ({ name: c.name, columns: c.columns, refSchema: c.ref_schema!, refTable: c.ref_table!, refColumns: c.ref_columns, matchFull: c.match_full })),
      checks: cons.filter((c) => c.type === 'c').map((c) => ({ name: c.name, columns: c.columns, definition: c.definition })),
    };
  });
}

interface ColumnRow {
  relid: number;
  name: string;
  attnum: number;
  type_oid: number;
  typmod: number;
  sql_type: string;
  not_null: boolean;
  default: string | null;
  identity: boolean;
  generated: boolean;
}

const COLUMNS_SQL = `
SELECT a.attrelid AS relid, a.attname::text AS name, a.attnum::int AS attnum, a.atttypid AS type_oid, a.atttypmod AS typmod,
       format_type(a.atttypid, a.atttypmod) AS sql_type, a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated
  FROM pg_attribute a
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum`;

interface UniqueRow {
  relid: number;
  name: string;
  primary: boolean;
  partial: boolean;
  expression: boolean;
  nulls_not_distinct: boolean;
  columns: string[];
  expression_columns: string[];
}

// pg_index rather than pg_constraint: a `CREATE UNIQUE INDEX` (what Prisma writes for @unique) is no constraint.
// INCLUDE columns (past indnkeyatts) do not take part in uniqueness.
function uniquesSql(version: number): string {
  const nullsNotDistinct = version >= 150000 ? 'i.indnullsnotdistinct' : 'false';
  return `
SELECT i.indrelid AS relid, ic.relname::text AS name, i.indisprimary AS primary, i.indpred IS NOT NULL AS partial,
       i.indexprs IS NOT NULL AS expression, ${nullsNotDistinct} AS nulls_not_distinct,
       ARRAY(SELECT a.attname FROM unnest((string_to_array(i.indkey::text, ' ')::int[])[1:i.indnkeyatts]) WITH ORDINALITY k(num, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
       ARRAY(SELECT a.attname FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
              WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid AND d.refclassid = 'pg_class'::regclass
                AND d.refobjsubid > 0 ORDER BY a.attnum)::text[] AS expression_columns
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
 WHERE i.indrelid = ANY($1::oid[]) AND i.indisunique
 ORDER BY i.indrelid, i.indisprimary DESC, ic.relname`;
}

interface ConstraintRow {
  relid: number;
  name: string;
  type: string;
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[];
  match_full: boolean;
  definition: string;
}

// conparentid <> 0 marks the copies PostgreSQL makes on (and to) partitions; the partitioned table's own one is enough:
// rows go in through the partitioned table.
const CONSTRAINTS_SQL = `
SELECT c.conrelid AS relid, c.conname::text AS name, c.contype::text AS type,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
       rn.nspname::text AS ref_schema, rc.relname::text AS ref_table,
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_columns,
       c.confmatchtype = 'f' AS match_full, pg_get_constraintdef(c.oid) AS definition
  FROM pg_constraint c
  LEFT JOIN pg_class rc ON rc.oid = c.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE c.conrelid = ANY($1::oid[]) AND c.contype IN ('f', 'c') AND c.conparentid = 0
 ORDER BY c.conrelid, c.conname`;

interface TypeRow {
  oid: number;
  schema: string;
  name: string;
  sql: string;
  typtype: string;
  category: string;
  element_oid: number;
  base_oid: number;
  base_typmod: number;
  not_null: boolean;
  range_subtype_oid: number;
  enum_labels: string[];
}

const TYPES_SQL = `
SELECT t.oid, n.nspname::text AS schema, t.typname::text AS name, format_type(t.oid, NULL) AS sql,
       t.typtype::text AS typtype, t.typcategory::text AS category, t.typelem AS element_oid,
       t.typbasetype AS base_oid, t.typtypmod AS base_typmod, t.typnotnull AS not_null,
       COALESCE(r.rngsubtype, 0::oid) AS range_subtype_oid,
       ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] AS enum_labels
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_range r ON r.rngtypid = t.oid
 WHERE t.oid = ANY($1::oid[])`;

const DOMAIN_CHECKS_SQL = `
SELECT contypid AS type_oid, conname::text AS name, pg_get_constraintdef(oid) AS definition
  FROM pg_constraint WHERE contypid = ANY($1::oid[]) AND contype = 'c' ORDER BY conname`;

/** Column types and, transitively, the types they are built on. */
async function readTypes(db: Queryable, oids: number[]): Promise<Map<number, TypeInfo>> {
  const types = new Map<number, TypeInfo>();
  let pending = [...new Set(oids)];
  while (pending.length > 0) {
    const rows = (await db.query<TypeRow>(TYPES_SQL, [pending])).rows;
    const checks = (await db.query<{ type_oid: number; name: string; definition: string }>(DOMAIN_CHECKS_SQL, [pending])).rows;
    for (const r of rows) {
      types.set(r.oid, {
        oid: r.oid,
        schema: r.schema,
        name: r.name,
        sql: r.sql,
        typtype: r.typtype,
        category: r.category,
        elementOid: r.element_oid,
        baseOid: r.base_oid,
        baseTypmod: r.base_typmod,
        notNull: r.not_null,
        checks: checks.filter((c) => c.type_oid === r.oid).map((c) => ({ name: c.name, columns: [], definition: c.definition })),
        rangeSubtypeOid: r.range_subtype_oid,
        enumLabels: r.enum_labels,
      });
    }
    const next = rows.flatMap((r) => [r.element_oid, r.base_oid, r.range_subtype_oid]).filter((oid) => oid !== 0 && !types.has(oid));
    pending = [...new Set(next)];
  }
  return types;
}

function domainNotNull(types: Map<number, TypeInfo>, oid: number): boolean {
  for (let type = types.get(oid); type?.typtype === 'd'; type = types.get(type.baseOid)) {
    if (type.notNull) return true;
  }
  return false;
}
