import { quoteIdent } from '../../sql/identifiers';
import { type RuntimeLogger, silentLogger } from '../logger';
import type { Queryable } from '../pg-client';
import { type Catalog, type TableInfo, findTable, readCatalog, tableKey, tableRefOf } from './catalog';
import { SeedError, insertFailure, pgErrorFields } from './errors';
import { applySeedHints, type SeedHint } from './hints';
import { type SeedStep, parentClosure, planSeed } from './plan';
import { buildDeferredUpdate, buildInsert, parentRowsSql } from './statements';
import { planColumn } from './values';
import { seedEdgeValues } from './edge-values';

export interface SeedOptions {
  /** Rows per seeded table (targets and the empty parents they need). Default 100. */
  rows?: number;
  /** Schema the table names are in. Default: the connection's `current_schema()`. */
  schema?: string;
  /** Leave a target that already has rows alone. Default true; false adds `rows` more rows. */
  onlyIfEmpty?: boolean;
  /** Progress and warnings (a CHECK worked around, a link left NULL). Default: silent. */
  logger?: RuntimeLogger;
  /** What the data must look like beyond the catalog (values of a column, keys it references). */
  hints?: SeedHint[];
}

export interface SeededTable {
  schema: string;
  table: string;
  /** Rows this call inserted (0 for a target skipped because it had rows). */
  inserted: number;
}

const SAVEPOINT = 'forge_seed_table';

/**
 * Fills `tables` with generated rows so a migration can be tested against real data: values come
 * from the live catalog (types, enum labels, lengths, unique keys, foreign keys, simple CHECKs),
 * parents are seeded first, and the same schema always gets the same rows. One transaction: on any
 * error nothing is left behind and a SeedError says which table and why. The client must not be
 * inside a transaction already.
 */
