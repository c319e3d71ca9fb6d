import { join } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import type { MigrationsDirectory } from '../../engine/migrations';
import type { SchemaFile } from '../../engine/schema-engine';
import { maskSecrets } from '../../engine/connection';
import { ForgeInputError } from '../../errors';
import { assertDuration } from '../../recipes/scripts';
import { selectDatabase, type SelectedDatabase } from '../../runtime/database-selection';
import type { RuntimeLogger } from '../../runtime/logger';
import { createDataMigrationRunner } from '../../runtime/data-migration-runner';
import type { ProjectTarget } from '../../runtime/project-target';
import { parsePgVersion } from '../../versions/pg-version';
import { diskView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { locatePrismaProject, readSchemaFiles, type PrismaProjectLayout } from '../../workspace/prisma-project';

/** Options every runtime executor takes. */
export interface DatabaseOptions {
  databaseUrl?: string;
  lockTimeout?: string;
  lockRetries?: number;
  /** The embedded server's PostgreSQL major (nx.json plugin option or --pgVersion; default 15). */
  pgVersion?: number | string;
}

export interface ProjectContext {
  projectName: string;
  workspaceRoot: string;
  layout: PrismaProjectLayout;
  directory: MigrationsDirectory;
  schemaFiles: SchemaFile[];
  logger: RuntimeLogger;
}

export const nxLogger: RuntimeLogger = { info: (m) => logger.info(m), warn: (m) => logger.warn(m) };

/** The Prisma project an executor runs for, read from disk. */
export function readProjectContext(context: ExecutorContext): ProjectContext {
  const projectName = context.projectName;
  const project = projectName ? context.projectsConfigurations?.projects[projectName] : undefined;
  if (!projectName || !project) throw new ForgeInputError('This executor must run for a project (nx run <project>:<target>).');
  const view = diskView(context.root);
  const layout = locatePrismaProject(view, project.root);
  return {
    projectName,
    workspaceRoot: context.root,
    layout,
    directory: readMigrationsDirectory(view, layout.migrationsDir),
    schemaFiles: readSchemaFiles(view, layout),
    logger: nxLogger,
  };
}

/** Selects the database (option, env, config, else the embedded one), builds the target, always releases. */
export async function withProjectTarget<T>(
  project: ProjectContext,
  options: DatabaseOptions,
  embedded: 'workspace' | 'throwaway',
  fn: (target: ProjectTarget, database: SelectedDatabase) => Promise<T>,
): Promise<T> {
  // Checked before connecting: PostgreSQL would reject it only when the first migration runs.
  const lockTimeout = options.lockTimeout === undefined ? undefined : assertDuration(String(options.lockTimeout));
  const pgVersion = parsePgVersion(options.pgVersion, PG_VERSION_OPTION);
  const database = await selectDatabase({
    databaseUrl: options.databaseUrl,
    workspaceRoot: project.workspaceRoot,
    projectName: project.projectName,
    configFile: project.layout.configFile ? join(project.workspaceRoot, project.layout.configFile) : null,
    schemaFiles: project.schemaFiles,
    embedded,
    pgVersion,
    logger: project.logger,
  });
  try {
    project.logger.info(`Database: ${database.label}`);
    const target: ProjectTarget = {
      url: database.url,
      directory: project.directory,
      dataMigrations: createDataMigrationRunner(database.url, join(project.workspaceRoot, project.layout.dataMigrationsDir), project.logger),
      logger: project.logger,
      lockTimeout,
      lockRetries: options.lockRetries,
    };
    return await fn(target, database);
  } finally {
    await database.release();
  }
}

/** How the pgVersion option is named in errors: it comes from nx.json or the command line. */
export const PG_VERSION_OPTION = 'pgVersion (nx.json plugin option or --pgVersion)';

/**
 * Runs an executor body: input errors print as one clear message, anything else with its message;
 * secrets (database passwords) are masked in both. Never throws: Nx gets { success }.
 */
export async function runExecutor(body: () => Promise<boolean>, secretsFrom: (string | undefined)[] = []): Promise<{ success: boolean }> {
  try {
    return { success: await body() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const masked = [process.env.DATABASE_URL, ...secretsFrom].reduce<string>((text, url) => maskSecrets(text, url), message);
    logger.error(masked);
    return { success: false };
  }
}
