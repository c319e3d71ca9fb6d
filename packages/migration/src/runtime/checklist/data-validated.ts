import { formatDuration } from '../backups/duration';
import { touchedTables } from '../validate/touched-tables';
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
      const since = laterChanges(state, name);
      if (since) {
        // migrate records a data migration as applied only once its validate() returned true.
        lines.push(
          `✓ ${name}: validate() returned true when migrate ran it; it no longer runs (${(error as Error).message}) ` +
            `because ${since.migrations.join(', ')} changed ${since.tables.join(', ')} since: it describes the schema before them`,
        );
        continue;
      }
      ok = false;
      lines.push(`✗ ${name}: validate() threw: ${(error as Error).message}`);
    }
  }
  return dataValidatedItem.result(ok ? 'pass' : 'fail', lines.join('\n'));
}

/**
 * The applied migrations after `name` that alter a table its migration touched (the check and
 * swap after an expand): a validate() that no longer runs may read a column they renamed away.
 */
function laterChanges(state: ChecklistState, name: string): { migrations: string[]; tables: string[] } | undefined {
  const order = state.applied.filter((m) => m.folder).sort((a, b) => a.name.localeCompare(b.name));
  const at = order.findIndex((m) => m.name === name);
  if (at < 0) return undefined;
  const own = new Set(touchedTables(order[at].folder!.sql));
  const migrations: string[] = [];
  const tables = new Set<string>();
  for (const later of order.slice(at + 1)) {
    const shared = touchedTables(later.folder!.sql).filter((t) => own.has(t));
    if (!shared.length) continue;
    migrations.push(later.name);
    shared.forEach((t) => tables.add(t));
  }
  return migrations.length ? { migrations, tables: [...tables] } : undefined;
}
