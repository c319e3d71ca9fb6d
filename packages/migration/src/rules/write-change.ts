import { posix } from 'node:path';
import { logger, type Tree } from '@nx/devkit';
import { analyzeChange, batchPassesOf, type ChangeAnalysis, type MigrationInput } from '../analysis/analyze';
import { schemaFactsFromSql } from '../analysis/schema-facts';
import { withStats, type StatsOptions, type StatsProvider } from '../analysis/stats-source';
import { tableName } from '../prisma-schema/constraint-names';
import { blockExcerpt } from '../prisma-schema/excerpt';
import type { MigrationPlan, PlannedDataMigration } from '../recipes/plan';
import { stampTargetVersion } from '../versions/migration-target';
import { writeDataMigration } from './data-migration';
import { writeMigrationFolders } from './migration-folders';
import type { SchemaChange } from './schema-change';
import { compactSummary, REPORT_FILE, renderReport, type SchemaExcerpt } from './write-report';

export interface WrittenChange {
  /** Migration folder names, in order. */
  folders: string[];
  schemaFiles: string[];
  /** Tree paths of the TypeScript data migrations written. */
  dataMigrations: string[];
  /** Tree paths of the report.md written beside each migration. */
  reports: string[];
  /** Locks, estimates and impact of the change's migrations. */
  analysis: ChangeAnalysis;
}

export interface TouchedBlocks {
  /** Model names, or `{ before, after }` for a model that was renamed. */
  models?: (string | { before: string; after: string })[];
  enums?: string[];
}

export interface WriteChangeOptions {
  /** The models and enums whose BEFORE/AFTER the report shows. */
  touched: TouchedBlocks;
  /** --databaseUrl / --rows: where the analysis gets table sizes. */
  stats?: StatsOptions;
  /** Checks against the database, when one is reachable, before anything is written (throws to refuse). */
  check?: (stats: StatsProvider) => Promise<void>;
}

/**
 * Analyzes the plan (locks, estimates, impact; table sizes from --databaseUrl, --rows or
 * DATABASE_URL; what the schema holds from Prisma's SQL for it), then writes the edited schema files, the plan's migration folders, their data
 * migrations and a report.md beside each migration. The analysis comes first: when it fails
 * (an unreachable --databaseUrl), nothing is written.
 */
export async function writeChange(tree: Tree, change: SchemaChange<unknown>, planned: MigrationPlan, options: WriteChangeOptions): Promise<WrittenChange> {
  const plan = forTargetVersion(planned, change.pgVersion);
  const schema = await schemaFactsFromSql(change.beforeSql);
  const analysis = await withStats(options.stats ?? {}, (message) => logger.warn(message), async (stats) => {
    await options.check?.(stats);
    return analyzeChange({ migrations: plan.migrations.map((m) => migrationInput(change, m)), stats, schema });
  });
  for (const file of change.changedFiles) tree.write(file.path, file.content);
  const folders = writeMigrationFolders(tree, change.project.migrationsDir, plan.migrations, change.now);
  const dataMigrationFiles = plan.migrations.map((migration, i) =>
    migration.dataMigration ? writeDataMigration(tree, { projectRoot: change.project.root, migrationFolder: folders[i], ...migration.dataMigration }).file : undefined,
  );
  const context = {
    project: change.project.name,
    folders,
    // The first comment, past leading `-- @forge-…` directives (seed hints): they are no title.
    titles: plan.migrations.map((m) => /^(?:--\s*@forge-.*\n)*--\s*(.+)/.exec(m.up)?.[1]?.trim() ?? ''),
    excerpts: schemaExcerpts(change, options.touched),
    dataMigrationFiles,
    notes: plan.notes,
    analysis,
    phases: plan.migrations.map((m) => ({ phase: m.phase ?? ('expand' as const), previousVersion: m.previousVersion })),
  };
  const reports = folders.map((folder, i) => {
    const path = posix.join(change.project.migrationsDir, folder, REPORT_FILE);
    tree.write(path, renderReport(context, i));
    return path;
  });
  return {
    folders,
    schemaFiles: change.changedFiles.map((f) => f.path),
    dataMigrations: dataMigrationFiles.filter((f): f is string => !!f),
    reports,
    analysis,
  };
}

