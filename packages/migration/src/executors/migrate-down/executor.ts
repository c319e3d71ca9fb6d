import type { ExecutorContext } from '@nx/devkit';
import { migrateDown, rollbackCount } from '../../runtime/migrate-down';
import { formatMs, textTable } from '../../runtime/text-table';
import { readProjectContext, runExecutor, withProjectTarget } from '../shared/project-context';
import type { MigrateDownExecutorSchema } from './schema';

/** `nx run prisma:migrate-down [--count N]`: roll back the last applied migration(s), data first. */
export default async function migrateDownExecutor(options: MigrateDownExecutorSchema, context: ExecutorContext) {
  return runExecutor(async () => {
    const project = readProjectContext(context);
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
      project.logger.info(`Rolled back ${result.rolledBack.length} migration(s); \`nx run ${project.projectName}:migrate\` applies them again.`);
      return true;
    });
  }, [options.databaseUrl]);
}
