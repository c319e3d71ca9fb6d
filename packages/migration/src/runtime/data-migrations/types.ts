/**
 * The contract between the runtime and a project's TypeScript data migrations
 * (`<projectRoot>/src/migrations/*.ts`). User files import these with `import type` only, so at run
 * time they need nothing from this package: everything they can do comes through the context.
 */

/** What `up`, `down` and `validate` receive. One database session, owned by the runtime. */
export interface DataMigrationContext {
  /** The SQL migration folder this data migration follows, e.g. `20250101120000_add_user_locale`. */
  readonly migrationName: string;
  /** Runs one statement (autocommit; a second one in the text is refused) and returns its rows. Use `$1`, `$2`… for values. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Updates a table in short keyset batches, each committed with its checkpoint: an interrupted run
   * resumes where it stopped, without redoing or skipping a row.
   */
  batchUpdate(job: BatchUpdateJob): Promise<BatchUpdateResult>;
  /**
   * Copies columns of a table into another one (a backup), keyed by the pagination key, in the same
   * checkpointed batches. Re-running refreshes copied rows instead of duplicating them.
   */
  batchCopy(job: BatchCopyJob): Promise<BatchUpdateResult>;
  /** `count(*)` of a table, optionally with a SQL condition. */
  count(table: string, where?: string): Promise<number>;
  /** A progress line in the migrator's output. */
  log(message: string): void;
}

export interface BatchUpdateJob {
  /** Table name as in the database (Prisma's model name unless `@@map`), resolved through the search_path. */
  table: string;
  /**
   * Column(s) to paginate on: unique or not, but ordered and never NULL; an index starting with them
   * keeps batches short. Several columns (`['tenantId', 'slug']`) page on their row value in that
   * order. Default: the table's primary key (one column or several), else its smallest unique key
   * on NOT NULL columns, else `id`.
   */
  key?: string | string[];
  /** The SQL text after `SET`, e.g. `"locale" = 'en'` or `n = n + 1`. */
  set: string;
  /**
   * SQL condition selecting the rows still to migrate, e.g. `"locale" IS NULL`. Rows that do not
   * match are skipped; make it false for migrated rows so that `validate` and re-runs agree.
   */
  where?: string;
  /** Rows per batch (1..100000, default 5000): the most; see maxBatchMs. */
  batchSize?: number;
  /**
   * Time budget of one batch in ms (default 100): a slower batch makes the next ones smaller, since
   * a write to a row of the running batch waits for its commit. 0 keeps every batch at batchSize.
   */
  maxBatchMs?: number;
  /** Pause between batches, to leave the database room for live traffic (default 0). */
  throttleMs?: number;
  /** Distinguishes several jobs on the same table in one migration (part of the checkpoint name). */
  name?: string;
  /**
   * Lock the batch's rows (`SELECT … FOR UPDATE`) before its UPDATE runs. Needed when `set` reads
   * another table that the application's writes keep in step (a restore from a backup that a
   * trigger updates): an UPDATE that meets a row written after its snapshot re-reads the row but
   * not the other table, and would write the older value over the application's. With the rows
   * locked first, the UPDATE's snapshot is taken after every write to them has committed.
   */
  lockRowsFirst?: boolean;
}

export interface BatchCopyJob {
  /** The table to copy from (resolved through the search_path, like `batchUpdate`). */
  table: string;
  /** Pagination key (one column or several, as for `batchUpdate`), copied too; the target must have a unique index on it. Default: as for `batchUpdate`. */
  key?: string | string[];
  /** Columns to copy besides the key. */
  columns: string[];
  /** The receiving table as SQL, schema-qualified and quoted: `"_forge_backup"."User__email__20250101"`. */
  into: string;
  /** SQL condition selecting the rows to copy (default: all). */
  where?: string;
  /**
   * Leave rows already in `into` as they are instead of refreshing them: when a trigger copies every
   * write there since before the copy started, what it wrote is newer than what a batch read.
   */
  keepExisting?: boolean;
  batchSize?: number;
  maxBatchMs?: number;
  throttleMs?: number;
  /** Distinguishes several jobs on the same table in one migration (part of the checkpoint name). */
  name?: string;
}

export interface BatchUpdateResult {
  /** Rows updated by this run (a resumed run does not count what the interrupted one did). */
  rows: number;
  /** Batches committed by this run. */
  batches: number;
  /** The longest batch transaction, i.e. the longest time row locks were held. */
  longestBatchMs: number;
  /** The checkpoint this run started after (text form of the key), or null for a fresh start. */
  resumedFromKey: string | null;
  seconds: number;
}

/** What a data migration file exports. */
export interface DataMigrationModule {
  up(ctx: DataMigrationContext): Promise<void> | void;
  down(ctx: DataMigrationContext): Promise<void> | void;
  /** True only when every row is in the migrated state. */
  validate(ctx: DataMigrationContext): Promise<boolean> | boolean;
}

/** Loads one data migration module: `() => import('./add_user_locale.js')`. */
export type DataMigrationLoader = () => Promise<DataMigrationModule>;

/** `src/migrations/index.ts`: SQL migration folder name → the data migration that runs right after it. */
export type DataMigrationRegistry = Record<string, DataMigrationLoader>;

/**
 * Status kept in `_forge.data_migrations`, for migrate-status: 'rolling_back' and
 * 'rollback_failed' are a down() running (or killed) and a down() that failed.
 */
export type DataMigrationStatus = 'running' | 'applied' | 'failed' | 'rolling_back' | 'rollback_failed' | 'rolled_back';

export type DataMigrationDirection = 'up' | 'down' | 'validate';
