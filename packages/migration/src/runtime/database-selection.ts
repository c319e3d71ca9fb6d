import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { databaseAddress, parseDatabaseUrl, withDatabase } from '../engine/connection';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../engine/embedded-postgres';
import { reachableByOthers } from '../engine/postgres-binaries';
import { DEFAULT_PG_MAJOR, type PgMajor } from '../engine/postgres-releases';
import type { SchemaFile } from '../engine/schema-engine';
import { datasourceEnv } from '../prisma-schema/engine-view';
import { acquireFileLock, type FileLock } from './file-lock';
import type { RuntimeLogger } from './logger';
import { withClient } from './pg-client';
import { DATABASE_URL_OPTIONS, urlFromOptions, type UrlOptionNames } from './url-options';

/** The database a command works on, and how to let go of it afterwards. */
export interface SelectedDatabase {
  url: string;
  /** Where it came from, with the password masked: safe to print. */
  label: string;
  source: 'option' | 'env' | 'config' | 'embedded';
  release(): Promise<void>;
}

export interface SelectDatabaseOptions {
  /** --databaseUrl (never with a password) */
  databaseUrl?: string;
  /** --databaseUrlEnv: the name of the variable that holds the URL. */
  databaseUrlEnv?: string;
  /** How those two options are spelt in messages (default: the Nx options). */
  optionNames?: UrlOptionNames;
  workspaceRoot: string;
  projectName: string;
  /** Absolute path of prisma.config.ts, if the project has one. */
  configFile?: string | null;
  schemaFiles?: SchemaFile[];
  /**
   * Without a configured database: `workspace` = an embedded PostgreSQL whose data persists in the
   * workspace between runs (migrate, then status, agree); `throwaway` = a fresh one, removed after.
   */
  embedded: 'workspace' | 'throwaway';
  /** The embedded server's major version (default 15); ignored for a configured database. */
  pgVersion?: PgMajor;
  logger: RuntimeLogger;
}

/**
 * --databaseUrl or --databaseUrlEnv, else the datasource's direct URL, else DATABASE_URL, else
 * prisma.config.ts / the schema's env(), else embedded PostgreSQL. Like the Prisma CLI, migrations
 * go through `directUrl` when one is set (a pooler breaks SET LOCAL, advisory locks and
 * CONCURRENTLY); a URL that looks pooled without one gets a warning.
 */
export async function selectDatabase(options: SelectDatabaseOptions): Promise<SelectedDatabase> {
  const configured = configuredDatabaseUrl(options);
  if (configured) {
    parseDatabaseUrl(configured.url); // fail early on a malformed URL, with a masked message
    const pooled = configured.direct ? undefined : pooledSign(configured.url);
    if (pooled) options.logger.warn(pooledWarning(configured.from, pooled));
    // Where it is, never the URL itself: the label is printed and may end up in a report.
    return { ...configured, label: `${databaseAddress(configured.url)} (${configured.from})`, release: async () => undefined };
  }
  return options.embedded === 'throwaway' ? throwawayDatabase(options) : workspaceDatabase(options);
}

/** The database the user configured, if any (option, directUrl, DATABASE_URL, prisma.config.ts, schema env()). */
export function configuredDatabaseUrl(
  options: Pick<SelectDatabaseOptions, 'databaseUrl' | 'databaseUrlEnv' | 'optionNames' | 'configFile' | 'schemaFiles'>,
): { url: string; source: SelectedDatabase['source']; from: string; direct?: boolean } | undefined {
  const given = urlFromOptions(options.databaseUrl, options.databaseUrlEnv, options.optionNames ?? DATABASE_URL_OPTIONS);
  if (given) return { ...given, source: 'option' };
  const config = options.configFile && existsSync(options.configFile) ? readFileSync(options.configFile, 'utf8') : undefined;
  const direct = (config && urlFromPrismaConfig(config, 'directUrl')) || fromSchemaEnv(options.schemaFiles, 'directUrl');
  if (direct) return { url: direct.url, source: 'config', from: direct.from, direct: true };
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: 'env', from: 'DATABASE_URL' };
  const fromConfig = config ? urlFromPrismaConfig(config, 'url') : undefined;
  if (fromConfig) return { url: fromConfig.url, source: 'config', from: fromConfig.from };
  const fromSchema = fromSchemaEnv(options.schemaFiles, 'url');
  return fromSchema && { url: fromSchema.url, source: 'config', from: fromSchema.from };
}

function fromSchemaEnv(schemaFiles: SchemaFile[] | undefined, key: 'url' | 'directUrl'): { url: string; from: string } | undefined {
  const name = schemaFiles && datasourceEnv(schemaFiles, key);
  return name && process.env[name] ? { url: process.env[name]!, from: `schema.prisma ${key === 'url' ? '' : `${key} `}env("${name}")` } : undefined;
}

