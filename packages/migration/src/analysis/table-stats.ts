import type { Queryable } from '../runtime/pg-client';

/** What the database knows about a table's size: the planner's estimate, not a count (instant on any size). */
export interface TableStats {
  table: string;
  /** pg_class.reltuples, or an exact count for tables never analyzed (small by definition). */
  rows: number;
  tableBytes: number;
  indexBytes: number;
}

/**
 * Tables as migrations name them: `User` (the current schema) or `_forge_backup.User__x__…`
 * (schema-qualified). Resolved to pg_class rows; names that match no table are left out.
 */
const RESOLVE_TABLES = `
  SELECT q.name, c.oid::int8 AS oid, c.relname, n.nspname, c.reltuples, c.reltuples >= 0 AS analyzed,
         pg_table_size(c.oid) AS table_bytes, pg_indexes_size(c.oid) AS index_bytes
    FROM unnest($1::text[]) AS q(name)
    CROSS JOIN LATERAL (
      SELECT coalesce(
        (SELECT c.oid FROM pg_class c
          WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = q.name AND c.relkind IN ('r', 'p')),
        (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE position('.' IN q.name) > 0 AND n.nspname = split_part(q.name, '.', 1)
            AND c.relname = substr(q.name, position('.' IN q.name) + 1) AND c.relkind IN ('r', 'p'))
      ) AS oid
    ) AS r
    JOIN pg_class c ON c.oid = r.oid
    JOIN pg_namespace n ON n.oid = c.relnamespace`;

/** Counting stops here: the impact table's last row starts at 1M. */
const COUNT_BOUND = 10_000_000;

interface ResolvedTable {
  name: string;
  oid: string;
  relname: string;
  nspname: string;
  reltuples: string;
  analyzed: boolean;
  table_bytes: string;
  index_bytes: string;
}

async function resolveTables(db: Queryable, tables: string[]): Promise<ResolvedTable[]> {
  if (tables.length === 0) return [];
  return (await db.query<ResolvedTable>(RESOLVE_TABLES, [[...new Set(tables)]])).rows;
}

/**
 * Size statistics of tables of the current schema (or schema-qualified ones), by name as given.
 * A table that does not exist is missing from the map (a new table: zero rows).
 */