/** Prints what a generator did: BEFORE/AFTER of each touched block, each migration's SQL, then the compact safety summary. */
export function printChange(change: SchemaChange<unknown>, planned: MigrationPlan, written: WrittenChange, touched: TouchedBlocks): void {
  const plan = forTargetVersion(planned, change.pgVersion);
  for (const e of schemaExcerpts(change, touched)) {
    logger.info(`\n${e.kind} ${e.name}`);
    logger.info(`BEFORE\n${indent(e.before || '(does not exist)')}`);
    logger.info(`AFTER\n${indent(e.after || '(removed)')}`);
  }
  plan.migrations.forEach((migration, i) => {
    const folder = written.folders[i];
    logger.info(`\n${change.project.migrationsDir}/${folder}/migration.sql (phase ${migration.phase ?? 'expand'})\n${indent(migration.up.trimEnd())}`);
    logger.info(`down.sql\n${indent(migration.down.trimEnd())}`);
    if (migration.dataMigration) {
      // Data migrations are written in plan order; a name taken by an earlier change gets a suffix, so count, do not match.
      const file = written.dataMigrations[plan.migrations.slice(0, i).filter((m) => m.dataMigration).length];
      logger.info(`then data migration ${file}: ${migration.dataMigration.description} (${migration.dataMigration.estimatedDuration})`);
    }
  });
  for (const note of plan.notes) logger.info(`• ${note}`);
  logger.info(`\n${compactSummary({ folders: written.folders, analysis: written.analysis }).join('\n')}`);
}

/** The plan with the target PostgreSQL major in every script's generated-by line. */
function forTargetVersion(plan: MigrationPlan, major: number): MigrationPlan {
  const migrations = plan.migrations.map((m) => ({ ...m, up: stampTargetVersion(m.up, major), down: stampTargetVersion(m.down, major) }));
  return { ...plan, migrations };
}

/** The plan's migration as the analysis takes it, its data migration reduced to its batched passes. */
function migrationInput(change: SchemaChange<unknown>, migration: MigrationPlan['migrations'][number]): MigrationInput {
  const data = migration.dataMigration;
  return {
    name: migration.name,
    sql: migration.up,
    downSql: migration.down,
    ...(data ? { dataMigration: { name: data.name, up: batchPassesOf(data.body.up, tableOf(change, data)), down: batchPassesOf(data.body.down, tableOf(change, data)) } } : {}),
  };
}

function tableOf(change: SchemaChange<unknown>, data: PlannedDataMigration): string {
  const model = change.after.datamodel.models.find((m) => m.name === data.model) ?? change.before.datamodel.models.find((m) => m.name === data.model);
  return model ? tableName(model) : data.model;
}

function schemaExcerpts(change: SchemaChange<unknown>, touched: TouchedBlocks): SchemaExcerpt[] {
  const blocks = [
    ...(touched.models ?? []).map((m) => ({ kind: 'model' as const, ...(typeof m === 'string' ? { before: m, after: m } : m) })),
    ...(touched.enums ?? []).map((name) => ({ kind: 'enum' as const, before: name, after: name })),
  ];
  return blocks.map(({ kind, before, after }) => ({
    kind,
    name: before === after ? before : `${before} → ${after}`,
    before: findExcerpt(change.before.files, kind, before),
    after: findExcerpt(change.after.files, kind, after),
  }));
}

function findExcerpt(files: { content: string }[], kind: 'model' | 'enum', name: string): string {
  for (const file of files) {
    const excerpt = blockExcerpt(file.content, kind, name);
    if (excerpt) return excerpt;
  }
  return '';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