/** What makes a URL look like a connection pooler's: PgBouncer's usual port, or Prisma's pgbouncer flag. */
export function pooledSign(url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.searchParams.get('pgbouncer') === 'true') return 'pgbouncer=true';
  if (parsed.port === '6432') return 'port 6432, PgBouncer’s default';
  return undefined;
}

function pooledWarning(from: string, sign: string): string {
  return (
    `The database URL (${from}) looks like a connection pooler's (${sign}). Migrations need a direct connection: ` +
    'through a pooler in transaction mode SET LOCAL, advisory locks and CREATE INDEX CONCURRENTLY misbehave. ' +
    'Set the direct URL as Prisma does — directUrl = env("DIRECT_URL") in the schema\'s datasource, or ' +
    'datasource.directUrl (or url) in prisma.config.ts — or pass the direct URL with --databaseUrl.'
  );
}

/**
 * A datasource URL of prisma.config.ts (`url` or `directUrl`), read without running the file: a
 * literal, `env('X')` or `process.env.X`. A variable that is not set means "not configured".
 */
export function urlFromPrismaConfig(source: string, key: 'url' | 'directUrl' = 'url'): { url: string; from: string } | undefined {
  const datasource = /datasource\s*:\s*\{([\s\S]*?)\}/.exec(source)?.[1] ?? '';
  const literal = new RegExp(`\\b${key}\\s*:\\s*['"\`]([^'"\`]+)['"\`]`).exec(datasource)?.[1];
  if (literal) return { url: literal, from: `prisma.config.ts datasource.${key}` };
  const variable =
    new RegExp(`\\b${key}\\s*:\\s*env\\(\\s*['"\`](\\w+)['"\`]\\s*\\)`).exec(datasource)?.[1] ??
    new RegExp(`\\b${key}\\s*:\\s*process\\.env\\.(\\w+)`).exec(datasource)?.[1];
  const value = variable ? process.env[variable] : undefined;
  return value ? { url: value, from: `prisma.config.ts datasource.${key} env ${variable}` } : undefined;
}

async function throwawayDatabase(options: SelectDatabaseOptions): Promise<SelectedDatabase> {
  const server = await startEmbeddedPostgres({ pgVersion: options.pgVersion, onNotice: (m) => options.logger.info(m) });
  return { url: server.url, label: `embedded PostgreSQL ${server.major} (throwaway)`, source: 'embedded', release: () => server.stop() };
}

/**
 * One embedded cluster per workspace, a database per project. A file lock keeps two commands from
 * starting the same cluster: the second waits until the first has stopped it.
 */
async function workspaceDatabase(options: SelectDatabaseOptions): Promise<SelectedDatabase> {
  const major = options.pgVersion ?? DEFAULT_PG_MAJOR;
  const dataDir = embeddedDataDir(options.workspaceRoot, major);
  mkdirSync(dirname(dataDir), { recursive: true });
  const lock: FileLock = await acquireFileLock(`${dataDir}.lock`, {
    onWait: (pid) => options.logger.info(`Waiting for another command using the embedded database (process ${pid})…`),
  });
  let server: EmbeddedDatabase | undefined;
  try {
    server = await startEmbeddedPostgres({ dataDir, pgVersion: major, onNotice: (m) => options.logger.info(m) });
    const database = `forge_${options.projectName.replace(/[^a-zA-Z0-9_]/g, '_')}`.slice(0, 63);
    await withClient(server.url, async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
    });
    const running = server;
    return {
      url: withDatabase(server.url, database),
      label: `embedded PostgreSQL ${major} (${dataDir}, database ${database})`,
      source: 'embedded',
      release: async () => {
        try {
          await running.stop();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    lock.release();
    throw error;
  }
}

/**
 * `<workspace>/.forge/postgres` for the default major, `.forge/postgres-<major>` for another one
 * (a data directory belongs to one major, so switching pgVersion keeps both), or
 * FORGE_EMBEDDED_PG_DIR. As root the server runs as `postgres`, who may not be able to enter the
 * workspace: then a directory under the system temp dir, named after the workspace so that it
 * persists between runs all the same.
 */
export function embeddedDataDir(workspaceRoot: string, major: PgMajor = DEFAULT_PG_MAJOR): string {
  if (process.env.FORGE_EMBEDDED_PG_DIR) return process.env.FORGE_EMBEDDED_PG_DIR;
  const suffix = major === DEFAULT_PG_MAJOR ? '' : `-${major}`;
  const local = join(workspaceRoot, '.forge', `postgres${suffix}`);
  // The data directory itself belongs to the server user (0700); its parents must be enterable.
  if (userInfo().uid !== 0 || reachableByOthers(dirname(local))) return local;
  const key = createHash('sha1').update(workspaceRoot).digest('hex').slice(0, 12);
  return join(tmpdir(), `forge-postgres-${key}${suffix}`);
}
