import { BACKUP_SCHEMA, ensureForgeSchema, FORGE_SCHEMA } from '../forge-schema';
import type { RuntimeLogger } from '../logger';
import { withClient, type Queryable } from '../pg-client';
import { mentionsName } from './backup-references';

/**
 * The backup registry, `_forge.backups`: when each table in `_forge_backup` was parked and by
 * which migration. migrate-prune's retention counts from that time, so the time must never be
 * older than the truth: a table nobody registered (a deploy by the stock Prisma CLI, a table made
 * by hand) is registered when first seen, with the time it was first seen.
 */
export interface BackupRecord {
  table: string;
  /** The migration that created or parked it; null when first seen outside `migrate`. */
  migration: string | null;
  createdAt: Date;
  source: 'migrate' | 'first seen';
}

/** A registered backup with what the catalog says about it. */
export interface BackupInfo extends BackupRecord {
  ageMs: number;
  /** pg_class.reltuples (-1 → never analyzed: counted). */
  rows: number;
  /** Table, indexes and TOAST. */
  bytes: number;
  /** Enum types in `_forge_backup` its columns use: parked with it, dropped with it. */
  enums: string[];
  /** Sequences in `_forge_backup` it owns or its defaults use: parked with it, dropped with it. */
  sequences: string[];
  /** Other backups a foreign key links it to (a parked table and its join table): pruned together or not at all. */
  linkedTo: string[];
}

/** A migration as the registry needs it: its name and up script. */
export interface MigrationScript {
  name: string;
  sql: string;
}

const REGISTRY = `"${FORGE_SCHEMA}".backups`;
const BACKUP_TABLES = `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = to_regnamespace('${BACKUP_SCHEMA}') AND c.relkind IN ('r', 'p')`;

/**
 * After `migration` was applied: every backup table not registered yet, and every one its script
 * names (a table parked again after a rollback keeps its name; its clock starts again), is
 * registered to it, now. Returns the tables registered.
 */
async function registerBackupsOf(db: Queryable, migration: MigrationScript): Promise<string[]> {
  if (!(await backupSchemaExists(db))) return [];
  await ensureForgeSchema(db);
  await forgetVanished(db);
  const tables = (await db.query<{ name: string }>(BACKUP_TABLES)).rows.map((r) => r.name);
  const named = tables.filter((t) => mentionsName(migration.sql, t));
  const { rows } = await db.query<{ table_name: string }>(
    `INSERT INTO ${REGISTRY} AS b (table_name, migration_name, created_at, source)
     SELECT t, $1, now(), 'migrate' FROM unnest($2::text[]) AS t
      WHERE t = ANY ($3::text[]) OR NOT EXISTS (SELECT 1 FROM ${REGISTRY} r WHERE r.table_name = t)
     ON CONFLICT (table_name) DO UPDATE SET migration_name = EXCLUDED.migration_name, created_at = EXCLUDED.created_at, source = EXCLUDED.source
     RETURNING b.table_name`,
    [migration.name, tables, named],
  );
  return rows.map((r) => r.table_name).sort();
}

/**
 * The one call `migrate` makes after each SQL migration. Only a script that names `_forge_backup`
 * can have put a table there (so the others cost no connection, and no table is credited to a
 * migration that did not make it). A failure here must not fail a migration that is already
 * applied: it is reported, and the tables are registered when first seen.
 */
export async function registerBackupsAfterMigration(url: string, migration: MigrationScript, logger: RuntimeLogger): Promise<void> {
  if (!migration.sql.includes(BACKUP_SCHEMA)) return;
  try {
    const registered = await withClient(url, (db) => registerBackupsOf(db, migration));
    if (registered.length) logger.info(`  backup${registered.length > 1 ? 's' : ''} registered: ${registered.map((t) => `${BACKUP_SCHEMA}.${t}`).join(', ')}`);
  } catch (error) {
    logger.warn(`Could not register the backups of ${migration.name} in ${REGISTRY} (${(error as Error).message}); migrate-prune will register them when it first sees them.`);
  }
}

/**
 * Brings the registry in line with `_forge_backup`: rows of tables that are gone (a rollback moved
 * or dropped them) are forgotten; tables nobody registered are registered now, "first seen", to
 * the newest of `applied` whose script names them when there is one. False when there is no
 * registry (and no backup schema, so none is needed).
 */
