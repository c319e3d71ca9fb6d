import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '../../..');
const nxBin = join(repoRoot, 'node_modules/nx/dist/bin/nx.js');

export interface NxResult {
  code: number;
  output: string;
}

/**
 * A scratch Nx workspace under the repository's tmp/ (so it resolves nx and the built
 * @forge/migration from the repository's node_modules), holding copies of the sample project.
 */
export class ScratchWorkspace {
  constructor(readonly root: string) {}

  static create(name: string, projects: Record<string, string> = { prisma: 'packages/prisma' }): ScratchWorkspace {
    const root = join(repoRoot, 'tmp/e2e', name);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    // The plugin as a dependency, as in a user's workspace (Nx resolves the validate target's externalDependencies from it).
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name, private: true, devDependencies: { '@forge/migration': '0.1.0', nx: '23.2.1' } }, null, 2));
    writeFileSync(
      join(root, 'nx.json'),
      JSON.stringify({ analytics: false, neverConnectToCloud: true, defaultBase: 'main', plugins: ['@forge/migration'] }, null, 2),
    );
    writeFileSync(join(root, '.gitignore'), 'node_modules\n.nx\n.forge\n');
    const workspace = new ScratchWorkspace(root);
    for (const [name, dir] of Object.entries(projects)) workspace.addSampleProject(name, dir);
    return workspace;
  }

  addSampleProject(name: string, dir: string): void {
    cpSync(join(repoRoot, 'packages/prisma'), join(this.root, dir), { recursive: true });
    writeFileSync(join(this.root, dir, 'project.json'), JSON.stringify({ name, projectType: 'library', targets: {} }, null, 2));
  }

  /** Runs `nx …` in the workspace: daemon and plugin isolation off, NX_* from the outside stripped. */
  nx(args: string[], env: Record<string, string> = {}): NxResult {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && !k.startsWith('npm_') && k !== 'DATABASE_URL'));
    const result = spawnSync(process.execPath, [nxBin, ...args], {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...clean, NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', ...env },
      timeout: 180_000,
    });
    return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  }

  /** Like nx(), but fails the test with the output when nx fails. */
  nxOk(args: string[], env: Record<string, string> = {}): string {
    const result = this.nx(args, env);
    if (result.code !== 0) throw new Error(`nx ${args.join(' ')} exited ${result.code}:\n${result.output}`);
    return result.output;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' },
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