export async function seedTables(client: Queryable, tables: string[], options: SeedOptions = {}): Promise<SeededTable[]> {
  const rows = options.rows ?? 100;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new SeedError(`Cannot seed: rows must be a whole number ≥ 0, got ${options.rows}.`);
  const onlyIfEmpty = options.onlyIfEmpty ?? true;
  const logger = options.logger ?? silentLogger;

  await client.query('BEGIN');
  try {
    const catalog = await readCatalog(client, options.schema);
    applySeedHints(catalog, options.hints ?? []);
    const targets = [...new Set(tables.map((name) => findTable(catalog, name)))];
    const closure = parentClosure(catalog, targets);
    const withRows = await tablesWithRows(client, closure);
    const steps = planSeed(catalog, targets, { hasRows: (t) => withRows.has(tableKey(t.schema, t.name)), onlyIfEmpty });
    // Every column must be fillable before anything is written (planColumn throws otherwise).
    for (const step of steps) if (step.insert) step.table.columns.forEach((c) => planColumn(step.table, c, catalog.types));

    const results: SeededTable[] = [];
    for (const step of steps) {
      const inserted = step.insert && rows > 0 ? await insertRows(client, catalog, step, rows, logger) : 0;
      results.push({ schema: step.table.schema, table: step.table.name, inserted });
    }
    if (rows > 0) for (const step of steps) await fillDeferred(client, catalog, step, logger);
    // Edge values only where every row is ours (and enough of them that the row is not the only one).
    for (const step of steps) {
      if (!step.insert || step.hadRows || rows < 3) continue;
      const edges = await seedEdgeValues(client, step.table, catalog.types);
      if (edges.length) logger.info(`${tableRefOf(step.table)}: one row holds edge values (${edges.join(', ')})`);
    }
    await client.query('COMMIT');
    return results;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function tablesWithRows(client: Queryable, tables: TableInfo[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const probes = tables.map((t, i) => `EXISTS (SELECT 1 FROM ${tableRefOf(t)}) AS "${i}"`);
  const row = (await client.query<Record<string, boolean>>(`SELECT ${probes.join(', ')}`)).rows[0];
  return new Set(tables.filter((_, i) => row[String(i)]).map((t) => tableKey(t.schema, t.name)));
}

/**
 * One INSERT per table, inside a savepoint: when a CHECK the seeder cannot read fails on nullable
 * columns, they are retried as NULL (NULL passes a CHECK) rather than giving up on the table.
 */
async function insertRows(client: Queryable, catalog: Catalog, step: SeedStep, rows: number, logger: RuntimeLogger): Promise<number> {
  const { table } = step;
  const started = Date.now();
  const offset = step.hadRows ? Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${tableRefOf(table)}`)).rows[0].n) : 0;
  const parentRows = new Map<string, number>();
  for (const fk of table.foreignKeys) parentRows.set(fk.name, await countParentRows(client, fk));
  const forcedNull = new Set<string>();
  for (;;) {
    const sql = buildInsert({ catalog, table, offset, rows, parentRows, deferred: step.deferred, forcedNull });
    await client.query(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const result = await client.query(sql);
      await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      logger.info(`Seeded ${result.rowCount} rows into ${tableRefOf(table)} in ${Date.now() - started} ms`);
      return result.rowCount ?? 0;
    } catch (error) {
      await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      const relax = nullableColumnsOfFailedCheck(error, table, catalog).filter((c) => !forcedNull.has(c));
      if (relax.length === 0) throw insertFailure(error, table, catalog.types, sql);
      relax.forEach((c) => forcedNull.add(c));
      logger.warn(
        `${tableRefOf(table)}: CHECK constraint ${quoteIdent(pgErrorFields(error).constraint ?? '?')} rejected the generated values; ` +
          `seeding ${relax.map(quoteIdent).join(', ')} as NULL instead.`,
      );
    }
  }
}

/** The nullable columns a violated CHECK (on the table, or on a domain a column uses) depends on. */
function nullableColumnsOfFailedCheck(error: unknown, table: TableInfo, catalog: Catalog): string[] {
  const e = pgErrorFields(error);
  if (e.code !== '23514' || !e.constraint) return [];
  const own = table.checks.find((c) => c.name === e.constraint);
  const columns = own
    ? own.columns
    : table.columns.filter((c) => usesDomainCheck(catalog, c.typeOid, e.constraint!)).map((c) => c.name);
  return table.columns.filter((c) => columns.includes(c.name) && c.nullable).map((c) => c.name);
}

function usesDomainCheck(catalog: Catalog, oid: number, constraint: string): boolean {
  for (let type = catalog.types.get(oid); type; type = catalog.types.get(type.typtype === 'd' ? type.baseOid : type.elementOid)) {
    if (type.checks.some((c) => c.name === constraint)) return true;
    if (type.typtype !== 'd' && type.category !== 'A') return false;
  }
  return false;
}

/** Self-references and cycle links: the INSERTs left them NULL, now that every table has rows they point somewhere. */
async function fillDeferred(client: Queryable, catalog: Catalog, step: SeedStep, logger: RuntimeLogger): Promise<void> {
  for (const fk of step.deferred) {
    const parentRows = await countParentRows(client, fk);
    // Only when every row is ours: rows that were there before must not be modified.
    const sql = step.hadRows || parentRows === 0 ? undefined : buildDeferredUpdate(catalog, step.table, fk, parentRows);
    if (!sql) {
      logger.warn(`${tableRefOf(step.table)}: foreign key ${quoteIdent(fk.name)} is left NULL in the seeded rows.`);
      continue;
    }
    try {
      await client.query(sql);
    } catch (error) {
      throw insertFailure(error, step.table, catalog.types, sql);
    }
  }
}

async function countParentRows(client: Queryable, fk: TableInfo['foreignKeys'][number]): Promise<number> {
  return Number((await client.query<{ n: string }>(parentRowsSql(fk))).rows[0].n);
}
