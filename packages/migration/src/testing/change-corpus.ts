import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { diffSchemasBothWays } from '../engine/operations';
import type { PgMajor } from '../engine/postgres-releases';
import type { SchemaFile } from '../engine/schema-engine';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { treeView } from '../workspace/file-view';
import { readMigrationsDirectory } from '../workspace/migrations-directory';
import { locatePrismaProject, readSchemaFiles } from '../workspace/prisma-project';
import corpus from './change-corpus.json';
import { createSampleTree, SAMPLE_MIGRATIONS, SAMPLE_ROOT, targetPgVersion } from './sample-tree';

/** One schema change of the corpus: which generator, with which options, on the sample project. */
export interface ChangeCase {
  id: string;
  generator: string;
  options: Record<string, unknown>;
}

export const CHANGE_CASES: readonly ChangeCase[] = corpus.cases as ChangeCase[];

/** A migration folder as linting sees it. */
export interface CorpusMigration {
  name: string;
  up: string;
  down: string | null;
}

export interface GeneratedChange {
  case: ChangeCase;
  /** The sample project with the generator's files. */
  tree: Tree;
  /** The schema files before the change. */
  before: SchemaFile[];
  /** Every folder of the migrations directory after the change, baseline first. */
  migrations: CorpusMigration[];
  /** The folders the generator wrote. */
  generated: CorpusMigration[];
  /** Prisma's own SQL for the same schema change (what `prisma migrate dev` would write). */
  naive: { up: string; down: string };
}

/** Runs the case's generator on a fresh copy of the sample project (targeting `major`, when given) and reads back what it wrote. */
export async function generateChange(change: ChangeCase, major?: PgMajor): Promise<GeneratedChange> {
  const tree = major ? targetPgVersion(createSampleTree(), major) : createSampleTree();
  const before = schemaOf(tree);
  await loadGenerator(change.generator)(tree, structuredClone(change.options));
  const after = schemaOf(tree);
  const naive = await diffSchemasBothWays(toEngineSchema(before), toEngineSchema(after));
  const migrations = readMigrationsDirectory(treeView(tree), SAMPLE_MIGRATIONS).migrations.map((m) => ({ name: m.name, up: m.sql, down: m.downSql }));
  return { case: change, tree, before, migrations, generated: migrations.filter((m) => !m.name.endsWith('_baseline')), naive };
}

function schemaOf(tree: Tree) {
  const view = treeView(tree);
  return readSchemaFiles(view, locatePrismaProject(view, SAMPLE_ROOT));
}

type Generator = (tree: Tree, options: Record<string, unknown>) => Promise<unknown>;

function loadGenerator(name: string): Generator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(__dirname, '../generators', name, 'generator')) as { default: Generator }).default;
}
