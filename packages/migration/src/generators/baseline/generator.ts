import { posix } from 'node:path';
import { logger, type Tree } from '@nx/devkit';
import { diffSchemasBothWays } from '../../engine/operations';
import type { SchemaFile } from '../../engine/schema-engine';
import { inputError } from '../../errors';
import { toEngineSchema } from '../../prisma-schema/engine-view';
import { readDatamodel } from '../../prisma-schema/prisma-fmt';
import { baselineRecipe } from '../../recipes/baseline';
import { resolvePrismaProject } from '../../rules/prisma-project';
import type { SchemaChange } from '../../rules/schema-change';
import { writeChange } from '../../rules/write-change';
import { treeView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { readSchemaFiles } from '../../workspace/prisma-project';
import { recipeOptions } from '../shared/options';
import { configuredPgVersion } from '../../versions/configured-version';
import type { BaselineGeneratorSchema } from './schema';

/**
 * `nx g @forge/migration:baseline`: the first migration of a project whose database was made with
 * `prisma db push` or by hand, so that the tool has a history to build on. Refuses when migrations
 * exist (their tables would be created twice) unless --force.
 */
export async function baselineGenerator(tree: Tree, options: BaselineGeneratorSchema): Promise<void> {
  const now = new Date();
  const project = resolvePrismaProject(tree, options.project);
  const view = treeView(tree);
  const existing = readMigrationsDirectory(view, project.migrationsDir).migrations;
  if (existing.length && !options.force) {
    throw inputError(
      `${project.migrationsDir} already holds ${existing.length} migration(s) (the first is ${existing[0].name}): a baseline is a project's first ` +
        'migration, and applied after these it would create their tables twice. Nothing was written. If that history is complete, you need no baseline. ' +
        'To squash it into one baseline: run again with --force, delete the old folders, and mark the baseline applied on every database that has the schema.',
    );
  }
  const files = readSchemaFiles(view, project);
  const naive = await diffSchemasBothWays(datasourceOnly(files), files);
  const plan = baselineRecipe(naive, recipeOptions(options, 'baseline'));
  const change: SchemaChange<null> = {
    project,
    before: { files: [], datamodel: { models: [], enums: [], indexes: [] } },
    after: { files, datamodel: readDatamodel(toEngineSchema(files)) },
    summary: null,
    naive,
    // Before the baseline the database is empty: nothing for the analysis to know about.
    beforeSql: '',
    changedFiles: [],
    now,
    pgVersion: configuredPgVersion(tree, files[0]?.path ?? project.schemaPath),
  };
  const written = await writeChange(tree, change, plan, { touched: {}, stats: options });
  const folder = written.folders[0];
  const dir = posix.join(project.migrationsDir, folder);
  for (const note of plan.notes.slice(0, 1)) logger.info(note);
  logger.info(
    [
      `Wrote ${dir}/migration.sql, down.sql and report.md.`,
      'Next:',
      `  - every database that already has this schema (production, staging, your local one): record the baseline as applied without running it,`,
      `      nx run ${project.name}:migrate-resolve --applied ${folder}`,
      `  - a new, empty database (CI, a new developer): nx run ${project.name}:migrate creates the schema from it.`,
    ].join('\n'),
  );
}

/**
 * The empty side of the diff: the schema's datasource block alone. Unlike Prisma's "empty" target,
 * it keeps the names unqualified (the URL's `?schema=` decides where they go) and the datasource's
 * own settings (extensions, several schemas).
 */
function datasourceOnly(files: SchemaFile[]): SchemaFile[] {
  for (const file of files) {
    const block = /^datasource\s+\w+\s*\{[^}]*\}/m.exec(file.content)?.[0];
    if (block) return [{ path: file.path, content: `${block}\n` }];
  }
  throw inputError(`The schema (${files.map((f) => f.path).join(', ')}) has no datasource block: Prisma needs one (provider = "postgresql").`);
}

export default baselineGenerator;
