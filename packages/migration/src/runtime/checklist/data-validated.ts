import { formatDuration } from '../backups/duration';
import { defineItem, ROLLBACK_READY_MS, type ChecklistItem, type ChecklistState } from './types';

export const dataValidatedItem = defineItem('data-validated', "Data migrations' validate() pass on the target database", 'after', true);

/**
 * The validate() of every data migration of the deploy being checked — the migrations applied in
 * the last 24 hours — on the target database (read-only transactions). Older ones are not re-run:
 * a validate() describes the schema of its own time, which later migrations may have changed.
 */
export async function checkDataValidated(state: ChecklistState): Promise<ChecklistItem> {
  const { dataMigrations } = state.input;
  const withData = state.recent.filter((m) => dataMigrations.has(m.name));
  if (!withData.length) {
    return dataValidatedItem.result('skip', `no data migration among the ${state.recent.length} migration(s) applied in the last ${formatDuration(ROLLBACK_READY_MS)}`);
  }
  const lines: string[] = [];
  let ok = true;
  for (const { name } of withData) {
    const status = await dataMigrations.state(name);
    if (status !== 'applied') {
      ok = false;
      lines.push(`✗ ${name}: its data migration is ${status ?? 'not run'}; run migrate (it resumes from its checkpoint)`);
      continue;
    }
    try {
      const valid = await dataMigrations.validate(name);
      ok &&= valid;
      lines.push(valid ? `✓ ${name}: validate() returned true` : `✗ ${name}: validate() returned false — the data is not as the migration promised`);
    } catch (error) {
      ok = false;
      lines.push(`✗ ${name}: validate() threw: ${(error as Error).message}`);
    }
  }
  return dataValidatedItem.result(ok ? 'pass' : 'fail', lines.join('\n'));
}
