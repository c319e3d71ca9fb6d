import { posix } from 'node:path';
import { DOWN_FILE, LOCK_FILE, MIGRATION_FILE, migrationChecksum, type MigrationFolder, type MigrationsDirectory } from '../engine/migrations';
import { ALLOWANCES_FILE } from '../analysis/lint/allowance-file';
import { inputError } from '../errors';
import type { FileView } from './file-view';

/** Reads a migrations directory the way Prisma does: sub-folders in name order, each with migration.sql. */
export function readMigrationsDirectory(view: FileView, path: string): MigrationsDirectory {
  if (!view.isDirectory(path)) return { path, lockfile: null, migrations: [] };
  const names = view
    .children(path)
    .filter((name) => view.isDirectory(posix.join(path, name)))
    .sort();
  const migrations = names.map((name): MigrationFolder => {
    const file = posix.join(path, name, MIGRATION_FILE);
    if (!view.isFile(file)) {
      throw inputError(`Migration folder ${name} has no ${MIGRATION_FILE}. Remove the folder or add the file.`);
    }
    const sql = view.read(file);
    const downFile = posix.join(path, name, DOWN_FILE);
    const allowancesFile = posix.join(path, name, ALLOWANCES_FILE);
    const folder: MigrationFolder = { name, sql, downSql: view.isFile(downFile) ? view.read(downFile) : null, checksum: migrationChecksum(sql) };
    return view.isFile(allowancesFile) ? { ...folder, lintAllowances: view.read(allowancesFile) } : folder;
  });
  const lockPath = posix.join(path, LOCK_FILE);
  return { path, lockfile: view.isFile(lockPath) ? view.read(lockPath) : null, migrations };
}
