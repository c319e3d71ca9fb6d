import type { DatabaseOptions } from '../shared/project';

export interface MigrateDownExecutorSchema extends DatabaseOptions {
  /** How many of the last applied migrations to roll back (default 1). */
  count?: number;
}
