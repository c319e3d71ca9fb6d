import type { DatabaseOptions } from '../shared/project';

export interface MigrateExecutorSchema extends DatabaseOptions {
  /** Stop after this migration folder (inclusive). */
  to?: string;
}
