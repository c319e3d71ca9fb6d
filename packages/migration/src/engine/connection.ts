import type { ClientConfig } from 'pg';

/** A database the tool talks to, always given as a connection URL. */
export interface DatabaseTarget {
  url: string;
  /** Session lock_timeout for the engine's connection (e.g. "5s"); unset = the server's default. */
  lockTimeout?: string;
  /** application_name of the engine's sessions, so that they can be found in pg_stat_activity. */
  applicationName?: string;
}

export interface PgConnectionConfig extends ClientConfig {
  /** The Prisma `?schema=` parameter: the schema migrations live in. */
  schema: string;
}

/**
 * Turns a PostgreSQL URL into a pg config *object*. adapter-pg connects a
 * "shadow" database to the main one when given a string (ENGINE-NOTES defect 9),
 * so everything below this point only ever sees objects.
 */
export function parseDatabaseUrl(url: string): PgConnectionConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `The database URL is not a valid URL (${maskDatabaseUrl(url)}). ` +
        'Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE.',
    );
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new Error(
      `Only PostgreSQL is supported, but the database URL uses "${parsed.protocol}". ` +
        'Use a postgresql:// URL.',
    );
  }
  const params = parsed.searchParams;
  const schema = params.get('schema') ?? 'public';
  const config: PgConnectionConfig = {
    host: params.get('host') ?? (decodeURIComponent(parsed.hostname) || 'localhost'),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    schema,
    // Prisma keeps the migration tables in the URL's schema; so do we.
    options: `-c search_path="${schema.replace(/"/g, '""')}"`,
    connectionTimeoutMillis: Number(params.get('connect_timeout') ?? 10) * 1000,
  };
  const sslmode = params.get('sslmode');
  if (sslmode === 'require' || sslmode === 'verify-full' || sslmode === 'verify-ca') {
    config.ssl = { rejectUnauthorized: sslmode !== 'require' };
  }
  return config;
}

/** The same URL with the password replaced, safe to print. */
export function maskDatabaseUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@]*)@/i, (_m, head) => `${head}****@`);
}

/** Replaces every occurrence of the URL's password in a message (errors from drivers echo it). */
export function maskSecrets(message: string, url?: string): string {
  // The placeholder of our own help text (postgresql://USER:PASSWORD@…) is no secret.
  let masked = message.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)(?!PASSWORD@HOST:)([^@\s]*)@/gi, '$1****@');
  if (url) {
    const password = passwordOf(url);
    if (password && password.length >= 3) masked = masked.split(password).join('****');
  }
  return masked;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The same server, another database (used for throwaway and shadow databases). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
