import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext, Tree } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import type { MigrationsDirectory } from '../engine/migrations';
import { createDataMigrationRunner } from '../runtime/data-migration-runner';
import { silentLogger, type RuntimeLogger } from '../runtime/logger';
import type { ProjectTarget } from '../runtime/project-target';
import { diskView } from '../workspace/file-view';
import { readMigrationsDirectory } from '../workspace/migrations-directory';
import { locatePrismaProject, type PrismaProjectLayout } from '../workspace/prisma-project';
import { SAMPLE_ROOT, snapshotTree } from './sample-tree';

/** A test tree's `prisma` project written to a temporary workspace directory, as executors see one. */
export interface DiskWorkspace {
  root: string;
  layout: PrismaProjectLayout;
  /** Read from disk now (so edits made since are seen). */
  directory(): MigrationsDirectory;
  target(url: string, logger?: RuntimeLogger): ProjectTarget;
  /** An Nx ExecutorContext for project `prisma` of this workspace. */
  executorContext(): ExecutorContext;
  write(path: string, content: string): void;
  remove(): void;
}

export function writeDiskWorkspace(tree: Tree, prefix = 'forge-ws-'): DiskWorkspace {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const disk = new FsTree(root, false);
  for (const [path, content] of snapshotTree(tree)) if (path.startsWith(`${SAMPLE_ROOT}/`)) disk.write(path, content);
  flushChanges(root, disk.listChanges());
  const layout = locatePrismaProject(diskView(root), SAMPLE_ROOT);
  return {
    root,
    layout,
    directory: () => readMigrationsDirectory(diskView(root), layout.migrationsDir),
    target(url, logger = silentLogger) {
      return {
        url,
        directory: this.directory(),
        dataMigrations: createDataMigrationRunner(url, join(root, layout.dataMigrationsDir), logger),
        logger,
        retryDelayMs: 50,
      };
    },
    executorContext: () => sampleExecutorContext(root),
    write: (path, content) => writeFileSync(join(root, path), content),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** What Nx hands an executor run as `nx run prisma:<target>` in a workspace at `root` holding the sample project. */
export function sampleExecutorContext(root: string): ExecutorContext {
  return {
    root,
    cwd: root,
    projectName: 'prisma',
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: { prisma: { root: SAMPLE_ROOT } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}
