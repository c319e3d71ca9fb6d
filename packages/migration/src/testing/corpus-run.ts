import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { ForgeInputError } from '../errors';
import { addColumnGenerator } from '../generators/add-column/generator';
import { addIndexGenerator } from '../generators/add-index/generator';
import { addRelationGenerator } from '../generators/add-relation/generator';
import { addTableGenerator } from '../generators/add-table/generator';
import { baselineGenerator } from '../generators/baseline/generator';
import { modifyColumnGenerator } from '../generators/modify-column/generator';
import { removeColumnGenerator } from '../generators/remove-column/generator';
import { removeIndexGenerator } from '../generators/remove-index/generator';
import { removeRelationGenerator } from '../generators/remove-relation/generator';
import { removeTableGenerator } from '../generators/remove-table/generator';
import { renameGenerator } from '../generators/rename/generator';
import { createDataMigrationRunner } from '../runtime/data-migration-runner';
import { migrate } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import type { ProjectTarget } from '../runtime/project-target';
import { migrationStatus } from '../runtime/status';
import { validateMigrations } from '../runtime/validate/validate';
import { diskView, treeView } from '../workspace/file-view';
import { readMigrationsDirectory } from '../workspace/migrations-directory';
import { locatePrismaProject, readSchemaFiles } from '../workspace/prisma-project';
import type { ChangeType, CorpusChange, CorpusSchema } from './corpus-changes';
import { corpusRoot, createCorpusTree } from './corpus-tree';
import { collectingLogger } from './migrations';
import { snapshotTree } from './sample-tree';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each generator takes its own options type
const GENERATORS: Record<ChangeType, (tree: Tree, options: any) => Promise<void>> = {
  'add-column': addColumnGenerator,
  'add-index': addIndexGenerator,
  'add-relation': addRelationGenerator,
  'add-table': addTableGenerator,
  'modify-column': modifyColumnGenerator,
  'remove-column': removeColumnGenerator,
  'remove-index': removeIndexGenerator,
  'remove-relation': removeRelationGenerator,
  'remove-table': removeTableGenerator,
  rename: renameGenerator,
};

/**
 * How a change went: `pass` (generated, validated, migrated, no drift, rolled back and migrated
 * again), `refused` (the generator stopped with a clear input error and wrote nothing), or
 * `fail` (anything else: a crash, a failed proof, drift).
 */
export type Outcome = 'pass' | 'refused' | 'fail';

export interface ChangeResult {
  schema: string;
  type: ChangeType;
  what: string;
  outcome: Outcome;
  /** The refusal or failure, first line. */
  detail: string;
  /** Migration folders the generator wrote. */
  folders: number;
  ms: number;
}

/** A corpus schema with its baseline written and applied to a template database. */
export interface BaselinedSchema {
  schema: CorpusSchema;
  files: Map<string, string>;
  /** A database at the baseline, to copy per change (nobody stays connected to it). */
  template: string;
}

export async function baselineSchema(schema: CorpusSchema, freshDatabase: () => Promise<string>): Promise<BaselinedSchema> {
  const tree = createCorpusTree(schema.name);
  await baselineGenerator(tree, { project: schema.name });
  const template = await freshDatabase();
  await withProjectOnDisk(tree, schema.name, template, async (target) => {
    const result = await migrate(target);
    if (result.error) throw result.error;
  });
  return { schema, files: snapshotTree(tree), template };
}

