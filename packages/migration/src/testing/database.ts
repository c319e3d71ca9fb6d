import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from '../engine/connection';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../engine/embedded-postgres';
import { DEFAULT_PG_MAJOR, type PgMajor } from '../engine/postgres-releases';
import { parsePgVersion } from '../versions/pg-version';

/**
 * The PostgreSQL major the integration specs run on: FORGE_PG_VERSION (e.g. 18, as
 * `npm run test:matrix` sets it), else the bundled default.
 */
export function testPgVersion(): PgMajor {
  return parsePgVersion(process.env.FORGE_PG_VERSION, 'FORGE_PG_VERSION') ?? DEFAULT_PG_MAJOR;
}

/**
 * One real PostgreSQL per test file (embedded, started in beforeAll, always stopped and removed
 * in afterAll), and a fresh database per test so tests cannot see each other's rows. Of the
 * specs' major unless a spec needs a given one.
 */
export function useEmbeddedPostgres(major: PgMajor = testPgVersion()) {
  let server: EmbeddedDatabase | undefined;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ pgVersion: major });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  return {
    /** The major version of the running server. */
    get major(): PgMajor {
      if (!server) throw new Error('The embedded PostgreSQL is not running (beforeAll failed?)');
      return server.major;
    },
    get serverUrl(): string {
      if (!server) throw new Error('The embedded PostgreSQL is not running (beforeAll failed?)');
      return server.url;
    },
    /**
     * Creates a database on the server and returns its URL: empty, or a copy of the database at
     * `template` (a file copy: much faster than building it again; nobody may be connected to it).
     */
    async freshDatabase(template?: string): Promise<string> {
      const name = `test_${randomBytes(6).toString('hex')}`;
      const from = template ? ` TEMPLATE "${decodeURIComponent(new URL(template).pathname.slice(1))}"` : '';
      await query(this.serverUrl, `CREATE DATABASE "${name}"${from}`);
      return withDatabase(this.serverUrl, name);
    },
  };
}

/** Runs one query (or a multi-statement script without parameters) on its own connection. */
export async function query<Row extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  sql: string,
  params?: unknown[],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Row>(sql, params);
    return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
  } finally {
    await client.end();
  }
}

/** md5 of every row of a table, keyed by primary key: proves rows come back byte-identical. */
export async function rowChecksums(url: string, table: string, key = 'id'): Promise<Map<string, string>> {
  const rows = await query<{ k: string; h: string }>(url, `SELECT "${key}"::text AS k, md5(t::text) AS h FROM "${table}" t ORDER BY 1`);
  return new Map(rows.map((r) => [r.k, r.h]));
}

/**
 * Executor options that reach `url` the way a user passes a URL with a password: through a
 * variable named by --databaseUrlEnv (a --databaseUrl carrying one is refused).
 */
export function databaseUrlVariable(url: string, name = 'FORGE_TEST_DATABASE_URL'): { databaseUrlEnv: string } {
  process.env[name] = url;
  return { databaseUrlEnv: name };
}
