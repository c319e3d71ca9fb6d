import { databaseAddress, maskSecrets, parseDatabaseUrl } from '../engine/connection';
import { inputError } from '../errors';
import { DATABASE_URL_OPTIONS, urlFromOptions } from '../runtime/url-options';
import type { Queryable } from '../runtime/pg-client';
import type { TableSize } from './cost-model';
import { readConstraintKinds, readDataDependencies, readIndexTables, readTableStats, type TableDependencies, type TouchedTable } from './table-stats';

/** Where an analysis gets table sizes from: a live database, a --rows figure, or nowhere. */
export interface StatsProvider {
  source: 'database' | 'rows' | 'unknown';
  /** For the report: `DATABASE_URL (db.internal:5432/app)`, `--rows 50000`, `unknown`. */
  label: string;
  /** Sizes of tables that exist before the change; a missing entry means unknown (or, for a database, absent). */
  tableSizes(tables: string[]): Promise<Map<string, TableSize>>;
  /** The table of each existing index (DROP INDEX names only the index). */
  indexTables(indexes: string[]): Promise<Map<string, string>>;
  /** The kind of existing constraints, by `table.name` (what `VALIDATE CONSTRAINT` will check). */
  constraintKinds(constraints: { table: string; name: string }[]): Promise<Map<string, 'fk' | 'check' | 'other'>>;
  /** What depends on the touched tables and columns; null when there is no database to ask. */
  dependencies(touched: TouchedTable[]): Promise<TableDependencies[] | null>;
  /** What each name is in the database's schema (`table`, `index on "User"`, `sequence`…), for names taken there; absent without a database. */
  relationKinds?(names: string[]): Promise<Map<string, string>>;
}

export const UNKNOWN_STATS: StatsProvider = {
  source: 'unknown',
  label: 'unknown (no database was read and no --rows given)',
  tableSizes: async () => new Map(),
  indexTables: async () => new Map(),
  constraintKinds: async () => new Map(),
  dependencies: async () => null,
};

/** `--rows N`: every existing table the change touches is taken to hold N rows. */
export function rowsStats(rows: number): StatsProvider {
  return {
    source: 'rows',
    label: `--rows ${rows.toLocaleString('en-US')} (applied to every existing table the change touches)`,
    tableSizes: async (tables) => new Map(tables.map((t) => [t, { rows }])),
    indexTables: async () => new Map(),
    constraintKinds: async () => new Map(),
    dependencies: async () => null,
  };
}

/** Statistics of a live database (catalog reads only: pg_class, pg_index, pg_constraint, pg_depend…). */
export function databaseStats(db: Queryable, label: string): StatsProvider {
  return {
    source: 'database',
    label,
    tableSizes: (tables) =>
      reading(label, async () => {
        const stats = await readTableStats(db, tables);
        return new Map([...stats].map(([name, s]) => [name, { rows: s.rows, tableBytes: s.tableBytes, indexBytes: s.indexBytes }]));
      }),
    indexTables: (indexes) => reading(label, () => readIndexTables(db, indexes)),
    constraintKinds: (constraints) => reading(label, () => readConstraintKinds(db, constraints)),
    dependencies: (touched) => reading(label, () => readDataDependencies(db, touched)),
    relationKinds: (names) => reading(label, () => readRelationKinds(db, names)),
  };
}

/** Relations of the current schema with these names, and what each is. */
async function readRelationKinds(db: Queryable, names: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ name: string; kind: string; on: string | null }>(
    `SELECT c.relname AS name, c.relkind::text AS kind, t.relname AS on
       FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])`,
    [names],
  );
  return new Map(rows.map((r) => [r.name, `${RELATION_KINDS[r.kind] ?? 'a relation'}${r.on ? ` on ${JSON.stringify(r.on)}` : ''}`]));
}

/** pg_class.relkind, as a message says it. */
const RELATION_KINDS: Record<string, string> = {
  r: 'a table',
  p: 'a partitioned table',
  i: 'an index',
  I: 'a partitioned index',
  S: 'a sequence',
  v: 'a view',
  m: 'a materialized view',
  c: 'a composite type',
  f: 'a foreign table',
  t: 'a TOAST table',
};

/** A catalog query that fails (permissions, statement_timeout) says which database and what to do. */
async function reading<T>(label: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new Error(`Reading table statistics from ${label} failed: ${maskSecrets((error as Error).message)}. Give --rows N instead of a database to skip it.`);
  }
}

