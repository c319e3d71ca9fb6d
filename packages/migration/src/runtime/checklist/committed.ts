import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { PrismaProjectLayout } from '../../workspace/prisma-project';
import { defineItem, type ChecklistItem, type ChecklistState } from './types';

export const committedItem = defineItem('committed', 'Schema changes reviewed (committed)', 'before', true);

/** The files a schema change consists of: the schema, the SQL migrations, the data migrations, prisma.config.ts. */
function schemaChangePaths(layout: PrismaProjectLayout, workspaceRoot: string): string[] {
  const schemaDir = layout.schemaPath.endsWith('.prisma') ? posix.dirname(layout.schemaPath) : layout.schemaPath;
  const paths = [schemaDir, layout.migrationsDir, layout.dataMigrationsDir, layout.configFile].filter((p): p is string => !!p);
  return [...new Set(paths)].filter((p) => existsSync(join(workspaceRoot, p)));
}

/**
 * Reviewed means committed: a change that is still only in the working tree was not reviewed (or
 * is not what was reviewed). `git status` over the project's schema and migrations must be clean,
 * untracked files included.
 */
export function checkCommitted(state: ChecklistState): ChecklistItem {
  const { workspaceRoot, layout } = state.input;
  const git = (args: string[]) => spawnSync('git', args, { cwd: workspaceRoot, encoding: 'utf8' });
  const inside = git(['rev-parse', '--is-inside-work-tree']);
  if (inside.error) return committedItem.result('fail', `git is not available (${inside.error.message}); the review of schema changes is proven by commits. Install git.`);
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') {
    return committedItem.result('fail', `${workspaceRoot} is not a git repository, so nothing shows the schema changes were reviewed. Commit them in a repository (git init, review, commit).`);
  }
  const paths = schemaChangePaths(layout, workspaceRoot);
  const status = git(['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
  if (status.status !== 0) return committedItem.result('fail', `git status failed: ${status.stderr.trim()}`);
  const changes = status.stdout.split('\n').filter(Boolean);
  if (changes.length) {
    const shown = changes.slice(0, 10).map((l) => `  ${l}`);
    const more = changes.length > 10 ? [`  … and ${changes.length - 10} more`] : [];
    return committedItem.result('fail', [`${changes.length} uncommitted change(s) under ${paths.join(', ')}:`, ...shown, ...more, 'Commit them (after review) before migrating.'].join('\n'));
  }
  const head = git(['rev-parse', '--short', 'HEAD']).stdout.trim();
  return committedItem.result('pass', `no uncommitted change under ${paths.join(', ')}${head ? ` (HEAD ${head})` : ''}`);
}
