import { projectDataMigrations } from './data-migrations/runner';
import type { RuntimeLogger } from './logger';
import type { DataMigrationRunner } from './project-target';

/** The project's TypeScript data migrations (registered in `<dataMigrationsDir>/index.ts`). */
export function createDataMigrationRunner(url: string, dataMigrationsDir: string, logger: RuntimeLogger): DataMigrationRunner {
  return projectDataMigrations({ url, dataMigrationsDir, logger });
}

/**
 * The same, read on first use: for commands that may never run a data migration (migrate-validate
 * reading which migrations are pending). Reading the registry compiles index.ts with TypeScript
 * (~0.5 s, 2 s on a loaded machine); its errors then surface on first use instead of up front.
 */
export function lazyDataMigrationRunner(url: string, dataMigrationsDir: string, logger: RuntimeLogger): DataMigrationRunner {
  let runner: DataMigrationRunner | undefined;
  const get = () => (runner ??= createDataMigrationRunner(url, dataMigrationsDir, logger));
  return {
    has: (folder) => get().has(folder),
    state: (folder) => get().state(folder),
    up: (folder) => get().up(folder),
    down: (folder) => get().down(folder),
    validate: (folder) => get().validate(folder),
  };
}
