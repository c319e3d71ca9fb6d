import { projectDataMigrations } from './data-migrations/runner';
import type { RuntimeLogger } from './logger';
import type { DataMigrationRunner } from './project-target';

/** The project's TypeScript data migrations (registered in `<dataMigrationsDir>/index.ts`). */
export function createDataMigrationRunner(url: string, dataMigrationsDir: string, logger: RuntimeLogger): DataMigrationRunner {
  return projectDataMigrations({ url, dataMigrationsDir, logger });
}
