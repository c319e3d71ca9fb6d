import { inputError } from '../../errors';
import { resolveMigration } from '../../runtime/resolve';
import { withProjectTarget, type ProjectContext } from '../shared/project';
import type { MigrateResolveExecutorSchema } from './schema';

/** Records a failed migration rolled back, or a migration applied; says what to run next. */
export async function migrateResolveCommand(project: ProjectContext, options: MigrateResolveExecutorSchema): Promise<boolean> {
  // Checked before connecting, with the options named as this command line names them.
  if ([options.rolledBack, options.applied].filter(Boolean).length !== 1) {
    throw inputError(
      `Give exactly one migration: \`${project.command('migrate-resolve', { rolledBack: 'NAME' })}\` for a failed migration whose changes are not in the database, ` +
        `or \`${project.command('migrate-resolve', { applied: 'NAME' })}\` for one whose changes are. \`${project.command('migrate-status')}\` lists the failed ones.`,
    );
  }
  return withProjectTarget(project, options, 'workspace', async (target) => {
    const result = await resolveMigration(target, { rolledBack: options.rolledBack, applied: options.applied });
    project.logger.info(
      result.recorded === 'rolled back'
        ? `Next: fix ${result.migration}'s migration.sql if needed, then \`${project.command('migrate')}\` applies it again.`
        : `\`${project.command('migrate-status')}\` shows the state; \`${project.command('migrate')}\` applies what follows.`,
    );
    return true;
  });
}
