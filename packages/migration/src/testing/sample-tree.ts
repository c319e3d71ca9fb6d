import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addProjectConfiguration, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { PgMajor } from '../engine/postgres-releases';
import { PLUGIN_NAME } from '../generators/init/generator';
import { parsePgVersion } from '../versions/pg-version';

/** The repository's sample `prisma` project, read from disk. */
export const SAMPLE_PROJECT_DIR = join(__dirname, '../../../prisma');
export const SAMPLE_ROOT = 'packages/prisma';
export const SAMPLE_SCHEMA = `${SAMPLE_ROOT}/prisma/schema.prisma`;
export const SAMPLE_MIGRATIONS = `${SAMPLE_ROOT}/prisma/migrations`;

/** The sample's Order.status strings, each mapped to a value of an enum OrderStatus (modify-column --map). */
export const ORDER_STATUS_MAP = { pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' } as const;

/** An Nx test tree holding a copy of the sample `prisma` project, registered as project `prisma`. */
export function createSampleTree(): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' } as Parameters<typeof createTreeWithEmptyWorkspace>[0]);
  for (const file of listFiles(SAMPLE_PROJECT_DIR)) {
    const rel = relative(SAMPLE_PROJECT_DIR, file);
    if (rel === 'project.json' || rel.startsWith('node_modules')) continue;
    tree.write(`${SAMPLE_ROOT}/${rel}`, readFileSync(file));
  }
  addProjectConfiguration(tree, 'prisma', { root: SAMPLE_ROOT, projectType: 'library', targets: {} });
  // Under `npm run test:matrix` the generators target the major the specs' server runs.
  const major = parsePgVersion(process.env.FORGE_PG_VERSION, 'FORGE_PG_VERSION');
  if (major) targetPgVersion(tree, major);
  return tree;
}

/** Registers the plugin in the tree's nx.json with `pgVersion`: what the generators then target. */
export function targetPgVersion(tree: Tree, major: PgMajor): Tree {
  updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: PLUGIN_NAME, options: { pgVersion: major } }] });
  return tree;
}

/** Every file under `dir`, recursively. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** All files of a tree with their content, to prove a failed generator left it untouched. */
export function snapshotTree(tree: Tree): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const child of tree.children(dir)) {
      const path = dir ? `${dir}/${child}` : child;
      if (tree.isFile(path)) files.set(path, tree.read(path, 'utf-8') ?? '');
      else walk(path);
    }
  };
  walk('');
  return files;
}

/** Folder names under the migrations dir created after the baseline. */
export function newMigrationFolders(tree: Tree, migrationsDir = SAMPLE_MIGRATIONS): string[] {
  return tree
    .children(migrationsDir)
    .filter((name) => /^\d{14}_/.test(name) && !name.endsWith('_baseline'))
    .sort();
}

/**
 * Turns the sample tree's schema into a multi-file one (prisma/schema/, pointed at by a
 * prisma.config.ts): the text from `from` up to `to` (or the end) goes into `file`, the rest into
 * schema.prisma. Returns both paths and what schema.prisma holds, to prove a generator left it alone.
 */
export function splitSampleSchema(tree: Tree, file: string, from: string, to?: string): { main: string; part: string; mainContent: string } {
  const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
  const start = schema.indexOf(from);
  const end = to === undefined ? schema.length : schema.indexOf(to);
  if (start < 0 || end < start) throw new Error(`splitSampleSchema: "${from}"${to === undefined ? '' : ` … "${to}"`} is not in the sample schema.`);
  const main = `${SAMPLE_ROOT}/prisma/schema/schema.prisma`;
  const part = `${SAMPLE_ROOT}/prisma/schema/${file}`;
  const mainContent = schema.slice(0, start) + schema.slice(end);
  tree.delete(SAMPLE_SCHEMA);
  tree.write(main, mainContent);
  tree.write(part, schema.slice(start, end));
  tree.write(`${SAMPLE_ROOT}/prisma.config.ts`, "export default { schema: 'prisma/schema', migrations: { path: 'prisma/migrations' } };\n");
  return { main, part, mainContent };
}
