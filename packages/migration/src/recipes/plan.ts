import type { PgMajor } from '../engine/postgres-releases';
import type { Phase } from './phase';

/** One migration folder a recipe asks for: its name (after the timestamp) and both scripts. */
export interface PlannedMigration {
  name: string;
  up: string;
  down: string;
  /** A TypeScript data migration that runs right after this migration's SQL (backfill, backup, …). */
  dataMigration?: PlannedDataMigration;
  /**
   * Which side of a rolling deploy it belongs to (phase.ts): expand when the previous application
   * version keeps working after it, contract when it needs that version gone. Unset means expand.
   */
  phase?: Phase;
  /** What the previous application version can and cannot do once this ran, for report.md. */
  previousVersion?: string;
}

/** A data migration a recipe asks for; the generator writes it to src/migrations/{name}.ts. */
export interface PlannedDataMigration {
  /** snake_case file name (usually the migration name). */
  name: string;
  model: string;
  description: string;
  estimatedDuration: string;
  /** TypeScript bodies of up, down and validate; each has `ctx: DataMigrationContext` in scope. */
  body: { up: string; down: string; validate: string };
}

/** What a recipe makes of a change: the migrations in order, and what it did and why. */
export interface MigrationPlan {
  migrations: PlannedMigration[];
  notes: string[];
}

export interface RecipeOptions {
  /** snake_case base name of the migration folders. */
  migrationName: string;
  /** `lock_timeout` set at the top of every transactional migration, e.g. "5s". */
  lockTimeout: string;
  /** Rows per batch of generated data migrations (default 5000). */
  batchSize?: number;
  /** The PostgreSQL major the migrations are generated for (default 15): recipes use what it offers. */
  pgVersion?: PgMajor;
}

export const DEFAULT_LOCK_TIMEOUT = '5s';

/** A recipe found Prisma's SQL in a shape it does not know how to make safe; never guess. */
export class UnexpectedDiffError extends Error {
  constructor(change: string, sql: string) {
    super(
      `Prisma's diff for ${change} has an unexpected shape, so no safe migration was written. ` +
        `Please report it with the schema change. Prisma's SQL was:\n${sql}`,
    );
    this.name = 'UnexpectedDiffError';
  }
}
