import type { DatabaseOptions } from '../shared/project';

export interface MigrateStatusExecutorSchema extends DatabaseOptions {
  /** table (default) or json */
  format?: 'table' | 'json';
}
