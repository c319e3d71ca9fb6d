import type { DatabaseOptions } from '../shared/project';

export interface MigrateResolveExecutorSchema extends DatabaseOptions {
  /** A failed migration whose changes are not in the database: record it rolled back. */
  rolledBack?: string;
  /** A migration whose changes are already in the database: record it applied without running it. */
  applied?: string;
}
