import { inputError } from '../../errors';
import { PHASES, type Phase } from '../../recipes/phase';
import { migrate, type MigrateResult, type StepResult } from '../../runtime/migrate';
import { formatMs, textTable } from '../../runtime/text-table';
import { withProjectTarget, type ProjectContext } from '../shared/project';
import type { MigrateExecutorSchema } from './schema';

/** Applies pending SQL migrations and their data migrations, in order; prints a table of the steps. */
export async function migrateCommand(project: ProjectContext, options: MigrateExecutorSchema): Promise<boolean> {
  return withProjectTarget(project, options, 'workspace', async (target) => {
    const phase = assertPhase(options.phase);
    const result = await migrate(target, { to: options.to, phase });
    if (result.steps.length === 0 && !result.error) {
      project.logger.info(`Up to date: all ${result.upToDate} migrations applied${result.notAttempted ? ` up to ${options.to} (${result.notAttempted} after it not applied)` : ''}.`);
      if (result.heldBack.length) project.logger.info(heldBackLine(result, project.command('migrate', { phase: 'contract' })));
      return true;
    }
    project.logger.info(
      '\n' +
        textTable(
          ['migration', 'step', 'result', 'time', 'rows', 'lock retries'],
          result.steps.map((s) => [s.migration, STEP_NAMES[s.kind], s.status, formatMs(s.ms), s.rows ?? '', s.retries || '']),
        ),
    );
    if (result.error) {
      const failed = result.steps.at(-1)!.migration;
      project.logger.warn(`Stopped at ${failed}; later migrations were not attempted. \`${project.command('migrate-status')}\` shows the state and the way out.`);
      return false;
    }
    project.logger.info(migrateSummary(result, options.to));
    if (result.heldBack.length) project.logger.info(heldBackLine(result, project.command('migrate', { phase: 'contract' })));
    return true;
  });
}

function assertPhase(phase: unknown): Phase | undefined {
  if (phase === undefined || phase === '') return undefined;
  if (!PHASES.includes(phase as Phase)) throw inputError(`Invalid --phase ${JSON.stringify(phase)}: expected expand (before the rollout) or contract (after it).`);
  return phase as Phase;
}

/** After `--phase expand`: what waits for the rollout, and the command that applies it afterwards. */
export function heldBackLine(result: MigrateResult, contractCommand: string): string {
  return (
    `Contract pending: ${result.heldBack.length} migration(s) held back from ${result.heldBack[0]} on (the previous application version breaks after it). ` +
    `Deploy the new application version everywhere first, then run \`${contractCommand}\`.`
  );
}

const STEP_NAMES: Record<StepResult['kind'], string> = { sql: 'sql', data: 'data', index: 'rebuild index' };

/**
 * One line that adds up to the folders on disk: applied now + already applied + data migrations
 * finished for migrations applied earlier + folders after --to.
 */
export function migrateSummary(result: MigrateResult, to?: string): string {
  const sql = new Set(result.steps.filter((s) => s.kind === 'sql').map((s) => s.migration));
  const dataOnly = new Set(result.steps.filter((s) => s.kind === 'data' && !sql.has(s.migration)).map((s) => s.migration)).size;
  const rebuilt = result.steps.filter((s) => s.kind === 'index').length;
  return (
    `Applied ${sql.size} migration(s); ${result.upToDate} were already applied` +
    (dataOnly ? `; finished the data migration of ${dataOnly} applied earlier` : '') +
    (result.notAttempted ? `; ${result.notAttempted} after ${to} not applied (--to)` : '') +
    (rebuilt ? `; rebuilt ${rebuilt} INVALID index(es)` : '') +
    '.'
  );
}
