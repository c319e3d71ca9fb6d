import { migrate } from '../../runtime/migrate';
import { formatMs, textTable } from '../../runtime/text-table';
import { withProjectTarget, type ProjectContext } from '../shared/project';
import type { MigrateExecutorSchema } from './schema';

/** Applies pending SQL migrations and their data migrations, in order; prints a table of the steps. */
export async function migrateCommand(project: ProjectContext, options: MigrateExecutorSchema): Promise<boolean> {
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
      project.logger.warn(`Stopped at ${failed}; later migrations were not attempted. \`${project.command('migrate-status')}\` shows the state.`);
      return false;
    }
    project.logger.info(`Applied ${result.steps.filter((s) => s.kind === 'sql').length} migration(s); ${result.upToDate} were already applied.`);
    return true;
  });
}
