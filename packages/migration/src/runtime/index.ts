// `@forge/migration/runtime`: the types a project's data migrations import (`import type`, so
// they cost nothing at run time), and the functions that run them, for programs of your own.
// Keep this entry light: nothing here may load TypeScript, ts-morph, Nx or Prisma's engine.
export type {
  BatchCopyJob,
  BatchUpdateJob,
  BatchUpdateResult,
  DataMigrationContext,
  DataMigrationLoader,
  DataMigrationModule,
  DataMigrationRegistry,
  DataMigrationStatus,
} from './data-migrations/types';
export type { DataMigrationRecord } from './data-migrations/records';
export type { RuntimeLogger } from './logger';
export { runBatchCopy, runBatchUpdate, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, type BatchRunOptions } from './data-migrations/batch-update';
export { readDataMigrationRecords } from './data-migrations/records';
export { loadDataMigrations } from './data-migrations/registry';
export { runDataMigration, validateDataMigration, type RunDataMigrationOptions } from './data-migrations/run-data-migration';
export { projectDataMigrations, type ProjectDataMigrations, type ProjectDataMigrationsOptions } from './data-migrations/runner';
export { registerTsLoader } from './data-migrations/ts-loader';
