import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Tree } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { writeDiskWorkspace, type DiskWorkspace } from './disk-workspace';
import { createSampleTree, listFiles, SAMPLE_ROOT, SAMPLE_SCHEMA } from './sample-tree';

/**
 * The sample project as a Prisma user has it before `dev`: a git workspace on disk with the schema
 * and its migrations committed. `edit` changes schema.prisma by hand; `tree()` is what `nx g` hands
 * a generator there; `files()` reads the project back after `flush`.
 */
export interface DevWorkspace extends DiskWorkspace {
  /** Edits schema.prisma (or another file of the workspace) by hand; returns the new content. */
  edit(change: (schema: string) => string, path?: string): string;
  tree(): FsTree;
  flush(tree: FsTree): void;
  commit(message: string): void;
  /** Every file of the sample project on disk, by workspace path. */
  files(): Map<string, string>;
}

/** `prepare` shapes the sample project (e.g. a multi-file schema) before it is committed. */
export function committedSampleWorkspace(prepare?: (tree: Tree) => void): DevWorkspace {
  const sample = createSampleTree();
  prepare?.(sample);
  {
    const disk = writeDiskWorkspace(sample, 'forge-dev-');
    writeFileSync(join(disk.root, 'nx.json'), '{}\n');
    writeFileSync(join(disk.root, 'package.json'), '{ "name": "dev-test", "private": true }\n');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@example.com', ...args], { cwd: disk.root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'schema and migrations');
    const workspace: DevWorkspace = {
      ...disk,
      edit(change, path = SAMPLE_SCHEMA) {
        const file = join(disk.root, path);
        const next = change(readFileSync(file, 'utf8'));
        writeFileSync(file, next);
        return next;
      },
      tree: () => new FsTree(disk.root, false),
      flush: (tree) => flushChanges(disk.root, tree.listChanges()),
      commit(message) {
        git('add', '-A');
        git('commit', '-q', '-m', message);
      },
      files() {
        const files = new Map<string, string>();
        for (const file of listFiles(join(disk.root, SAMPLE_ROOT))) files.set(relative(disk.root, file), readFileSync(file, 'utf8'));
        return files;
      },
    };
    return workspace;
  }
}
