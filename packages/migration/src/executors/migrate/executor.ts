import type { ExecutorContext } from '@nx/devkit';
import { migrate } from '../../runtime/migrate';
import { formatMs, textTable } from '../../runtime/text-table';
import { readProjectContext, runExecutor, withProjectTarget } from '../shared/project-context';
import type { MigrateExecutorSchema } from './schema';

/** `nx run prisma:migrate`: apply pending SQL migrations and their data migrations, in order. */
export default async function migrateExecutor(options: MigrateExecutorSchema, context: ExecutorContext) {
  return runExecutor(async () => {
    const project = readProjectContext(context);
    return withProjectTarget(project, options, 'workspace', async (target) => {
      const result = await migrate(target, { to: options.to });
      if (result.steps.length === 0 && !result.error) {
        project.logger.info(`Up to date: all ${result.upToDate} migrations applied.`);
        return true;
      }
      project.logger.info(
        '\n' +
          textTable(
            ['migration', 'step', 'result', 'time', 'rows', 'lock retries'],
            result.steps.map((s) => [s.migration, s.kind, s.status, formatMs(s.ms), s.rows ?? '', s.retries || '']),
          ),
      );
      if (result.error) {
        const failed = result.steps.at(-1)!.migration;
        project.logger.warn(`Stopped at ${failed}; later migrations were not attempted. \`nx run ${project.projectName}:migrate-status\` shows the state.`);
        return false;
      }
      project.logger.info(`Applied ${result.steps.filter((s) => s.kind === 'sql').length} migration(s); ${result.upToDate} were already applied.`);
      return true;
    });
  }, [options.databaseUrl]);
}
