import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { migrationHistory } from '../history';
import { readValidationRecord, validationRecordPath } from '../validate/validation-record';
import { defineItem, type ChecklistItem, type ChecklistState } from './types';

export const rollbackTestedItem = defineItem('rollback-tested', 'Rollback tested (migrate-validate passed for exactly these files)', 'before', true);

/**
 * migrate-validate records what it proved, keyed by checksums. The rollback counts as tested only
 * for the exact migration.sql and down.sql it proved: a file edited since, a pending migration it
 * never saw, or a failed run does not count.
 */
export function checkRollbackTested(state: ChecklistState): ChecklistItem {
  const { workspaceRoot, projectName, directory } = state.input;
  if (!state.pending.length) return rollbackTestedItem.result('skip', 'no migration pending on the target database');
  // migrate-validate applies the history as its starting state and proves what follows it.
  const { history } = migrationHistory(directory.migrations);
  const toProve = state.pending.filter((m) => !history.includes(m.name));
  if (!toProve.length) return rollbackTestedItem.result('skip', `the ${state.pending.length} pending migration(s) are history from before the adoption point (no down.sql): nothing to roll back`);
  const path = validationRecordPath(workspaceRoot, projectName);
  const record = readValidationRecord(path);
  const fix = `Run nx run ${projectName}:migrate-validate.`;
  if (!record) return rollbackTestedItem.result('fail', `no validation record (${relative(workspaceRoot, path)}): migrate-validate never ran here. ${fix}`);
  const problems: string[] = [];
  if (!record.ok) problems.push(`the last migrate-validate (${record.validatedAt}) failed`);
  const proved = new Map(record.migrations.map((m) => [m.name, m]));
  const onDisk = new Set(directory.migrations.map((m) => m.name));
  const folder = (name: string) => `${isAbsolute(directory.path) ? relative(workspaceRoot, directory.path) : directory.path}/${name}`;
  for (const migration of toProve) {
    const proof = proved.get(migration.name);
    if (!proof) {
      problems.push(`${migration.name} was not validated`);
      continue;
    }
    if (proof.verdict !== 'pass') problems.push(`${migration.name} failed validation`);
    if (proof.checksum !== migration.checksum) problems.push(`${folder(migration.name)}/migration.sql changed after validation`);
    const down = migration.downSql === null ? null : createHash('sha256').update(migration.downSql).digest('hex');
    if (proof.downChecksum !== down) {
      problems.push(`${folder(migration.name)}/down.sql ${down === null ? 'was deleted' : proof.downChecksum === null ? 'was added' : 'changed'} after validation`);
    }
  }
  for (const name of proved.keys()) if (!onDisk.has(name)) problems.push(`${name} was validated but is no longer on disk (the history changed)`);
  if (problems.length) return rollbackTestedItem.result('fail', `${problems.join('; ')}. ${fix}`);
  return rollbackTestedItem.result('pass', `migrate-validate passed at ${record.validatedAt} for the ${toProve.length} pending migration(s); migration.sql and down.sql checksums match`);
}
