import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import {
  createNodesFromFiles,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
  type TargetConfiguration,
} from '@nx/devkit';
import { embeddedStateCommand } from '../workspace/embedded-state-file';
import { diskView } from '../workspace/file-view';
import { datasourceEnv } from '../prisma-schema/engine-view';
import { findPrismaProject, readSchemaFiles, type PrismaProjectLayout } from '../workspace/prisma-project';

export interface ForgeMigrationPluginOptions {
  /** Prefix of the inferred target names (default "migrate": migrate, migrate-down, …). */
  targetPrefix?: string;
  /**
   * The PostgreSQL major production runs (14–18, default 15): the generators write migrations for
   * it, and the targets that start an embedded server run this major.
   */
  pgVersion?: number;
}

/**
 * Files that may mark a Prisma project: the default schema places, and the two files that can
 * point elsewhere (prisma.config.ts's `schema`, package.json's `prisma.schema`).
 */
const PRISMA_FILES_GLOB = '**/{prisma/schema.prisma,prisma/schema/*.prisma,prisma.config.ts,package.json}';

/**
 * Infers migrate, migrate-down, migrate-resolve, migrate-validate, migrate-status, migrate-lint,
 * migrate-checklist, migrate-dev and migrate-prune on every Nx project that has a Prisma schema,
 * wherever Prisma itself finds it.
 * migrate-validate and migrate-lint are cacheable: their inputs are the schema and the migrations,
 * so `nx affected -t migrate-validate` runs only where they changed.
 */
export const createNodesV2: CreateNodesV2<ForgeMigrationPluginOptions> = [
  PRISMA_FILES_GLOB,
  (files, options, context) =>
    createNodesFromFiles((root, opts, ctx) => createNodesForRoot(root, opts ?? {}, ctx), candidateRoots(files), options, context),
];

export const createNodes = createNodesV2;

/** The project roots the matched files may belong to, each once. */
function candidateRoots(files: readonly string[]): string[] {
  const roots = files.map((file) => {
    const schemaAt = file.search(/(^|\/)prisma\/schema(\.prisma|\/[^/]+\.prisma)$/);
    return (schemaAt >= 0 ? file.slice(0, schemaAt) : posix.dirname(file)).replace(/^\.$/, '');
  });
  return [...new Set(roots)];
}

function createNodesForRoot(root: string, options: ForgeMigrationPluginOptions, context: CreateNodesContextV2): CreateNodesResult {
  const isProject = ['project.json', 'package.json'].some((f) => existsSync(join(context.workspaceRoot, root, f)));
  if (!isProject) return {};
  const layout = findPrismaProject(diskView(context.workspaceRoot), root);
  if (!layout) return {};
  return { projects: { [root || '.']: { targets: inferTargets(options.targetPrefix ?? 'migrate', layout, options.pgVersion, databaseEnvInputs(context.workspaceRoot, layout)) } } };
}

/** Cache inputs: the schema, the migrations (not their report.md), prisma.config.ts and the data migrations, wherever they are. */
function projectInputs(layout: PrismaProjectLayout): { prisma: string[]; data: string } {
  const input = (path: string) => {
    const relative = posix.relative(layout.root, path);
    return relative.startsWith('..') ? `{workspaceRoot}/${path}` : `{projectRoot}/${relative}`;
  };
  const schema = layout.schemaPath.endsWith('.prisma') ? input(layout.schemaPath) : `${input(layout.schemaPath)}/**/*`;
  const migrations = input(layout.migrationsDir);
  // report.md is what the tools write about a migration (validate adds what it measured under
  // traffic), not what they read: it must not make the next run miss the cache.
  const prisma = [...new Set([schema, `${migrations}/**/*`, `!${migrations}/**/report.md`, input(posix.join(layout.root, 'prisma.config.ts'))])];
  return { prisma, data: `${input(layout.dataMigrationsDir)}/**/*` };
}

/**
 * The environment variables that can name the database a command reads: migrate-validate proves
 * what is pending there, so a cached result is only valid for the same URLs. DATABASE_URL and the
 * shadow/embedded settings always; plus every variable the schema's datasource or prisma.config.ts
 * reads (url, directUrl, shadowDatabaseUrl). Command-line options enter Nx's hash by themselves.
 */
