import { logger, type Tree } from '@nx/devkit';
import { blockExcerpt } from '../prisma-schema/excerpt';
import type { MigrationPlan } from '../recipes/plan';
import { writeDataMigration } from './data-migration';
import { writeMigrationFolders } from './migration-folders';
import type { SchemaChange } from './schema-change';

export interface WrittenChange {
  /** Migration folder names, in order. */
  folders: string[];
  schemaFiles: string[];
  /** Tree paths of the TypeScript data migrations written. */
  dataMigrations: string[];
}

/** Writes the edited schema files, the plan's migration folders and their data migrations into the tree. */
export function writeChange(tree: Tree, change: SchemaChange<unknown>, plan: MigrationPlan): WrittenChange {
  for (const file of change.changedFiles) tree.write(file.path, file.content);
  const folders = writeMigrationFolders(tree, change.project.migrationsDir, plan.migrations);
  const dataMigrations = plan.migrations.flatMap((migration, i) =>
    migration.dataMigration
      ? [writeDataMigration(tree, { projectRoot: change.project.root, migrationFolder: folders[i], ...migration.dataMigration }).file]
      : [],
  );
  return { folders, schemaFiles: change.changedFiles.map((f) => f.path), dataMigrations };
}

export interface TouchedBlocks {
  models?: string[];
  enums?: string[];
}

/** Prints what a generator did: BEFORE/AFTER of each touched block, then each migration's SQL. */
export function printChange(change: SchemaChange<unknown>, plan: MigrationPlan, written: WrittenChange, touched: TouchedBlocks): void {
  const blocks = [
    ...(touched.models ?? []).map((name) => ['model', name] as const),
    ...(touched.enums ?? []).map((name) => ['enum', name] as const),
  ];
  for (const [kind, name] of blocks) {
    const before = findExcerpt(change.before.files, kind, name);
    const after = findExcerpt(change.after.files, kind, name);
    logger.info(`\n${kind} ${name}`);
    logger.info(`BEFORE\n${indent(before || '(does not exist)')}`);
    logger.info(`AFTER\n${indent(after || '(removed)')}`);
  }
  plan.migrations.forEach((migration, i) => {
    const folder = written.folders[i];
    logger.info(`\n${change.project.migrationsDir}/${folder}/migration.sql\n${indent(migration.up.trimEnd())}`);
    logger.info(`down.sql\n${indent(migration.down.trimEnd())}`);
    if (migration.dataMigration) {
      const file = written.dataMigrations.find((f) => f.endsWith(`/${migration.dataMigration!.name}.ts`));
      logger.info(`then data migration ${file}: ${migration.dataMigration.description} (${migration.dataMigration.estimatedDuration})`);
    }
  });
  for (const note of plan.notes) logger.info(`• ${note}`);
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
