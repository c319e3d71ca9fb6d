import { backupsNamedIn } from '../backups/backup-references';
import { formatDuration } from '../backups/duration';
import { appliedScripts } from '../backups/prune';
import { existingBackupObjects, listBackups } from '../backups/registry';
import { retainedUntil, retentionStart } from '../backups/retention';
import { BACKUP_SCHEMA } from '../forge-schema';
import { withClient } from '../pg-client';
import { DEFAULT_RETENTION_MS, defineItem, ROLLBACK_READY_MS, type ChecklistItem, type ChecklistState } from './types';

export const rollbackReadyItem = defineItem('rollback-ready', 'Rollback kept ready for 24 hours (backups retained)', 'after', true);

/**
 * For each migration applied in the last 24 hours: it has a down.sql, every backup its down.sql
 * restores from is still in `_forge_backup`, and migrate-prune with the given retention keeps it
 * at every moment of those 24 hours (not counting the "last applied" exception, which does not
 * last once the next migration is applied).
 */
export async function checkRollbackReady(state: ChecklistState): Promise<ChecklistItem> {
  if (!state.recent.length) return rollbackReadyItem.result('skip', `no migration applied in the last ${formatDuration(ROLLBACK_READY_MS)}`);
  const retentionMs = state.input.retentionMs ?? DEFAULT_RETENTION_MS;
  const lines: string[] = [];
  let ok = true;
  const { applied, scripts } = appliedScripts(state.applied);
  // The same rule as migrate-prune (retention.ts); its other keeps (the last migration, linked tables) only keep more.
  await withClient(state.input.url, async (db) => {
    const backups = await listBackups(db, { applied: scripts, now: state.now });
    for (const migration of state.recent) {
      if (!migration.folder?.downSql) {
        ok = false;
        lines.push(`✗ ${migration.name}: ${migration.folder ? 'has no down.sql' : 'its folder is not on disk'}, so it cannot be rolled back`);
        continue;
      }
      const needed = backupsNamedIn(migration.folder.downSql);
      if (!needed.length) {
        lines.push(`✓ ${migration.name}: its rollback needs no backup`);
        continue;
      }
      const present = await existingBackupObjects(db, needed);
      const missing = needed.filter((n) => !present.has(n));
      if (missing.length) {
        ok = false;
        lines.push(`✗ ${migration.name}: its rollback restores from ${missing.map((n) => `${BACKUP_SCHEMA}.${n}`).join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} gone`);
        continue;
      }
      // Ready for the whole period: migrate-prune keeps every backup it needs at each instant before the horizon.
      const horizon = new Date(migration.appliedAt.getTime() + ROLLBACK_READY_MS);
      const kept = backups.filter((b) => needed.includes(b.table)).map((b) => ({ table: b.table, until: retainedUntil(retentionStart(b, applied).since, retentionMs) }));
      const dropped = kept.filter((k) => k.until < horizon);
      if (dropped.length) {
        ok = false;
        lines.push(
          `✗ ${migration.name}: migrate-prune --retention ${formatDuration(retentionMs)} would drop ${dropped.map((d) => `${BACKUP_SCHEMA}.${d.table}`).join(', ')} ` +
            `before ${horizon.toISOString()} (24 h after it was applied); its rollback needs ${dropped.length > 1 ? 'them' : 'it'}. Prune with a retention of at least 24h.`,
        );
        continue;
      }
      const until = kept.map((k) => k.until).sort((a, b) => a.getTime() - b.getTime())[0];
      lines.push(`✓ ${migration.name}: ${needed.map((n) => `${BACKUP_SCHEMA}.${n}`).join(', ')} present${until ? `; migrate-prune keeps ${needed.length > 1 ? 'them' : 'it'} until at least ${until.toISOString()}` : ''}`);
    }
  });
  return rollbackReadyItem.result(ok ? 'pass' : 'fail', lines.join('\n'));
}
