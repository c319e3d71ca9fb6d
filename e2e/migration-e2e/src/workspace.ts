import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCommands } from './workspace-commands';

export const repoRoot = join(__dirname, '../../..');
const nxBin = join(repoRoot, 'node_modules/nx/dist/bin/nx.js');

export type { NxResult } from './workspace-commands';

/**
 * A scratch Nx workspace under the repository's tmp/ (so it resolves nx and the built
 * @forge/migration from the repository's node_modules), holding copies of the sample project.
 */
export class ScratchWorkspace extends WorkspaceCommands {
  constructor(root: string) {
    super(root, nxBin);
  }

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
}