export async function readTableStats(db: Queryable, tables: string[]): Promise<Map<string, TableStats>> {
  const stats = new Map<string, TableStats>();
  for (const row of await resolveTables(db, tables)) {
    // reltuples is -1 before the first ANALYZE/VACUUM; such tables are young: count them, up to a
    // bound (a bulk-loaded table autovacuum has not reached yet must not stall the analysis).
    const count = row.analyzed
      ? Number(row.reltuples)
      : Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${qualified(row.nspname, row.relname)} LIMIT ${COUNT_BOUND}) AS rows`)).rows[0].n);
    stats.set(row.name, { table: row.name, rows: Math.round(count), tableBytes: Number(row.table_bytes), indexBytes: Number(row.index_bytes) });
  }
  return stats;
}

/** The table each index belongs to (`DROP INDEX` names only the index), for the indexes that exist. */
export async function readIndexTables(db: Queryable, indexes: string[]): Promise<Map<string, string>> {
  if (indexes.length === 0) return new Map();
  const { rows } = await db.query<{ name: string; relname: string; nspname: string; current: boolean }>(
    `SELECT q.name, t.relname, n.nspname, n.oid = current_schema()::regnamespace AS current
       FROM unnest($1::text[]) AS q(name)
       JOIN pg_class i ON i.relkind IN ('i', 'I') AND (
              (i.relnamespace = current_schema()::regnamespace AND i.relname = q.name)
           OR (position('.' IN q.name) > 0 AND i.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = split_part(q.name, '.', 1))
               AND i.relname = substr(q.name, position('.' IN q.name) + 1)))
       JOIN pg_index x ON x.indexrelid = i.oid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace`,
    [[...new Set(indexes)]],
  );
  return new Map(rows.map((r) => [r.name, r.current ? r.relname : `${r.nspname}.${r.relname}`]));
}

/** The kind of existing constraints (`VALIDATE CONSTRAINT` names only the constraint), by `table.name`. */
export async function readConstraintKinds(db: Queryable, constraints: { table: string; name: string }[]): Promise<Map<string, 'fk' | 'check' | 'other'>> {
  const tables = new Map((await resolveTables(db, constraints.map((c) => c.table))).map((r) => [r.name, r.oid]));
  const wanted = constraints.filter((c) => tables.has(c.table));
  if (!wanted.length) return new Map();
  const { rows } = await db.query<{ oid: string; name: string; contype: string }>(
    `SELECT c.conrelid::int8::text AS oid, c.conname AS name, c.contype::text AS contype
       FROM pg_constraint c JOIN unnest($1::int8[], $2::text[]) AS q(oid, name) ON c.conrelid = q.oid::oid AND c.conname = q.name`,
    [wanted.map((c) => tables.get(c.table)!), wanted.map((c) => c.name)],
  );
  const kinds = new Map<string, 'fk' | 'check' | 'other'>();
  for (const c of wanted) {
    const row = rows.find((r) => r.oid === String(tables.get(c.table)) && r.name === c.name);
    if (row) kinds.set(`${c.table}.${c.name}`, row.contype === 'f' ? 'fk' : row.contype === 'c' ? 'check' : 'other');
  }
  return kinds;
}

/** A table and the columns of it a migration touches (added, dropped, retyped, renamed, indexed…). */
export interface TouchedTable {
  table: string;
  columns: string[];
}

export interface DependentIndex {
  name: string;
  definition: string;
  /** Key columns in order (empty entries are expressions). */
  columns: string[];
  unique: boolean;
  primary: boolean;
  valid: boolean;
  /** Touched columns the index uses (keys, expressions or predicate). */
  usesTouched: string[];
}

export interface ForeignKeyDependency {
  name: string;
  /** Referencing table and its columns. */
  table: string;
  columns: string[];
  /** Referenced table and its columns. */
  references: string;
  referencedColumns: string[];
  definition: string;
  validated: boolean;
  /** Touched columns on this side of the key. */
  usesTouched: string[];
}

export interface DependentView {
  name: string;
  kind: 'view' | 'materialized view';
  /** Columns of the table the view reads (empty when it depends on the table as a whole). */
  columns: string[];
  usesTouched: string[];
}

export interface DependentTrigger {
  name: string;
  definition: string;
  enabled: boolean;
  /** `UPDATE OF …` columns, when the trigger lists them. */
  columns: string[];
  usesTouched: string[];
}

/** What in the database depends on a touched table (and on its touched columns). */
export interface TableDependencies {
  table: string;
  /** False when the table does not exist (yet): nothing can depend on it. */
  exists: boolean;
  columns: string[];
  indexes: DependentIndex[];
  /** Foreign keys of this table, to other tables (or itself). */
  foreignKeysOut: ForeignKeyDependency[];
  /** Foreign keys of other tables (or itself) that reference this table. */
  foreignKeysIn: ForeignKeyDependency[];
  views: DependentView[];
  triggers: DependentTrigger[];
}

/**
 * Data dependencies of the tables a migration touches: their indexes, foreign keys both ways,
 * views and materialized views reading them (pg_depend through pg_rewrite), and user triggers;
 * each marked with the touched columns it uses. Catalog reads only.
 */
export async function readDataDependencies(db: Queryable, touched: TouchedTable[]): Promise<TableDependencies[]> {
  const resolved = new Map((await resolveTables(db, touched.map((t) => t.table))).map((r) => [r.name, r]));
  const result: TableDependencies[] = [];
  for (const { table, columns } of touched) {
    const row = resolved.get(table);
    const empty = { table, columns, indexes: [], foreignKeysOut: [], foreignKeysIn: [], views: [], triggers: [] };
    if (!row) {
      result.push({ ...empty, exists: false });
      continue;
    }
    const uses = (names: string[]) => columns.filter((c) => names.includes(c));
    // One after the other: `db` is one connection.
    const indexes = await readIndexes(db, row.oid);
    const foreignKeys = await readForeignKeys(db, row.oid);
    const views = await readViews(db, row.oid);
    const triggers = await readTriggers(db, row.oid);
    result.push({
      ...empty,
      exists: true,
      indexes: indexes.map((i) => ({ ...i, usesTouched: uses(i.uses) })).map(({ uses: _uses, ...i }) => i),
      foreignKeysOut: foreignKeys.filter((f) => f.out).map(({ out: _o, in: _i, ...f }) => ({ ...f, usesTouched: uses(f.columns) })),
      foreignKeysIn: foreignKeys.filter((f) => f.in).map(({ out: _o, in: _i, ...f }) => ({ ...f, usesTouched: uses(f.referencedColumns) })),
      views: views.map((v) => ({ ...v, usesTouched: uses(v.columns) })),
      triggers: triggers.map((t) => ({ ...t, usesTouched: uses(t.columns) })),
    });
  }
  return result;
}

/** `relname`, schema-qualified unless it lives in the current schema. */
const DISPLAY_NAME = (cls: string) =>
  `CASE WHEN ${cls}.relnamespace = current_schema()::regnamespace THEN ${cls}.relname ELSE ${cls}.relnamespace::regnamespace::text || '.' || ${cls}.relname END`;

async function readIndexes(db: Queryable, oid: string) {
  const { rows } = await db.query<{ name: string; definition: string; columns: (string | null)[]; unique: boolean; primary: boolean; valid: boolean; uses: string[] }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition, x.indisunique AS unique, x.indisprimary AS primary, x.indisvalid AS valid,
            ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                    LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
            ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = x.indrelid AND a.attnum > 0 AND (
                    a.attnum = ANY (x.indkey::int2[])
                    OR EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = i.oid
                                 AND d.refclassid = 'pg_class'::regclass AND d.refobjid = x.indrelid AND d.refobjsubid = a.attnum))) AS uses
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1::oid ORDER BY x.indisprimary DESC, i.relname`,
    [oid],
  );
  return rows.map((r) => ({ ...r, columns: r.columns.map((c) => c ?? '') }));
}

