import type { DatabaseOptions } from '../shared/project-context';

export interface MigratePruneExecutorSchema extends DatabaseOptions {
  /** Backups older than this go (`24h`, `7d`, `90m`; default 24h). Younger ones never. */
  retention?: string;
  /** List what would be dropped; change nothing. */
  dryRun?: boolean;
  /** Also drop the backups the rollback of the last applied migration needs. */
  force?: boolean;
  format?: 'text' | 'json';
}
