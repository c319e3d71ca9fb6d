import { createHash } from 'node:crypto';
import type { MigrationList } from '@prisma/schema-engine-wasm';

export const MIGRATION_FILE = 'migration.sql';
export const DOWN_FILE = 'down.sql';
export const LOCK_FILE = 'migration_lock.toml';

/** One folder of `prisma/migrations`, as Prisma sees it plus our `down.sql`. */
export interface MigrationFolder {
  /** Folder name, e.g. `20250101120000_add_user_preferences`. */
  name: string;
  sql: string;
  /** The reverse script, or null when the folder has none (hand-written migrations). */
  downSql: string | null;
  /** sha256 hex of migration.sql: exactly what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
  /** lint-allowances.txt beside migration.sql: migrate-lint exceptions that leave an applied migration.sql untouched. */
  lintAllowances?: string;
}

export interface MigrationsDirectory {
  path: string;
  lockfile: string | null;
  migrations: MigrationFolder[];
}

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** The engine's view of a list of migrations (what `prisma migrate` reads from disk). */
export function toMigrationList(directory: MigrationsDirectory, migrations = directory.migrations): MigrationList {
  return {
    baseDir: directory.path,
    lockfile: { path: LOCK_FILE, content: directory.lockfile },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: MIGRATION_FILE, content: { tag: 'ok', value: m.sql } },
    })),
  };
}