function databaseEnvInputs(workspaceRoot: string, layout: PrismaProjectLayout): { env: string }[] {
  const names = new Set(['DATABASE_URL', 'SHADOW_DATABASE_URL', 'FORGE_EMBEDDED_PG_DIR']);
  const view = diskView(workspaceRoot);
  try {
    for (const file of readSchemaFiles(view, layout)) {
      for (const key of ['url', 'directUrl', 'shadowDatabaseUrl'] as const) {
        const name = datasourceEnv([file], key);
        if (name) names.add(name);
      }
    }
  } catch {
    // An unreadable schema is reported by the commands themselves; the graph must still build.
  }
  if (layout.configFile && view.isFile(layout.configFile)) {
    const config = view.read(layout.configFile);
    for (const match of config.matchAll(/\benv\(\s*['"`](\w+)['"`]\s*\)|\bprocess\.env\.(\w+)|\bprocess\.env\[\s*['"`](\w+)['"`]\s*\]/g)) {
      names.add(match[1] ?? match[2] ?? match[3]);
    }
  }
  return [...names].sort().map((env) => ({ env }));
}

function inferTargets(prefix: string, layout: PrismaProjectLayout, pgVersion: number | undefined, databaseEnv: { env: string }[]): Record<string, TargetConfiguration> {
  // The plugin's version is part of the hash (a new version may judge differently). A runtime input
  // rather than externalDependencies: that one fails the target where the plugin is not in a lockfile.
  const pluginVersion = { runtime: `node -p "require('@forge/migration/package.json').version"` };
  const inputs = projectInputs(layout);
  // Validated where it is used (executors, generators), with a message naming the setting.
  const serverOptions = pgVersion === undefined ? {} : { pgVersion };
  const target = (executor: string, description: string, extra: Partial<TargetConfiguration> = {}): TargetConfiguration => ({
    executor: `@forge/migration:${executor}`,
    options: { ...serverOptions },
    metadata: { technologies: ['prisma', 'postgresql'], description },
    ...extra,
  });
  return {
    [prefix]: target('migrate', 'Apply pending SQL migrations with Prisma’s engine, each followed by its TypeScript data migration'),
    [`${prefix}-down`]: target('migrate-down', 'Roll back the last applied migration(s) (--count N): data migration down(), then down.sql'),
    [`${prefix}-resolve`]: target('migrate-resolve', 'Resolve a failed migration like prisma migrate resolve: --rolledBack <name> records it rolled back, --applied <name> records it applied'),
    [`${prefix}-validate`]: target(
      'migrate-validate',
      'Prove every pending migration on a throwaway PostgreSQL: up, validate(), down (schema and rows restored), up again',
      { cache: true, inputs: [...inputs.prisma, inputs.data, pluginVersion, { runtime: embeddedStateCommand(layout.root) }, ...databaseEnv], outputs: ['{workspaceRoot}/.forge/validation/{projectName}.json'] },
    ),
    [`${prefix}-status`]: target('migrate-status', 'Applied, pending, failed and edited migrations, data migrations, and drift'),
    [`${prefix}-lint`]: target('migrate-lint', 'Lint every migration folder (migration.sql and down.sql): locks, rewrites, data loss — no database needed', {
      // No server to start. Once lint knows version-specific facts, pgVersion goes here too.
      options: {},
      cache: true,
      inputs: [...inputs.prisma, pluginVersion],
      outputs: [],
    }),
    [`${prefix}-checklist`]: target(
      'migrate-checklist',
      'Deploy checklist: before (committed, rollback tested, backup, maintenance window, monitoring) and after (data migrations validate, health check, rollback ready 24 h); non-zero when a required item fails',
    ),
    // `prisma migrate dev` muscle memory: `nx run prisma:migrate-dev --name x` runs the dev generator
    // (arguments are forwarded; the generator is where the work and the prompts are).
    [`${prefix}-dev`]: {
      executor: 'nx:run-commands',
      options: { command: 'nx g @forge/migration:dev --project={projectName}' },
      metadata: {
        technologies: ['prisma', 'postgresql'],
        description: 'Edit schema.prisma by hand, then this: the safe migrations the generators write for your edit (nx g @forge/migration:dev)',
      },
    },
    [`${prefix}-prune`]: target('migrate-prune', 'Drop backups in _forge_backup older than the retention (--retention 24h), never younger ones; --dryRun lists them'),
  };
}
