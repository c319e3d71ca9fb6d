import type { ExecutorContext } from '@nx/devkit';
import { formatDuration, parseDuration } from '../../runtime/backups/duration';
import { pruneBackups, type PruneResult } from '../../runtime/backups/prune';
import { BACKUP_SCHEMA } from '../../runtime/forge-schema';
import { textTable } from '../../runtime/text-table';
import { readProjectContext, runExecutor, withProjectTarget, urlsOf } from '../shared/project-context';
import type { MigratePruneExecutorSchema } from './schema';

/** `nx run prisma:migrate-prune`: drop backups older than the retention, never younger ones. */
export default async function migratePruneExecutor(options: MigratePruneExecutorSchema, context: ExecutorContext) {
  return runExecutor(async () => {
    const retentionMs = parseDuration(options.retention ?? '24h', '--retention');
    const project = readProjectContext(context);
    return withProjectTarget(project, options, 'workspace', async (target) => {
      const result = await pruneBackups(target.url, project.directory, project.logger, {
        retentionMs,
        dryRun: options.dryRun,
        force: options.force,
        lockTimeout: target.lockTimeout,
      });
      if (options.format === 'json') console.log(JSON.stringify(pruneJson(result, retentionMs, !!options.dryRun), null, 2));
      else project.logger.info(renderPrune(result, retentionMs, !!options.dryRun));
      return result.outcomes.every((o) => !o.error);
    });
  }, urlsOf(options));
}

function renderPrune(result: PruneResult, retentionMs: number, dryRun: boolean): string {
  if (!result.decisions.length) return `No backup in ${BACKUP_SCHEMA}.`;
  const failed = new Map(result.outcomes.filter((o) => o.error).flatMap((o) => o.tables.map((t) => [t, o.error!] as const)));
  const verdict = (table: string, action: string) => (action === 'keep' ? 'keep' : dryRun ? 'would drop' : failed.has(table) ? 'FAILED' : 'dropped');
  const table = textTable(
    ['backup', 'migration', 'registered', 'age', 'rows', 'with it', 'verdict', 'why'],
    result.decisions.map((d) => [
      `${BACKUP_SCHEMA}.${d.backup.table}`,
      d.backup.migration ?? '(first seen)',
      d.backup.createdAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      formatDuration(d.backup.ageMs),
      d.backup.rows.toLocaleString('en-US'),
      [...d.backup.enums.map((e) => `enum ${e}`), ...d.backup.sequences.map((s) => `sequence ${s}`)].join(', '),
      verdict(d.backup.table, d.action),
      d.reason,
    ]),
  );
  const errors = [...failed].map(([t, e]) => `✗ ${BACKUP_SCHEMA}.${t} was not dropped: ${e}`);
  const kept = result.outcomes.flatMap((o) => o.kept).map((k) => `${BACKUP_SCHEMA}.${k} stays: something else still uses it.`);
  const drops = result.decisions.filter((d) => d.action === 'drop').length;
  const summary = dryRun
    ? `Dry run (retention ${formatDuration(retentionMs)}): ${drops} backup(s) would be dropped; nothing was changed.`
    : `Retention ${formatDuration(retentionMs)}: ${drops - failed.size} backup(s) dropped, ${result.decisions.length - drops} kept.`;
  return ['', table, ...errors, ...kept, '', summary].join('\n');
}

function pruneJson(result: PruneResult, retentionMs: number, dryRun: boolean) {
  return {
    retentionMs,
    dryRun,
    backups: result.decisions.map((d) => ({
      table: `${BACKUP_SCHEMA}.${d.backup.table}`,
      migration: d.backup.migration,
      createdAt: d.backup.createdAt,
      source: d.backup.source,
      rows: d.backup.rows,
      bytes: d.backup.bytes,
      enums: d.backup.enums,
      sequences: d.backup.sequences,
      neededBy: d.neededBy,
      action: d.action,
      reason: d.reason,
    })),
    outcomes: result.outcomes,
  };
}
