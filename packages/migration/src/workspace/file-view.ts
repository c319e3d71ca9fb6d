import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';

/**
 * Read-only access to workspace files, so that locating a Prisma project works the same on an
 * Nx Tree (generators) and on disk (executors). Paths are relative to the workspace root.
 */
export interface FileView {
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  read(path: string): string;
  /** Names of the entries of a directory. */
  children(path: string): string[];
}

export function treeView(tree: Tree): FileView {
  return {
    isFile: (p) => tree.exists(p) && tree.isFile(p),
    isDirectory: (p) => tree.exists(p) && !tree.isFile(p),
    read: (p) => tree.read(p, 'utf-8') ?? '',
    children: (p) => tree.children(p),
  };
}

export function diskView(workspaceRoot: string): FileView {
  const abs = (p: string) => join(workspaceRoot, p);
  return {
    isFile: (p) => existsSync(abs(p)) && statSync(abs(p)).isFile(),
    isDirectory: (p) => existsSync(abs(p)) && statSync(abs(p)).isDirectory(),
    read: (p) => readFileSync(abs(p), 'utf8'),
    children: (p) => (existsSync(abs(p)) ? readdirSync(abs(p)) : []),
  };
}
