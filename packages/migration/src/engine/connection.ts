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
    // psql and pg also take the credentials from the query string (?user=…&password=…).
    user: params.get('user') ?? (decodeURIComponent(parsed.username) || undefined),
    password: params.get('password') ?? (decodeURIComponent(parsed.password) || undefined),
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

/**
 * The password of a URL ends at its last `@` before the host (an unencoded `@` in it is common and
 * accepted by psql and pg); the host part holds none. The placeholder of our own help text
 * (postgresql://USER:PASSWORD@HOST…) is no secret.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)(?!PASSWORD@HOST:)\S*@(?=[^@/?#\s]*(?:[/?#\s]|$))/gi;
/** `?password=…` / `&password=…` of a URL, `password=…` (quoted or not) of a key=value connection string. */
const PARAMETER_PASSWORD = /(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'&#]+)/gi;

/** The text with every connection password replaced by ****: URLs, their query strings, key=value strings. */
function maskPasswords(text: string): string {
  return text
    .replace(URL_PASSWORD, '$1****@')
    // Already masked (a message quoting a masked URL, then masked as a whole): keep the punctuation after it.
    .replace(PARAMETER_PASSWORD, (match, key: string, value: string) => (/^\*{4}[).,;:]*$/.test(value) ? match : `${key}****`));
}

/** The same URL (or key=value connection string) with its password replaced, safe to print. */
export function maskDatabaseUrl(url: string): string {
  return maskPasswords(url);
}

/**
 * Whether a connection string carries a password (in the user info, `?password=` or `password=`):
 * such a string must not be given on a command line, which Nx echoes and caches.
 */
export function carriesPassword(url: string): boolean {
  return maskPasswords(url) !== url;
}

/** Where a connection string points, without credentials: `db.internal:5432/app`; for messages and reports. */
export function databaseAddress(url: string): string {
  try {
    const { host, port, database } = parseDatabaseUrl(url);
    return `${host}:${port}/${database}`;
  } catch {
    return 'an unreadable connection string';
  }
}

/** Replaces every password in a message: any in a connection string, and the given URL's wherever it appears (drivers echo it). */
export function maskSecrets(message: string, url?: string): string {
  let masked = maskPasswords(message);
  for (const password of url ? passwordsOf(url) : []) {
    // A password of one or two characters would turn every such letter of the message into ****.
    if (password.length >= 3) masked = masked.split(password).join('****');
  }
  return masked;
}

/** The password as written and as decoded, from the user info and from `password=`. */
function passwordsOf(url: string): string[] {
  const found = new Set<string>();
  for (const match of url.matchAll(PARAMETER_PASSWORD)) found.add(match[2].replace(/^'|'$/g, ''));
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:(\S*)@[^@/?#\s]*(?:[/?#]|$)/i.exec(url)?.[1];
  if (userInfo) found.add(userInfo);
  for (const password of [...found]) {
    try {
      found.add(decodeURIComponent(password));
    } catch {
      // not percent-encoded: the text as written is the password
    }
  }
  return [...found].filter(Boolean);
}

/** The same server, another database (used for throwaway and shadow databases). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
