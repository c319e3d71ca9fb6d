import { silentLogger, type RuntimeLogger } from '../logger';
import { withClient } from '../pg-client';
import { readDataMigrationStatus } from './records';
import { loadDataMigrations } from './registry';
import { runDataMigration, validateDataMigration, type RunDataMigrationOptions } from './run-data-migration';
import type { DataMigrationModule, DataMigrationStatus } from './types';

export interface ProjectDataMigrationsOptions extends Omit<RunDataMigrationOptions, 'logger'> {
  /** Database URL (Prisma form, `?schema=` honoured). */
  url: string;
  /** `<projectRoot>/src/migrations`: holds index.ts and the data migration files. */
  dataMigrationsDir: string;
  logger?: RuntimeLogger;
}

/** A project's data migrations, keyed by the SQL migration folder each one follows. */
export interface ProjectDataMigrations {
  has(folder: string): boolean;
  folders(): string[];
  /** Status in `_forge.data_migrations`, or undefined when it never ran. */
  state(folder: string): Promise<DataMigrationStatus | undefined>;
  up(folder: string): Promise<{ rows: number }>;
  down(folder: string): Promise<void>;
  validate(folder: string): Promise<boolean>;
}

/**
 * Reads the project's registry once (a compile error or a bad entry fails here, before anything
 * runs) and runs each data migration on its own connection, loading its module on first use.
 */
export function projectDataMigrations(options: ProjectDataMigrationsOptions): ProjectDataMigrations {
  const { url, dataMigrationsDir, logger = silentLogger, ...runOptions } = options;
  const loaders = loadDataMigrations(dataMigrationsDir);
  const modules = new Map<string, Promise<DataMigrationModule>>();
  const load = (folder: string): Promise<DataMigrationModule> => {
    const loader = loaders.get(folder);
    if (!loader) return Promise.reject(new Error(`No data migration is registered for ${folder} in ${dataMigrationsDir}/index.ts.`));
    if (!modules.has(folder)) modules.set(folder, loader());
    return modules.get(folder)!;
  };
  const connection = { applicationName: '@forge/migration data migration' };
  return {
    has: (folder) => loaders.has(folder),
    folders: () => [...loaders.keys()],
    state: (folder) => withClient(url, (db) => readDataMigrationStatus(db, folder), connection),
    async up(folder) {
      const module = await load(folder);
      const { rows } = await withClient(url, (db) => runDataMigration(db, folder, module, 'up', { ...runOptions, logger }), connection);
      return { rows };
    },
    async down(folder) {
      const module = await load(folder);
      await withClient(url, (db) => runDataMigration(db, folder, module, 'down', { ...runOptions, logger }), connection);
    },
    async validate(folder) {
      const module = await load(folder);
      return withClient(url, (db) => validateDataMigration(db, folder, module, { logger }), connection);
    },
  };
}
