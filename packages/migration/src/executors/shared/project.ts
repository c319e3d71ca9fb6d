import { join } from 'node:path';
import type { MigrationsDirectory } from '../../engine/migrations';
import type { SchemaFile } from '../../engine/schema-engine';
import { maskSecrets } from '../../engine/connection';
import { inputError } from '../../errors';
import { assertDuration } from '../../recipes/scripts';
import { selectDatabase, type SelectedDatabase } from '../../runtime/database-selection';
import type { RuntimeLogger } from '../../runtime/logger';
import type { UrlOptionNames } from '../../runtime/url-options';
import { createDataMigrationRunner, lazyDataMigrationRunner } from '../../runtime/data-migration-runner';
import { recordEmbeddedState } from '../../runtime/embedded-state';
import type { ProjectTarget } from '../../runtime/project-target';
import { parsePgVersion } from '../../versions/pg-version';
import { diskView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { locatePrismaProject, readSchemaFiles, type PrismaProjectLayout } from '../../workspace/prisma-project';

// What the Nx executors and the forge-migrate command share: nothing here loads Nx, so that a deploy
// image without the Nx workspace (or nx installed) runs the same code.

/** Options every runtime command takes. */
export interface DatabaseOptions {
  /** A URL without a password (command lines are echoed and cached). */
  databaseUrl?: string;
  /** The name of the environment variable that holds the URL. */
  databaseUrlEnv?: string;
  /** How the two are spelt in messages (default: the Nx options). */
  optionNames?: UrlOptionNames;
  lockTimeout?: string;
  lockRetries?: number;
  /** How long a CREATE INDEX CONCURRENTLY may wait for older transactions (e.g. "10min"; default 10min). */
  concurrentIndexWait?: string;
  /** The embedded server's PostgreSQL major (nx.json plugin option or --pgVersion; default 15). */
  pgVersion?: number | string;
}

/**
 * The command line that runs a target (migrate, migrate-status, migrate-resolve, …) with options
 * named as the target's schema names them (camelCase), the way this run was started.
 */
export type CommandLine = (target: string, options?: Record<string, string>) => string;

/** Options as a command line's tail: ` --name value`, values quoted for a POSIX shell when needed. */
export function commandOptions(options: Record<string, string> = {}, name: (option: string) => string = (o) => o): string {
  return Object.entries(options)
    .map(([option, value]) => ` --${name(option)} ${/^[\w./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`)
    .join('');
}

/** How the pgVersion option is named in errors: it comes from nx.json or the command line. */
export const PG_VERSION_OPTION = 'pgVersion (nx.json plugin option or --pgVersion)';

export interface ProjectContext {
  projectName: string;
  workspaceRoot: string;
  layout: PrismaProjectLayout;
  directory: MigrationsDirectory;
  schemaFiles: SchemaFile[];
  logger: RuntimeLogger;
  /** The command line that runs `target` (migrate, migrate-status, …) the way this run was started. */
  command: CommandLine;
}

export interface ProjectLocation {
  workspaceRoot: string;
  /** The project's root, relative to the workspace root ('' = the workspace root itself). */
  projectRoot: string;
  projectName: string;
  logger: RuntimeLogger;
  command: CommandLine;
}

/** The Prisma project a command runs for, read from disk. */
export function readProject(location: ProjectLocation): ProjectContext {
  const view = diskView(location.workspaceRoot);
  const layout = locatePrismaProject(view, location.projectRoot);
  return {
    projectName: location.projectName,
    workspaceRoot: location.workspaceRoot,
    layout,
    directory: readMigrationsDirectory(view, layout.migrationsDir),
    schemaFiles: readSchemaFiles(view, layout),
    logger: location.logger,
    command: location.command,
  };
}

/** Selects the database (option, env, config, else the embedded one), builds the target, always releases. */
export async function withProjectTarget<T>(
  project: ProjectContext,
  options: DatabaseOptions,
  embedded: 'workspace' | 'throwaway',
  fn: (target: ProjectTarget, database: SelectedDatabase) => Promise<T>,
  /** lazy: the project's data migrations are read only if `fn` uses them. */
  dataMigrations: 'eager' | 'lazy' = 'eager',
): Promise<T> {
  // Checked before connecting: PostgreSQL would reject it only when the first migration runs.
  const lockTimeout = options.lockTimeout === undefined ? undefined : assertDuration(String(options.lockTimeout));
  const pgVersion = parsePgVersion(options.pgVersion, PG_VERSION_OPTION);
  const concurrentWaitMs = options.concurrentIndexWait === undefined ? undefined : durationMs(String(options.concurrentIndexWait), '--concurrentIndexWait');
  const database = await selectDatabase({
    databaseUrl: options.databaseUrl,
    databaseUrlEnv: options.databaseUrlEnv,
    optionNames: options.optionNames,
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
      dataMigrations: (dataMigrations === 'lazy' ? lazyDataMigrationRunner : createDataMigrationRunner)(
        database.url,
        join(project.workspaceRoot, project.layout.dataMigrationsDir),
        project.logger,
      ),
      logger: project.logger,
      lockTimeout,
      lockRetries: options.lockRetries,
      concurrentWaitMs,
      command: project.command,
    };
    try {
      return await fn(target, database);
    } finally {
      if (database.source === 'embedded' && embedded === 'workspace') {
        await recordEmbeddedState(project.workspaceRoot, project.layout.root, database.url).catch((error: Error) => project.logger.warn(`Could not record the embedded database's state for migrate-validate's cache: ${error.message}`));
      }
    }
  } finally {
    await database.release();
  }
}

/** A duration as PostgreSQL writes one ("500ms", "30s", "10min"; bare digits are ms), in ms; checked before connecting. */
export function durationMs(value: string, option: string): number {
  const match = /^(\d+)(ms|s|min)?$/.exec(value.trim());
  if (!match) throw inputError(`Invalid ${option} ${JSON.stringify(value)}: expected a duration such as 500ms, 30s or 10min.`);
  return Number(match[1]) * { ms: 1, s: 1000, min: 60_000 }[match[2] ?? 'ms']!;
}

/** An error as one line for the user, database passwords masked (DATABASE_URL's and the given URLs'). */
export function failureMessage(error: unknown, secretsFrom: (string | undefined)[] = []): string {
  const message = error instanceof Error ? error.message : String(error);
  return [process.env.DATABASE_URL, ...secretsFrom].reduce<string>((text, url) => maskSecrets(text, url), message);
}

/** The URLs a command's options lead to, whose passwords its messages must mask: given ones and the variables named. */
export function urlsOf(options: { databaseUrl?: string; databaseUrlEnv?: string; shadowDatabaseUrl?: string; shadowDatabaseUrlEnv?: string }): (string | undefined)[] {
  const fromVariable = (name: string | undefined) => (name ? process.env[name] : undefined);
  return [options.databaseUrl, fromVariable(options.databaseUrlEnv), options.shadowDatabaseUrl, fromVariable(options.shadowDatabaseUrlEnv)];
}
