import { quoteIdent } from '../../../sql/identifiers';
import type { Queryable } from '../../pg-client';
import { readCatalog, type Catalog, type ColumnInfo, type SeedHint, type TableInfo } from '../../seed';
import { applySeedHints } from '../../seed/hints';
import { buildInsert, parentRowsSql } from '../../seed/statements';
import { edgeValues } from '../../seed/edge-values';
import { rowTextSql, SERVER_MS_SQL } from './row-text';

/**
 * Columns and objects a recipe adds for its own use while it works (`status__forge_new`): no
 * application version has them, so the workload neither writes nor checks them.
 */
export const INTERNAL_COLUMN = /__forge(_|$)/;

/** The alias every workload statement gives its table, so RETURNING can read the whole row. */
const ROW = 'forge_w';
/** The alias of the value a copying UPDATE reads from another row. */
const COPIED = 'forge_copied';
/** The row as it was just before an UPDATE (locked first): which columns the statement changed. */
const PRIOR = 'forge_prior';

/** One UPDATE of one column: `$1` is the row's key; a copy reads the value from row `$2`. */
export interface UpdateStatement {
  column: string;
  sql: string;
  /** `copy`: a value another row holds (the seed made those convertible); `edge`: a value at the type's edge. */
  kind: 'copy' | 'edge';
  /** What is written, for messages (`NULL`, `int4 max`, `a value of row $2`). */
  label: string;
  /** An edge value that is NULL: what a fill trigger stores instead is not what the application wrote. */
  writesNull?: boolean;
}

/** What the application writes to one table, as the schema is at the moment of planning. */
export interface TableWorkload {
  table: string;
  key: string;
  /** The columns as the application of this moment knows them (type at write time, for the checks). */
  columns: Map<string, Pick<ColumnInfo, 'sqlType' | 'nullable'>>;
  /** A single-row INSERT (row number `n` of the workload) relying on defaults; undefined when the seeder cannot build one. */
  insert?: (n: number) => string;
  updates: UpdateStatement[];
  /** `$1`: the key of a row the workload inserted. */
  delete: string;
  /** Keys present when planned (as text): rows the updates pick from. */
  keys: string[];
}

/**
 * Plans the workload on `tables` from the catalog as it is now: what the application version of
 * this moment writes. Tables without a one-column primary key are left out (a write could not be
 * told from another). Column defaults are relied on, as an application does: columns with a
 * default are left out of INSERTs unless a key or constraint needs them.
 */
export async function planWorkload(db: Queryable, tables: string[], hints: SeedHint[] = []): Promise<TableWorkload[]> {
  const catalog = await readCatalog(db);
  applySeedHints(catalog, hints);
  const plans: TableWorkload[] = [];
  for (const name of tables) {
    const table = catalog.tables.get(`${catalog.schema}.${name}`);
    if (!table || table.primaryKey.length !== 1 || (table.kind !== 'table' && table.kind !== 'partitioned')) continue;
    plans.push(await planTable(db, catalog, table));
  }
  return plans;
}

