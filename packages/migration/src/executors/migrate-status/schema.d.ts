import type { DatabaseOptions } from '../shared/project-context';

export interface MigrateStatusExecutorSchema extends DatabaseOptions {
  /** table (default) or json */
  format?: 'table' | 'json';
}
