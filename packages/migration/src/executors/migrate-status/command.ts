import { migrationStatus, type StatusReport } from '../../runtime/status';
import type { StatusAdvice, StatusFix } from '../../runtime/status-advice';
import { textTable } from '../../runtime/text-table';
import { commandOptions, withProjectTarget, type CommandLine, type ProjectContext } from '../shared/project';
import type { MigrateStatusExecutorSchema } from './schema';

/** Prints the status (table or JSON) with the command out of each problem; false when unhealthy, for pipelines. */
export async function migrateStatusCommand(project: ProjectContext, options: MigrateStatusExecutorSchema): Promise<boolean> {
  return withProjectTarget(project, options, 'workspace', async (target) => {
    const report = await migrationStatus(target, project.schemaFiles);
    if (options.format === 'json') console.log(JSON.stringify(statusForMachines(report, project.command), null, 2));
    else project.logger.info(renderStatus(report, project.command));
    return !report.unhealthy;
  });
}

export function renderStatus(report: StatusReport, command: CommandLine = (target, options) => `${target}${commandOptions(options)}`): string {
  const table = textTable(
    ['migration', 'phase', 'state', 'applied at', 'down.sql', 'data migration'],
    report.rows.map((r) => [r.name, r.phase, r.state, r.appliedAt?.toISOString() ?? '', r.hasDown ? 'yes' : 'MISSING', r.data ?? '']),
  );
  return `\n${table}\n\n${countsLine(report)}\n${renderPhase(report, command)}${renderAdvice(report.advice, command)}${renderDrift(report)}`;
}

/**
 * Where the database stands in a rolling deploy: expand migrations pending (run them before the
 * rollout), or only contract ones from the first pending on (the rollout must finish first).
 */
export function renderPhase(report: StatusReport, command: CommandLine): string {
  const pending = report.rows.filter((r) => r.state === 'pending');
  const firstContract = pending.findIndex((r) => r.phase === 'contract');
  if (firstContract < 0) return '';
  const expand = pending.slice(0, firstContract);
  const contract = pending.slice(firstContract);
  const lines = [
    expand.length
      ? `Phase: ${expand.length} expand migration(s) pending before the first contract one: \`${command('migrate', { phase: 'expand' })}\` applies them (the previous application version keeps working).`
      : 'Phase: expanded.',
    `Contract pending: deploy the new application version everywhere first, then \`${command('migrate', { phase: 'contract' })}\` (${contract.map((r) => r.name).join(', ')}).`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A fix as `--format json` prints it: a target's fix also carries the command line that runs it here. */
export type MachineStatusFix = Extract<StatusFix, { sql: string }> | (Extract<StatusFix, { target: string }> & { command: string });

/** For JSON readers (`--format json`): each fix also as the command line that runs it here. */
export function statusForMachines(report: StatusReport, command: CommandLine): Omit<StatusReport, 'advice'> & { advice: (Omit<StatusAdvice, 'fixes'> & { fixes: MachineStatusFix[] })[] } {
  const advice = report.advice.map((a) => ({ ...a, fixes: a.fixes.map((f): MachineStatusFix => ('sql' in f ? f : { ...f, command: command(f.target, f.options) })) }));
  return { ...report, advice };
}

/** The counts under the table, each the number of rows the table shows in that state. */
function countsLine(report: StatusReport): string {
  const count = (test: (row: StatusReport['rows'][number]) => boolean) => report.rows.filter(test).length;
  const counts = [
    `${count((r) => r.state === 'applied')} applied`,
    `${count((r) => r.state === 'pending')} pending`,
    // A failed data migration fails its row too: the count matches what the table shows.
    `${count((r) => r.state === 'failed' || r.data === 'failed' || r.data === 'rollback_failed')} failed`,
    `${count((r) => r.state === 'edited after apply')} edited after apply`,
  ];
  const interrupted = count((r) => r.data === 'interrupted' || r.data === 'rollback interrupted');
  return [...counts, ...(interrupted ? [`${interrupted} interrupted`] : [])].join(', ');
}

function renderAdvice(advice: StatusAdvice[], command: CommandLine): string {
  return advice
    .map((a) => `✗ ${a.problem}\n${a.fixes.map((f) => `  → ${'sql' in f ? f.sql : `\`${command(f.target, f.options)}\``} ${f.does}`).join('\n')}\n`)
    .join('');
}

function renderDrift(report: StatusReport): string {
  if (!report.drift.checked) return `Drift not checked: ${report.drift.reason}.`;
  return report.drift.sql ? `DRIFT: the database differs from schema.prisma; to match it, it would need:\n${report.drift.sql}` : 'No drift: the database matches schema.prisma.';
}