async function planTable(db: Queryable, catalog: Catalog, table: TableInfo): Promise<TableWorkload> {
  const key = table.primaryKey[0];
  const keyColumn = table.columns.find((c) => c.name === key)!;
  const ref = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
  const returning = `RETURNING ${rowTextSql(ROW)} AS row, ${columnTypesSql(ref)} AS types, ${SERVER_MS_SQL} AS ms`;
  const where = `WHERE ${ROW}.${quoteIdent(key)} = $1::${keyColumn.sqlType}`;
  const unique = new Set(table.uniques.flatMap((u) => u.columns));
  const references = new Set(table.foreignKeys.flatMap((f) => f.columns));
  const writable = table.columns.filter((c) => c.name !== key && !c.generated && !c.identity && !INTERNAL_COLUMN.test(c.name));

  const prior = `(SELECT ${rowTextSql('p')} AS row FROM ${ref} AS p WHERE p.${quoteIdent(key)} = $1::${keyColumn.sqlType} FOR UPDATE) AS ${PRIOR}`;
  const updateReturning = `${returning}, ${PRIOR}.row AS prior`;
  const updates: UpdateStatement[] = [];
  for (const column of writable) {
    const c = quoteIdent(column.name);
    // A unique column cannot take another row's value: it is written as it is. The value copied is
    // returned too: a NULL copied is a NULL the application wrote, whatever a fill trigger stores.
    const source = unique.has(column.name) ? '$1' : '$2';
    const copied = `(SELECT s.${c} AS value FROM ${ref} AS s WHERE s.${quoteIdent(key)} = ${source}::${keyColumn.sqlType}) AS ${COPIED}`;
    updates.push({
      column: column.name,
      kind: 'copy',
      label: unique.has(column.name) ? 'its own value' : "another row's value",
      sql: `UPDATE ${ref} AS ${ROW} SET ${c} = ${COPIED}.value FROM ${copied}, ${prior} ${where} ${updateReturning}, ${COPIED}.value IS NULL AS wrote_null`,
    });
    // A key of another table only takes keys that exist there (or NULL).
    const values = edgeValues(column, catalog.types).filter((v) => !references.has(column.name) || v.sql === 'NULL');
    for (const value of values) {
      updates.push({
        column: column.name,
        kind: 'edge',
        label: value.label,
        sql: `UPDATE ${ref} AS ${ROW} SET ${c} = ${value.sql} FROM ${prior} ${where} ${updateReturning}`,
        ...(value.sql === 'NULL' ? { writesNull: true } : {}),
      });
    }
  }
  const keys = (await db.query<{ k: string }>(`SELECT ${quoteIdent(key)}::text AS k FROM ${ref} ORDER BY 1 LIMIT 500`)).rows.map((r) => r.k);
  return {
    table: table.name,
    key,
    columns: new Map(table.columns.filter((c) => !INTERNAL_COLUMN.test(c.name)).map((c) => [c.name, { sqlType: c.sqlType, nullable: c.nullable }])),
    insert: await insertBuilder(db, catalog, table, ref, returning),
    updates,
    delete: `DELETE FROM ${ref} AS ${ROW} ${where} ${returning}`,
    keys,
  };
}

/**
 * The table's column types as the statement wrote the row (`{column: format_type}`). A write that
 * waited for a migration's lock commits under the new definition: a value is checked against the
 * type it was stored as, not the one the application planned for (an INSERT through an enum default
 * the swap just set is an enum value, not text).
 */
function columnTypesSql(ref: string): string {
  return (
    `(SELECT jsonb_object_agg(a.attname, format_type(a.atttypid, a.atttypmod)) FROM pg_attribute AS a ` +
    `WHERE a.attrelid = '${ref.replace(/'/g, "''")}'::regclass AND a.attnum > 0 AND NOT a.attisdropped)`
  );
}

/**
 * The seeder's INSERT for one row, numbered far beyond the seeded rows so unique values do not
 * collide, without the columns that have a default (the application leaves those to the database).
 */
async function insertBuilder(db: Queryable, catalog: Catalog, table: TableInfo, ref: string, returning: string): Promise<((n: number) => string) | undefined> {
  const needed = new Set([
    ...table.primaryKey,
    ...table.uniques.flatMap((u) => u.columns),
    ...table.foreignKeys.flatMap((f) => f.columns),
    ...table.checks.flatMap((c) => c.columns),
  ]);
  const app: TableInfo = {
    ...table,
    columns: table.columns.filter((c) => (c.default === null || c.serial || c.identity || needed.has(c.name)) && (!INTERNAL_COLUMN.test(c.name) || needed.has(c.name))),
  };
  const parentRows = new Map<string, number>();
  for (const fk of table.foreignKeys) parentRows.set(fk.name, Number((await db.query<{ n: string }>(parentRowsSql(fk))).rows[0].n));
  const build = (n: number) =>
    `${buildInsert({ catalog, table: app, offset: 1_000_000 + n, rows: 1, parentRows, deferred: [], forcedNull: new Set() }).replace(`INSERT INTO ${ref}`, `INSERT INTO ${ref} AS ${ROW}`)}\n${returning}`;
  try {
    build(0);
    return build;
  } catch {
    return undefined; // a column the seeder cannot fill: this table gets updates and deletes only
  }
}