async function syncBackupRegistry(db: Queryable, applied: MigrationScript[] = []): Promise<boolean> {
  if (!(await backupSchemaExists(db)) && !(await registryExists(db))) return false;
  await ensureForgeSchema(db);
  await forgetVanished(db);
  const { rows } = await db.query<{ name: string }>(`${BACKUP_TABLES} AND NOT EXISTS (SELECT 1 FROM ${REGISTRY} r WHERE r.table_name = c.relname)`);
  for (const { name } of rows) {
    const migration = [...applied].reverse().find((m) => mentionsName(m.sql, name))?.name ?? null;
    await db.query(`INSERT INTO ${REGISTRY} (table_name, migration_name, created_at, source) VALUES ($1, $2, now(), 'first seen') ON CONFLICT DO NOTHING`, [name, migration]);
  }
  return true;
}

/** Every backup table, registered first (see syncBackupRegistry), oldest first. */
export async function listBackups(db: Queryable, options: { applied?: MigrationScript[]; now?: Date } = {}): Promise<BackupInfo[]> {
  if (!(await syncBackupRegistry(db, options.applied))) return [];
  const now = options.now ?? new Date();
  const { rows } = await db.query<{
    table_name: string;
    migration_name: string | null;
    created_at: Date;
    source: BackupRecord['source'];
    reltuples: string;
    bytes: string;
    enums: string[];
    sequences: string[];
    linked: string[];
  }>(
    `SELECT b.table_name, b.migration_name, b.created_at, b.source, c.reltuples, pg_total_relation_size(c.oid) AS bytes,
            ARRAY(SELECT DISTINCT t.typname::text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid OR t.typarray = a.atttypid
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'e' AND t.typnamespace = c.relnamespace
                   ORDER BY 1) AS enums,
            ARRAY(SELECT DISTINCT s.relname::text FROM pg_class s
                   WHERE s.relkind = 'S' AND s.relnamespace = c.relnamespace AND (
                         EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid
                                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.deptype IN ('a', 'i'))
                      OR EXISTS (SELECT 1 FROM pg_attrdef ad JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                                  WHERE ad.adrelid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid = s.oid))
                   ORDER BY 1) AS sequences,
            ARRAY(SELECT DISTINCT o.relname::text FROM pg_constraint k JOIN pg_class o ON o.oid IN (k.conrelid, k.confrelid)
                   WHERE k.contype = 'f' AND c.oid IN (k.conrelid, k.confrelid) AND o.oid <> c.oid AND o.relnamespace = c.relnamespace
                   ORDER BY 1) AS linked
       FROM ${REGISTRY} b JOIN pg_class c ON c.relname = b.table_name AND c.relnamespace = to_regnamespace('${BACKUP_SCHEMA}') AND c.relkind IN ('r', 'p')
      ORDER BY b.created_at, b.table_name`,
  );
  const backups: BackupInfo[] = [];
  for (const row of rows) {
    const estimate = Number(row.reltuples) >= 0 ? Math.round(Number(row.reltuples)) : await countRows(db, row.table_name);
    backups.push({
      table: row.table_name,
      migration: row.migration_name,
      createdAt: row.created_at,
      source: row.source,
      ageMs: now.getTime() - row.created_at.getTime(),
      rows: estimate,
      bytes: Number(row.bytes),
      enums: row.enums,
      sequences: row.sequences,
      linkedTo: row.linked,
    });
  }
  return backups;
}

/** Objects (relations or types) of `_forge_backup` among `names` that exist. */
export async function existingBackupObjects(db: Queryable, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname::text AS name FROM pg_class c WHERE c.relnamespace = to_regnamespace($1) AND c.relname = ANY ($2::text[])
     UNION SELECT t.typname::text FROM pg_type t WHERE t.typnamespace = to_regnamespace($1) AND t.typname = ANY ($2::text[])`,
    [BACKUP_SCHEMA, names],
  );
  return new Set(rows.map((r) => r.name));
}

async function forgetVanished(db: Queryable): Promise<void> {
  await db.query(
    `DELETE FROM ${REGISTRY} b WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = b.table_name AND c.relnamespace = to_regnamespace('${BACKUP_SCHEMA}') AND c.relkind IN ('r', 'p'))`,
  );
}

async function backupSchemaExists(db: Queryable): Promise<boolean> {
  return (await db.query<{ exists: boolean }>(`SELECT to_regnamespace('${BACKUP_SCHEMA}') IS NOT NULL AS exists`)).rows[0].exists;
}

async function registryExists(db: Queryable): Promise<boolean> {
  return (await db.query<{ exists: boolean }>(`SELECT to_regclass('${REGISTRY}') IS NOT NULL AS exists`)).rows[0].exists;
}

async function countRows(db: Queryable, table: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${BACKUP_SCHEMA}"."${table.replace(/"/g, '""')}"`);
  return Number(rows[0].n);
}
