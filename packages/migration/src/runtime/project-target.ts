import type { MigrationsDirectory } from '../engine/migrations';
import type { RuntimeLogger } from './logger';

/**
 * What the runtime commands work on: a database, the project's migrations as read from disk, and
 * the runner of its TypeScript data migrations.
 */
export interface ProjectTarget {
  url: string;
  directory: MigrationsDirectory;
  dataMigrations: DataMigrationRunner;
  logger: RuntimeLogger;
  /** Session lock_timeout for migration statements without their own (default 5s). */
  lockTimeout?: string;
  /** Retries after a lock timeout, with exponential backoff (default 4). */
  lockRetries?: number;
  /** First backoff delay in ms (default 1000). */
  retryDelayMs?: number;
  /** Whether migrate() warns about migrations generated for another PostgreSQL major (default true; migrate-validate warns once itself). */
  versionCheck?: boolean;
  /**
   * How long a concurrent index build may wait for other transactions to end, in ms (default 10
   * min); it is not stopped by lock_timeout, which would throw the finished build away.
   */
  concurrentWaitMs?: number;
  /**
   * How messages name a follow-up command (`nx run db:migrate-resolve --rolledBack X`, or the
   * forge-migrate form); default `suggestedCommand`, the bare target and options.
   */
  command?: (target: string, options?: Record<string, string>) => string;
}

/** A follow-up command named by its target and options, for targets built without a command line. */
export function suggestedCommand(target: ProjectTarget, name: string, options: Record<string, string> = {}): string {
  if (target.command) return target.command(name, options);
  return [name, ...Object.entries(options).map(([option, value]) => `--${option} ${value}`)].join(' ');
}

export type DataMigrationState = 'running' | 'applied' | 'failed' | 'rolling_back' | 'rollback_failed' | 'rolled_back';

/** Runs the TypeScript data migrations of a project, keyed by the SQL migration folder they follow. */
export interface DataMigrationRunner {
  has(folder: string): boolean;
  /** State recorded in `_forge.data_migrations`, or undefined when it never ran. */
  state(folder: string): Promise<DataMigrationState | undefined>;
  up(folder: string): Promise<{ rows: number }>;
  down(folder: string): Promise<void>;
  validate(folder: string): Promise<boolean>;
}

/** For projects without data migrations (and tests of pure SQL paths). */
export const noDataMigrations: DataMigrationRunner = {
  has: () => false,
  state: async () => undefined,
  up: async () => ({ rows: 0 }),
  down: async () => undefined,
  validate: async () => true,
};

export const DEFAULT_SESSION_LOCK_TIMEOUT = '5s';