/** Runs one change on a copy of the baselined tree and proves it on a copy of the template database. */
export async function runCorpusChange(
  baselined: BaselinedSchema,
  change: CorpusChange,
  freshDatabase: (template: string) => Promise<string>,
  options: { seedRows?: number } = {},
): Promise<ChangeResult> {
  const started = Date.now();
  const { schema } = baselined;
  const result = (outcome: Outcome, detail: string, folders = 0): ChangeResult => ({
    schema: schema.name,
    type: change.type,
    what: change.what,
    outcome,
    detail: detail.split('\n')[0],
    folders,
    ms: Date.now() - started,
  });
  const tree = createCorpusTree(schema.name);
  for (const [path, content] of baselined.files) tree.write(path, content);
  const before = snapshotTree(tree);
  try {
    await GENERATORS[change.type](tree, { project: schema.name, ...change.options });
  } catch (error) {
    const untouched = sameFiles(before, snapshotTree(tree));
    if (error instanceof ForgeInputError && untouched) return result('refused', (error as Error).message);
    return result('fail', `${untouched ? '' : 'tree changed by a failed generator: '}${(error as Error).message}`);
  }
  const url = await freshDatabase(baselined.template);
  try {
    const problem = await withProjectOnDisk(tree, schema.name, url, (target, schemaFiles) => proveChange(target, schemaFiles, options));
    const folders = readMigrationsDirectory(treeView(tree), locatePrismaProject(treeView(tree), corpusRoot(schema.name)).migrationsDir).migrations.length - 1;
    return result(problem ? 'fail' : 'pass', problem ?? '', folders);
  } catch (error) {
    return result('fail', (error as Error).message);
  }
}

/**
 * validate (up, down, up, no drift), then what a deploy does: status shows no drift, the change
 * rolls back and goes up again, and status is clean once more. Returns the first problem.
 */
async function proveChange(target: ProjectTarget, schemaFiles: ReturnType<typeof readSchemaFiles>, options: { seedRows?: number }): Promise<string | null> {
  const toProve = target.directory.migrations.slice(1).map((m) => m.name);
  const report = await validateMigrations(target, toProve, schemaFiles, { seedRows: options.seedRows });
  if (!report.ok) {
    const failed = report.migrations.find((m) => m.verdict !== 'pass');
    return `validate: ${failed ? `${failed.migration}: ${failed.problems.join('; ')}` : `drift ${report.drift}`}`;
  }
  const status = await migrationStatus(target, schemaFiles);
  if (status.unhealthy || !status.drift.checked || status.drift.sql) return `status after validate: ${JSON.stringify(status.drift)}`;
  // A schema-only change (a relation under relationMode "prisma" removed) has nothing to roll back.
  if (!toProve.length) return null;
  const down = await migrateDown(target, toProve.length);
  if (down.error) return `down: ${down.error.message}`;
  const again = await migrate(target);
  if (again.error) return `migrate again: ${again.error.message}`;
  const last = await migrationStatus(target, schemaFiles);
  if (last.unhealthy || !last.drift.checked || last.drift.sql) return `status after migrate again: ${JSON.stringify(last.drift)}`;
  return null;
}

/** Writes the project to a temporary directory (data migrations load from there) and hands over its target. */
async function withProjectOnDisk<T>(
  tree: Tree,
  name: string,
  url: string,
  run: (target: ProjectTarget, schemaFiles: ReturnType<typeof readSchemaFiles>) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-corpus-'));
  try {
    const root = corpusRoot(name);
    const disk = new FsTree(dir, false);
    for (const [path, content] of snapshotTree(tree)) if (path.startsWith(`${root}/`)) disk.write(path, content);
    flushChanges(dir, disk.listChanges());
    const view = diskView(dir);
    const layout = locatePrismaProject(view, root);
    const logger = collectingLogger();
    const target: ProjectTarget = {
      url,
      directory: readMigrationsDirectory(view, layout.migrationsDir),
      dataMigrations: createDataMigrationRunner(url, join(dir, layout.dataMigrationsDir), logger),
      logger,
      retryDelayMs: 50,
    };
    return await run(target, readSchemaFiles(view, layout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sameFiles(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([path, content]) => b.get(path) === content);
}

/** The per schema × change type table (markdown), for the spec output and bench/RESULTS.md. */
export function resultsTable(results: ChangeResult[]): string {
  const lines = ['| schema | change | what | outcome | folders | ms | detail |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    lines.push(`| ${r.schema} | ${r.type} | ${r.what} | ${r.outcome} | ${r.folders} | ${r.ms} | ${r.detail.replace(/\|/g, '\\|').slice(0, 240)} |`);
  }
  return lines.join('\n');
}