async function readForeignKeys(db: Queryable, oid: string) {
  const { rows } = await db.query<{
    name: string; table: string; columns: string[]; references: string; referencedColumns: string[]; definition: string; validated: boolean; out: boolean; in: boolean;
  }>(
    `SELECT c.conname AS name, ${DISPLAY_NAME('f')} AS table, ${DISPLAY_NAME('t')} AS references,
            pg_get_constraintdef(c.oid) AS definition, c.convalidated AS validated,
            c.conrelid = $1::oid AS out, c.confrelid = $1::oid AS in,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS "referencedColumns"
       FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid
      WHERE c.contype = 'f' AND (c.conrelid = $1::oid OR c.confrelid = $1::oid) ORDER BY c.conname`,
    [oid],
  );
  return rows;
}

async function readViews(db: Queryable, oid: string): Promise<Omit<DependentView, 'usesTouched'>[]> {
  const { rows } = await db.query<{ name: string; relkind: string; columns: (string | null)[] }>(
    `SELECT ${DISPLAY_NAME('v')} AS name, v.relkind::text AS relkind,
            array_agg(DISTINCT a.attname::text) FILTER (WHERE a.attname IS NOT NULL) AS columns
       FROM pg_depend d
       JOIN pg_rewrite r ON r.oid = d.objid
       JOIN pg_class v ON v.oid = r.ev_class
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
      WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::oid AND v.oid <> $1::oid
      GROUP BY 1, 2 ORDER BY 1`,
    [oid],
  );
  return rows.map((r) => ({ name: r.name, kind: r.relkind === 'm' ? 'materialized view' : 'view', columns: (r.columns ?? []).filter((c): c is string => !!c).sort() }));
}

async function readTriggers(db: Queryable, oid: string): Promise<Omit<DependentTrigger, 'usesTouched'>[]> {
  const { rows } = await db.query<{ name: string; definition: string; enabled: boolean; columns: string[] }>(
    `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS definition, t.tgenabled <> 'D' AS enabled,
            ARRAY(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) AS k(attnum)
                    JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum) AS columns
       FROM pg_trigger t WHERE t.tgrelid = $1::oid AND NOT t.tgisinternal ORDER BY t.tgname`,
    [oid],
  );
  return rows;
}

function qualified(schema: string, table: string): string {
  return `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
}
