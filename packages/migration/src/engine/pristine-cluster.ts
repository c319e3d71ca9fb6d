import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerAccount } from './postgres-binaries';

/**
 * A pristine cluster per PostgreSQL build (what initdb writes, never started), kept in the
 * temporary directory: a throwaway cluster is a copy of it. initdb takes seconds (5–6 s on a
 * loaded 2-core machine, most of a `migrate-validate` of one migration); a copy takes a fraction.
 * The copy is the same files initdb would write, so nothing a proof checks can differ.
 */
export interface PristineCluster {
  dir: string;
  /** The password initdb gave the superuser; a copy's server should change it once started. */
  password: string;
}

/** Name of the kept clusters: not `forge-pg-<pid>-`, so stale-cluster clean-up leaves them alone. */
const PRISTINE_PREFIX = 'forge-pg-pristine-';

/**
 * The pristine cluster of this initdb (built once: `initialise` runs initdb into `building`, a
 * directory the stale-cluster clean-up removes should this process die half-way).
 */
export async function pristineCluster(
  initdb: string,
  account: ServerAccount | undefined,
  building: () => string,
  initialise: (dataDir: string, password: string) => Promise<void>,
): Promise<PristineCluster> {
  const dir = join(tmpdir(), `${PRISTINE_PREFIX}${buildKey(initdb, account)}`);
  if (isComplete(dir)) return { dir, password: readFileSync(join(dir, CREDENTIALS), 'utf8').trim() };
  const password = randomBytes(12).toString('hex');
  const staging = building();
  try {
    await initialise(staging, password);
    // The password travels with the cluster (left out of every copy): one rename publishes both.
    writeFileSync(join(staging, CREDENTIALS), password, { mode: 0o600 });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (error) {
    // Another process may have published its own meanwhile: either one will do.
    if (!isComplete(dir)) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { dir, password: readFileSync(join(dir, CREDENTIALS), 'utf8').trim() };
}

/** The superuser's password, inside the pristine cluster's directory (PostgreSQL ignores the file; copies leave it out). */
const CREDENTIALS = 'forge.credentials';

/** Copies the pristine cluster into `dataDir` (empty), owned by the server's account, mode 0700 as PostgreSQL requires. */
export async function copyCluster(from: string, dataDir: string, account: ServerAccount | undefined): Promise<void> {
  // `cp -a` keeps owners and modes and is ~5× faster than copying ~1,000 files from JavaScript.
  if (!(await copyWithCp(from, dataDir))) {
    cpSync(from, dataDir, { recursive: true });
    if (account) chownTree(dataDir, account);
  }
  rmSync(join(dataDir, CREDENTIALS), { force: true });
  chmodSync(dataDir, 0o700);
}

/** true once `cp -a` copied the directory's contents; false where there is no such cp (Windows). */
function copyWithCp(from: string, to: string): Promise<boolean> {
  if (process.platform === 'win32') return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn('cp', ['-a', `${from}/.`, to], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** One pristine cluster per PostgreSQL build and server account: the initdb binary's path, size and time. */
function buildKey(initdb: string, account: ServerAccount | undefined): string {
  const { size, mtimeMs } = statSync(initdb);
  return createHash('sha256').update(JSON.stringify([initdb, size, mtimeMs, account?.uid ?? null])).digest('hex').slice(0, 16);
}

/** Published: initdb finished (PG_VERSION, global/pg_control) and the password was written last. */
function isComplete(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION')) && existsSync(join(dir, 'global', 'pg_control')) && existsSync(join(dir, CREDENTIALS));
}

function chownTree(path: string, account: ServerAccount): void {
  chownSync(path, account.uid, account.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), account);
}

/** The pristine clusters kept in the temporary directory (tests remove them to prove a rebuild). */
export function pristineClusterDirs(): string[] {
  return readdirSync(tmpdir()).filter((entry) => entry.startsWith(PRISTINE_PREFIX)).map((entry) => join(tmpdir(), entry));
}
