import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationChecksum, type MigrationFolder, type MigrationsDirectory } from '../engine/migrations';
import { silentLogger, type RuntimeLogger } from '../runtime/logger';
import { noDataMigrations, type DataMigrationRunner, type ProjectTarget } from '../runtime/project-target';
import { SAMPLE_PROJECT_DIR } from './sample-tree';

export const BASELINE = '20250101000000_baseline';

export function migrationFolder(name: string, sql: string, downSql: string | null = null): MigrationFolder {
  return { name, sql, downSql, checksum: migrationChecksum(sql) };
}

/** The sample project's baseline followed by `extra` migrations, as an in-memory migrations directory. */
export function sampleDirectory(...extra: MigrationFolder[]): MigrationsDirectory {
  const dir = join(SAMPLE_PROJECT_DIR, 'prisma/migrations');
  const baseline = migrationFolder(
    BASELINE,
    readFileSync(join(dir, BASELINE, 'migration.sql'), 'utf8'),
    readFileSync(join(dir, BASELINE, 'down.sql'), 'utf8'),
  );
  return { path: dir, lockfile: readFileSync(join(dir, 'migration_lock.toml'), 'utf8'), migrations: [baseline, ...extra] };
}

/** A logger that keeps what it was told, for assertions on progress and warnings. */
export function collectingLogger(): RuntimeLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

export function projectTarget(url: string, directory: MigrationsDirectory, overrides: Partial<ProjectTarget> = {}): ProjectTarget {
  const dataMigrations: DataMigrationRunner = noDataMigrations;
  return { url, directory, dataMigrations, logger: silentLogger, retryDelayMs: 50, ...overrides };
}
