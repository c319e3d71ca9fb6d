import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { listFiles } from './sample-tree';

/** Where the real public schemas live (see corpus/SOURCES.md). */
export const CORPUS_DIR = join(__dirname, 'corpus');

/** The Nx project root a corpus schema is placed under in a test tree. */
export const corpusRoot = (name: string) => `packages/${name}`;

/**
 * An Nx test tree with the corpus schema `name` as Nx project `name`, laid out the way its
 * project keeps it: `prisma/schema.prisma`, or the multi-file folder `prisma/schema/`. The
 * files are copied byte for byte.
 */
export function createCorpusTree(name: string): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' } as Parameters<typeof createTreeWithEmptyWorkspace>[0]);
  const source = join(CORPUS_DIR, name);
  for (const file of listFiles(source)) {
    const rel = relative(source, file).split('\\').join('/');
    if (!rel.endsWith('.prisma')) continue;
    tree.write(`${corpusRoot(name)}/prisma/${rel}`, readFileSync(file));
  }
  addProjectConfiguration(tree, name, { root: corpusRoot(name), projectType: 'library', targets: {} });
  return tree;
}
