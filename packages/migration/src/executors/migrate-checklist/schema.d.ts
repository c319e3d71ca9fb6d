import type { DatabaseOptions } from '../shared/project-context';

export interface MigrateChecklistExecutorSchema extends DatabaseOptions {
  /** before: the pending migrations; after: the deploy (migrations applied in the last 24 h); both (default). */
  phase?: 'before' | 'after' | 'both';
  format?: 'text' | 'json';
  /** Acknowledges the maintenance window the impact table asks for. */
  window?: boolean;
  /** Run when a pending migration drops data (e.g. a pg_dump wrapper); must exit 0. */
  backupCommand?: string;
  /** A file your backup job writes; must exist and be newer than backupEvidenceMaxAge. */
  backupEvidence?: string;
  /** Default 24h. */
  backupEvidenceMaxAge?: string;
  /** Run after the deploy; must exit 0. */
  healthCheck?: string;
  /** The retention migrate-prune runs with (default 24h): checked to keep the rollback ready. */
  retention?: string;
  /** Longest run of the backup command or health check (default 3600). */
  commandTimeoutSeconds?: number;
}
