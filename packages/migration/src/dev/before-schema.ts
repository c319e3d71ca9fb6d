import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { schemaFactsFromHistory, schemaFactsFromSql } from '../analysis/schema-facts';
import { diffSchemas } from '../engine/operations';
import { loadSchemaEngineRuntime, type SchemaFile } from '../engine/schema-engine';
import { inputError } from '../errors';
import type { PrismaProject } from '../rules/prisma-project';
import { treeView } from '../workspace/file-view';
import { readMigrationsDirectory } from '../workspace/migrations-directory';

/** Where the schema the migrations describe was found. */
export type BeforeSource = 'recorded' | 'git';

export interface BeforeSchema {
  files: SchemaFile[];
  source: BeforeSource;
}

/**
 * The Prisma schema the migrations folder describes, as text (the generators edit text, and the
 * report quotes it): the one `dev` recorded when it last wrote these migrations, else the committed
 * one (git HEAD). Either is accepted only when Prisma's SQL for it builds the same tables, columns,
 * constraints, indexes and enums as replaying every migration.sql — so a stale commit (migrations
 * written since) is refused instead of migrated twice.
 */
export async function readBeforeSchema(tree: Tree, project: PrismaProject, current: SchemaFile[]): Promise<BeforeSchema> {
  // Prisma's engine and PostgreSQL's parser (both WebAssembly) compile while git answers.
  const engineReady = loadSchemaEngineRuntime();
  engineReady.catch(() => undefined);
  const history = migrationScripts(tree, project);
  const replayed = schemaFactsFromHistory(history);
  replayed.catch(() => undefined);
  const candidates: [BeforeSource, () => SchemaFile[] | null][] = [
    ['recorded', () => readRecorded(tree, history)],
    ['git', () => readCommitted(tree, current)],
  ];
  let mismatch: { source: BeforeSource; missing: string[]; extra: string[] } | undefined;
  for (const [source, read] of candidates) {
    const files = read();
    if (!files) continue;
    const expected = (await replayed).shape();
    const shape = (await schemaFactsFromSql(await diffSchemas(null, files))).shape();
    const missing = expected.filter((line) => !shape.includes(line));
    const extra = shape.filter((line) => !expected.includes(line));
    if (!missing.length && !extra.length) return { files, source };
    mismatch ??= { source, missing, extra };
  }
  if (!mismatch) {
    throw inputError(
      'dev compares schema.prisma with the schema its migrations describe, and found no earlier schema: the workspace is not a git ' +
        'repository (or schema.prisma is not committed). Fix: commit schema.prisma with its migrations (git add, git commit), edit it, then run dev.',
    );
  }
  if (!history.length) {
    throw inputError(
      `${project.migrationsDir} holds no migration yet, so there is no earlier schema to compare the edit with. ` +
        'Fix: write the first migration with `nx g @forge/migration:baseline` (from the schema as committed), then edit schema.prisma and run dev.',
    );
  }
  const differences = [...mismatch.missing.map((l) => `  only in the migrations: ${l}`), ...mismatch.extra.map((l) => `  only in the committed schema: ${l}`)];
  throw inputError(
    `The committed schema.prisma (git HEAD) is not what the migrations folder builds, so dev cannot tell your edit from earlier changes:\n` +
      `${differences.slice(0, 8).join('\n')}${differences.length > 8 ? `\n  … and ${differences.length - 8} more` : ''}\n` +
      'Fix: commit schema.prisma together with the migrations written for it, then edit it and run dev again.',
  );
}

/** Remembers `files` as the schema the migrations folder now describes (after dev wrote its migrations). */
export function recordBeforeSchema(tree: Tree, project: PrismaProject, files: SchemaFile[]): void {
  const dir = cacheDir(tree);
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${historyKey(migrationScripts(tree, project))}.json`), JSON.stringify(files));
}

function migrationScripts(tree: Tree, project: PrismaProject): string[] {
  return readMigrationsDirectory(treeView(tree), project.migrationsDir).migrations.map((m) => m.sql);
}

function historyKey(scripts: string[]): string {
  const hash = createHash('sha256');
  for (const sql of scripts) hash.update(createHash('sha256').update(sql).digest('hex'));
  return hash.digest('hex');
}

/** Outside the tree (it is a cache, not a file of the project); none for a tree that is not on disk. */
function cacheDir(tree: Tree): string | undefined {
  return existsSync(join(tree.root, 'package.json')) || existsSync(join(tree.root, 'nx.json'))
    ? join(tree.root, 'node_modules', '.cache', 'forge-migration', 'dev')
    : undefined;
}

function readRecorded(tree: Tree, history: string[]): SchemaFile[] | null {
  const dir = cacheDir(tree);
  const file = dir && join(dir, `${historyKey(history)}.json`);
  if (!file || !existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SchemaFile[];
  } catch {
    return null; // a damaged cache entry is no answer; git is asked next
  }
}

/**
 * The schema files as committed (HEAD): the one schema file, or every .prisma file committed in
 * the folders of a multi-file schema. One git process for a single file.
 */
function readCommitted(tree: Tree, current: SchemaFile[]): SchemaFile[] | null {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: tree.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    if (current.length === 1) return [{ path: current[0].path, content: git('show', `HEAD:./${current[0].path}`) }];
    const dirs = [...new Set(current.map((f) => posix.dirname(f.path)))];
    // Paths come back relative to the working directory (the workspace root).
    const paths = git('ls-tree', '-r', '--name-only', 'HEAD', '--', ...dirs.map((d) => `${d}/`))
      .split('\n')
      .filter((p) => p.endsWith('.prisma'));
    return paths.length ? paths.sort().map((path) => ({ path, content: git('show', `HEAD:./${path}`) })) : null;
  } catch {
    return null; // not a git repository, or the schema was never committed
  }
}
