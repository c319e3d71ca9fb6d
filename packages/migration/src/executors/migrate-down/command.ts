import { migrateDown, rollbackCount } from '../../runtime/migrate-down';
import { formatMs, textTable } from '../../runtime/text-table';
import { withProjectTarget, type ProjectContext } from '../shared/project';
import type { MigrateDownExecutorSchema } from './schema';

/** Rolls back the last applied migration(s), data first; prints a table of what was rolled back. */
export async function migrateDownCommand(project: ProjectContext, options: MigrateDownExecutorSchema): Promise<boolean> {
  const count = rollbackCount(options.count); // before connecting: a bad --count needs no database
  return withProjectTarget(project, options, 'workspace', async (target) => {
    const result = await migrateDown(target, count);
    if (result.rolledBack.length) {
      project.logger.info(
        '\n' +
          textTable(
            ['migration', 'data down', 'down.sql', 'total'],
            result.rolledBack.map((r) => [r.migration, formatMs(r.dataMs), formatMs(r.sqlMs), formatMs(r.dataMs + r.sqlMs)]),
          ),
      );
    }
    if (result.error) return false;
    project.logger.info(`Rolled back ${result.rolledBack.length} migration(s); \`${project.command('migrate')}\` applies them again.`);
    return true;
  });
}
