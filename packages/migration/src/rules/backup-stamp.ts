import type { Tree } from '@nx/devkit';

/**
 * The timestamp (YYYYMMDDHHMMSS, UTC) that the first migration folder of the change about to be
 * written gets, by the same rule as writeMigrationFolders: now, but always after the newest
 * existing folder. Backup names carry it, so each removal's backup has a name of its own.
 */
export function nextMigrationStamp(tree: Tree, migrationsDir: string, now = new Date()): string {
  const newest = (tree.exists(migrationsDir) ? tree.children(migrationsDir) : [])
    .map((name) => /^(\d{14})_/.exec(name)?.[1])
    .filter((s): s is string => !!s)
    .map(parseStamp)
    .reduce((a, b) => Math.max(a, b), 0);
  const seconds = Math.max(Math.floor(now.getTime() / 1000), newest + 1);
  return new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseStamp(stamp: string): number {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(stamp.slice(at, at + (i === 0 ? 4 : 2))));
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}
