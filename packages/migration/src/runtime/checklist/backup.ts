import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDuration } from '../backups/duration';
import { BACKUP_SCHEMA } from '../forge-schema';
import { destructiveStatements, type DestructiveStatement } from './destructive';
import { describeRun, runCommand } from './run-command';
import { defineItem, ROLLBACK_READY_MS, type ChecklistItem, type ChecklistState } from './types';

export const backupItem = defineItem('backup', 'Backup (data kept in _forge_backup, and a backup taken)', 'before', true);

/**
 * Needed only when a pending migration drops data. Then two things: the data it drops is kept in
 * `_forge_backup` (our recipes copy it first; a hand-written DROP does not), and a backup of the
 * database was taken — `--backupCommand` runs now and must exit 0, or `--backupEvidence` names a
 * file the backup job writes, recent enough.
 */
export async function checkBackup(state: ChecklistState): Promise<ChecklistItem> {
  const { input } = state;
  if (!state.pending.length) return backupItem.result('skip', 'no migration pending on the target database');
  const pendingLast = input.directory.migrations.findIndex((m) => m.name === state.pending.at(-1)!.name);
  const destructive = await destructiveStatements(state.pending, input.directory.migrations.slice(0, pendingLast + 1));
  if (!destructive.length) return backupItem.result('pass', `not needed: no pending migration drops data (${state.pending.length} analysed)`);

  const lines: string[] = [];
  const lost = destructive.filter((d) => !d.keptIn);
  for (const d of destructive) lines.push(`${d.keptIn ? '✓' : '✗'} ${where(d)}: ${d.action} — ${d.keptIn ? `kept in ${d.keptIn}` : `not copied to ${BACKUP_SCHEMA} first: its data would be lost`}`);
  if (lost.length) {
    lines.push(`Generate destructive changes with remove-column / remove-table / modify-column (they keep the data in ${BACKUP_SCHEMA}), or copy the data into ${BACKUP_SCHEMA} in an earlier statement.`);
    if (input.backupCommand) lines.push(`The backup command was not run: fix the above first.`);
    return backupItem.result('fail', lines.join('\n'));
  }

  const external = await externalBackup(state);
  lines.push(`${external.ok ? '✓' : '✗'} ${external.detail}`);
  return backupItem.result(external.ok ? 'pass' : 'fail', lines.join('\n'));
}

async function externalBackup(state: ChecklistState): Promise<{ ok: boolean; detail: string }> {
  const { input } = state;
  if (input.backupCommand) {
    const run = await runCommand(input.backupCommand, input.workspaceRoot, { timeoutMs: input.commandTimeoutMs, secrets: [input.url] });
    return { ok: run.exitCode === 0 && !run.timedOut, detail: `backup command ${describeRun(run)}` };
  }
  if (input.backupEvidence) {
    const path = resolve(input.workspaceRoot, input.backupEvidence);
    const maxAge = input.backupEvidenceMaxAgeMs ?? ROLLBACK_READY_MS;
    if (!existsSync(path)) return { ok: false, detail: `backup evidence ${input.backupEvidence} does not exist: run the backup job first` };
    const age = state.now.getTime() - statSync(path).mtime.getTime();
    return age <= maxAge
      ? { ok: true, detail: `backup evidence ${input.backupEvidence} written ${formatDuration(age)} ago` }
      : { ok: false, detail: `backup evidence ${input.backupEvidence} is ${formatDuration(age)} old, older than ${formatDuration(maxAge)}: take a new backup` };
  }
  return { ok: false, detail: 'a pending migration drops data: give --backupCommand "<command>" (run now, must exit 0) or --backupEvidence <file> (written by your backup job)' };
}

function where(d: DestructiveStatement): string {
  return `${d.migration} line ${d.line}`;
}
