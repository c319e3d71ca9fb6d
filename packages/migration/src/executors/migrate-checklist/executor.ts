import type { ExecutorContext } from '@nx/devkit';
import { inputError } from '../../errors';
import { parseDuration } from '../../runtime/backups/duration';
import { renderChecklist } from '../../runtime/checklist/render';
import { runChecklist } from '../../runtime/checklist/run-checklist';
import { readProjectContext, runExecutor, withProjectTarget, urlsOf } from '../shared/project-context';
import type { MigrateChecklistExecutorSchema } from './schema';

const PHASES = ['before', 'after', 'both'];

/** `nx run prisma:migrate-checklist`: the deploy checklist; non-zero when a required item fails. */
export default async function migrateChecklistExecutor(options: MigrateChecklistExecutorSchema, context: ExecutorContext) {
  return runExecutor(async () => {
    const phase = options.phase ?? 'both';
    if (!PHASES.includes(phase)) throw inputError(`--phase must be one of ${PHASES.join(', ')} (got "${phase}").`);
    const retentionMs = parseDuration(options.retention ?? '24h', '--retention');
    const backupEvidenceMaxAgeMs = parseDuration(options.backupEvidenceMaxAge ?? '24h', '--backupEvidenceMaxAge');
    const project = readProjectContext(context);
    return withProjectTarget(project, options, 'workspace', async (target) => {
      const report = await runChecklist({
        projectName: project.projectName,
        workspaceRoot: project.workspaceRoot,
        layout: project.layout,
        directory: project.directory,
        url: target.url,
        dataMigrations: target.dataMigrations,
        phase,
        window: options.window,
        backupCommand: options.backupCommand,
        backupEvidence: options.backupEvidence,
        backupEvidenceMaxAgeMs,
        healthCheck: options.healthCheck,
        retentionMs,
        commandTimeoutMs: (options.commandTimeoutSeconds ?? 3600) * 1000,
      });
      if (options.format === 'json') console.log(JSON.stringify(report, null, 2));
      else project.logger.info(renderChecklist(report));
      return report.ok;
    });
  }, urlsOf(options));
}