export interface StatsOptions {
  /** --databaseUrl: statistics from this database (read-only); unreachable = an error. A password in it is refused. */
  databaseUrl?: string;
  /** --databaseUrlEnv: the name of the variable holding that URL (password included: it stays off the command line). */
  databaseUrlEnv?: string;
  /** --rows: the size of the touched tables when there is no database. */
  rows?: number | string;
}

/**
 * Runs `fn` with the statistics the options ask for. Explicit options win over the environment:
 * --databaseUrl (or the variable --databaseUrlEnv names), then --rows, then DATABASE_URL, then
 * unknown. A --databaseUrl carrying a password is refused before anything is read: `nx g` command
 * lines end up in terminals, CI logs and shell history. An explicit database that cannot be
 * reached fails (the user asked for real figures; a report silently saying "unknown" would hide a
 * typo); an unreachable DATABASE_URL only warns (it may be set for something else, and generating
 * a migration must not depend on it) and the analysis goes on without it.
 */
export async function withStats<T>(options: StatsOptions, warn: (message: string) => void, fn: (stats: StatsProvider) => Promise<T>): Promise<T> {
  const rows = parseRowsOption(options.rows);
  const given = statsDatabase(options);
  if (given) {
    if (rows !== undefined) warn(`--rows is ignored: the table sizes come from ${given.from}.`);
    return withDatabaseStats(given.url, given.from, fn, (error) => {
      throw inputError(`${error} Check ${given.option}, or leave it out (and give --rows N for the table size).`);
    });
  }
  if (rows !== undefined) return fn(rowsStats(rows));
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    return withDatabaseStats(fromEnv, 'DATABASE_URL', fn, (error) => {
      warn(`${error} Table sizes are unknown: the report assumes the conservative case (give --rows N, or fix DATABASE_URL).`);
      return fn(UNKNOWN_STATS);
    });
  }
  return fn(UNKNOWN_STATS);
}

/**
 * The database the options name explicitly: its URL, where it came from for reports (`--databaseUrl`
 * or the variable's name, never the URL) and the option to fix. Throws on a password in
 * --databaseUrl or a variable that is not set; generators call it first, so a refused option stops
 * them before they ask or plan anything.
 */
export function statsDatabase(options: StatsOptions): { url: string; from: string; option: string } | undefined {
  const given = urlFromOptions(options.databaseUrl, options.databaseUrlEnv, DATABASE_URL_OPTIONS);
  if (!given) return undefined;
  const option = given.from === DATABASE_URL_OPTIONS.url ? given.from : `the URL in ${given.from} (${DATABASE_URL_OPTIONS.env})`;
  return { ...given, option };
}

async function withDatabaseStats<T>(url: string, from: string, fn: (stats: StatsProvider) => Promise<T>, unreachable: (message: string) => Promise<T>): Promise<T> {
  let client: import('pg').Client;
  try {
    client = await connectReadOnly(url);
  } catch (error) {
    return unreachable(`Cannot read table statistics from ${from} (${databaseAddress(url)}): ${withFullStop(maskSecrets((error as Error).message, url))}`);
  }
  try {
    // The report names the source and the address, never the URL (which may hold a password).
    return await fn(databaseStats(client, `${from} (${databaseAddress(url)})`));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A session that cannot write (default_transaction_read_only), waits at most 5 s to connect and 10 s per query. */
export async function connectReadOnly(url: string): Promise<import('pg').Client> {
  // pg is loaded only when a database is asked for: generators without one stay fast.
  const pg = (await import('pg')).default;
  const { schema: _schema, options: searchPath, ...config } = parseDatabaseUrl(url);
  const client = new pg.Client({
    ...config,
    connectionTimeoutMillis: Math.min(config.connectionTimeoutMillis ?? 5000, 5000),
    options: [searchPath, '-c default_transaction_read_only=on', '-c statement_timeout=10s'].filter(Boolean).join(' '),
    application_name: '@forge/migration (analysis, read-only)',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

export function parseRowsOption(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value).replace(/[_,]/g, '').trim();
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  const rows = match ? Number(match[1]) * (match[2].toLowerCase() === 'k' ? 1e3 : match[2].toLowerCase() === 'm' ? 1e6 : 1) : NaN;
  if (!Number.isFinite(rows) || !Number.isInteger(rows) || rows < 0) {
    throw inputError(`Invalid --rows ${JSON.stringify(value)}: the number of rows of the touched tables, e.g. --rows 50000 (or 50k, 2M).`);
  }
  return rows;
}

function withFullStop(message: string): string {
  return /[.!?]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`;
}
