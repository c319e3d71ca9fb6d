import type { Queryable } from './pg-client';

/**
 * The tool's own bookkeeping lives in the `_forge` schema: Prisma's diff and drift detection only
 * look at the datasource's schemas, so these tables never show up as drift. Backups of dropped
 * data live in `_forge_backup` for the same reason.
 */
export const FORGE_SCHEMA = '_forge';
export const BACKUP_SCHEMA = '_forge_backup';

const DDL = `
CREATE SCHEMA IF NOT EXISTS "${FORGE_SCHEMA}";
CREATE TABLE IF NOT EXISTS "${FORGE_SCHEMA}".data_migrations (
  migration_name text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('running', 'applied', 'failed', 'rolled_back')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows_affected bigint NOT NULL DEFAULT 0,
  last_error text
);
-- Which way the last run went: a 'running' or 'failed' down() is a rollback stopped half-way.
-- Added only when missing, so that a deploy does not take the table's lock each time.
DO $forge$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"${FORGE_SCHEMA}".data_migrations'::regclass AND attname = 'direction') THEN
    ALTER TABLE "${FORGE_SCHEMA}".data_migrations ADD COLUMN direction text NOT NULL DEFAULT 'up' CHECK (direction IN ('up', 'down'));
  END IF;
END $forge$;
CREATE TABLE IF NOT EXISTS "${FORGE_SCHEMA}".batch_checkpoints (
  job text PRIMARY KEY,
  last_key text,
  rows_done bigint NOT NULL DEFAULT 0,
  batches_done integer NOT NULL DEFAULT 0,
  finished boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- A rollback in steps (down.sql with -- forge:step lines) that has started and not finished.
CREATE TABLE IF NOT EXISTS "${FORGE_SCHEMA}".rollback_progress (
  migration_name text PRIMARY KEY,
  steps_done integer NOT NULL,
  steps_total integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One row per table in _forge_backup: which migration parked it and when (migrate-prune's clock).
CREATE TABLE IF NOT EXISTS "${FORGE_SCHEMA}".backups (
  table_name text PRIMARY KEY,
  migration_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL CHECK (source IN ('migrate', 'first seen'))
);
`;

/** Creates the `_forge` schema and its tables when missing (idempotent, safe under concurrency). */
export async function ensureForgeSchema(db: Queryable): Promise<void> {
  // Two processes creating the same schema at once can collide; a transaction-level advisory lock serialises them.
  await db.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('forge:schema')); ${DDL} COMMIT;`);
}
