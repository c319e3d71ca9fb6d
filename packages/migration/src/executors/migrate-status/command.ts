import { migrationStatus, type StatusReport } from '../../runtime/status';
import { textTable } from '../../runtime/text-table';
import { withProjectTarget, type ProjectContext } from '../shared/project';
import type { MigrateStatusExecutorSchema } from './schema';

/** Prints the status (table or JSON); false on a failed migration or drift, for pipelines. */
export async function migrateStatusCommand(project: ProjectContext, options: MigrateStatusExecutorSchema): Promise<boolean> {
  return withProjectTarget(project, options, 'workspace', async (target) => {
    const report = await migrationStatus(target, project.schemaFiles);
    if (options.format === 'json') console.log(JSON.stringify(report, null, 2));
    else project.logger.info(renderStatus(report));
    return !report.unhealthy;
  });
}

export function renderStatus(report: StatusReport): string {
  const table = textTable(
    ['migration', 'state', 'applied at', 'down.sql', 'data migration'],
    report.rows.map((r) => [r.name, r.state, r.appliedAt?.toISOString() ?? '', r.hasDown ? 'yes' : 'MISSING', r.data ?? '']),
  );
  const counts = ['applied', 'pending', 'failed', 'edited after apply'].map((state) => `${report.rows.filter((r) => r.state === state).length} ${state}`);
  const drift = report.drift.checked
    ? report.drift.sql
      ? `DRIFT: the database differs from schema.prisma; to match it, it would need:\n${report.drift.sql}`
      : 'No drift: the database matches schema.prisma.'
    : `Drift not checked: ${report.drift.reason}.`;
  const unknown = report.unknownApplied.length ? `\nApplied in the database but missing on disk: ${report.unknownApplied.join(', ')}` : '';
  const unfinished = report.unfinishedData.length
    ? `\nApplied without their data migration completing: ${report.unfinishedData.join(', ')}. Run migrate to finish (it resumes from the last checkpoint).`
    : '';
  const rollbacks = report.interruptedRollbacks
    .map(
      (r) =>
        `\nROLLBACK INTERRUPTED: ${r.migration} was rolled back up to step ${r.stepsDone} of ${r.stepsTotal} (last step committed ${r.updatedAt.toISOString()}); ` +
        `it is still listed as applied. Run migrate-down (nx run <project>:migrate-down) to finish it: it continues at step ${r.stepsDone + 1}.`,
    )
    .join('');
  return `\n${table}\n\n${counts.join(', ')}${unknown}${unfinished}${rollbacks}\n${drift}`;
}
