import pg from 'pg';
import { maskSecrets, parseDatabaseUrl } from '../engine/connection';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface ConnectOptions {
  /** Session `lock_timeout` (e.g. "5s"): a statement waiting longer for a lock fails with 55P03. */
  lockTimeout?: string;
  /** Shows in pg_stat_activity, so a DBA can tell what is running. */
  applicationName?: string;
}

/** A pg client on the URL's database and schema (search_path), with session settings applied. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<pg.Client> {
  const { schema: _schema, options: searchPath, ...config } = parseDatabaseUrl(url);
  const settings = [searchPath, options.lockTimeout ? `-c lock_timeout=${options.lockTimeout}` : ''].filter(Boolean).join(' ');
  const client = new pg.Client({ ...config, options: settings, application_name: options.applicationName ?? '@forge/migration' });
  client.on('error', () => undefined); // surfaced by the next query instead of crashing the process
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Cannot connect to the database: ${maskSecrets((error as Error).message, url)}`);
  }
  return client;
}

/**
 * Runs exactly one statement through the extended query protocol (Parse, Bind, Execute), whatever
 * its parameters: PostgreSQL refuses a second statement in the text ("cannot insert multiple
 * commands into a prepared statement"). Every statement that embeds SQL a user wrote goes through
 * here, so that text can never run more than the one statement it is part of.
 */
export function queryOne<Row extends pg.QueryResultRow = Record<string, unknown>>(
  db: Queryable,
  text: string,
  params: readonly unknown[] = [],
): Promise<pg.QueryResult<Row>> {
  // queryMode is pg's own option (8.12+), missing from its type definitions.
  const config = { text, values: [...params], queryMode: 'extended' } as pg.QueryConfig;
  return db.query<Row>(config);
}

/** Runs `fn` with a connected client, always closed afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>, options?: ConnectOptions): Promise<T> {
  const client = await connect(url, options);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SQLSTATE 55P03: a lock was not granted within lock_timeout. */
export function isLockTimeout(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '55P03' || /lock timeout/i.test(e?.message ?? '');
}
