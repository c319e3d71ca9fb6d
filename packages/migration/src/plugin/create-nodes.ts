import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createNodesFromFiles,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
  type TargetConfiguration,
} from '@nx/devkit';

export interface ForgeMigrationPluginOptions {
  /** Prefix of the inferred target names (default "migrate": migrate, migrate-down, …). */
  targetPrefix?: string;
  /**
   * The PostgreSQL major production runs (14–18, default 15): the generators write migrations for
   * it, and the targets that start an embedded server run this major.
   */
  pgVersion?: number;
}

/** `prisma/schema.prisma`, or the main file of a multi-file schema in `prisma/schema/`. */
const SCHEMA_GLOB = '**/prisma/{schema.prisma,schema/schema.prisma}';

/**
 * Infers migrate, migrate-down, migrate-validate, migrate-status, migrate-lint, migrate-checklist and
 * migrate-prune on every Nx project that has a Prisma schema. migrate-validate and migrate-lint are
 * cacheable: their inputs are the schema and the migrations, so `nx affected -t migrate-validate`
 * runs only where they changed.
 */
export const createNodesV2: CreateNodesV2<ForgeMigrationPluginOptions> = [
  SCHEMA_GLOB,
  (schemaFiles, options, context) => createNodesFromFiles((file, opts, ctx) => createNodesForSchema(file, opts ?? {}, ctx), schemaFiles, options, context),
];

export const createNodes = createNodesV2;

function createNodesForSchema(schemaFile: string, options: ForgeMigrationPluginOptions, context: CreateNodesContextV2): CreateNodesResult {
  const projectRoot = schemaFile.slice(0, schemaFile.lastIndexOf('prisma/')).replace(/\/$/, '') || '.';
  const isProject = ['project.json', 'package.json'].some((f) => existsSync(join(context.workspaceRoot, projectRoot, f)));
  if (!isProject) return {};
  return { projects: { [projectRoot]: { targets: inferTargets(options.targetPrefix ?? 'migrate', options.pgVersion) } } };
}

function inferTargets(prefix: string, pgVersion: number | undefined): Record<string, TargetConfiguration> {
  // The plugin's version is part of the hash (a new version may judge differently). A runtime input
  // rather than externalDependencies: that one fails the target where the plugin is not in a lockfile.
  const pluginVersion = { runtime: `node -p "require('@forge/migration/package.json').version"` };
  const migrationInputs = ['{projectRoot}/prisma/**/*', '{projectRoot}/prisma.config.ts', '{projectRoot}/src/migrations/**/*', pluginVersion];
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
    [`${prefix}-validate`]: target(
      'migrate-validate',
      'Prove every pending migration on a throwaway PostgreSQL: up, validate(), down (schema and rows restored), up again',
      { cache: true, inputs: migrationInputs, outputs: ['{workspaceRoot}/.forge/validation/{projectName}.json'] },
    ),
    [`${prefix}-status`]: target('migrate-status', 'Applied, pending, failed and edited migrations, data migrations, and drift'),
    [`${prefix}-lint`]: target('migrate-lint', 'Lint every migration folder (migration.sql and down.sql): locks, rewrites, data loss — no database needed', {
      // No server to start. Once lint knows version-specific facts, pgVersion goes here too.
      options: {},
      cache: true,
      inputs: ['{projectRoot}/prisma/**/*', '{projectRoot}/prisma.config.ts', pluginVersion],
      outputs: [],
    }),
    [`${prefix}-checklist`]: target(
      'migrate-checklist',
      'Deploy checklist: before (committed, rollback tested, backup, maintenance window, monitoring) and after (data migrations validate, health check, rollback ready 24 h); non-zero when a required item fails',
    ),
    [`${prefix}-prune`]: target('migrate-prune', 'Drop backups in _forge_backup older than the retention (--retention 24h), never younger ones; --dryRun lists them'),
  };
}
