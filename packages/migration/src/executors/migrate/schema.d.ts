import type { DatabaseOptions } from '../shared/project';

export interface MigrateExecutorSchema extends DatabaseOptions {
  /** Stop after this migration folder (inclusive). */
  to?: string;
  /** expand: pending migrations up to, not including, the first contract one (before the rollout); contract: the rest (after it). */
  phase?: 'expand' | 'contract';
}
