import { appliedRecords, readMigrationRecords } from '../migration-records';
import { withClient } from '../pg-client';
import { backupItem, checkBackup } from './backup';
import { checkCommitted, committedItem } from './committed';
import { checkDataValidated, dataValidatedItem } from './data-validated';
import { checkHealth, healthCheckItem } from './health-check';
import { checkMaintenanceWindow, maintenanceWindowItem } from './maintenance-window';
import { checkMonitoring, monitoringItem } from './monitoring';
import { checkRollbackReady, rollbackReadyItem } from './rollback-ready';
import { checkRollbackTested, rollbackTestedItem } from './rollback-tested';
import { ROLLBACK_READY_MS, type ChecklistInput, type ChecklistItem, type ChecklistPhase, type ChecklistState, type ItemDefinition } from './types';

export interface ChecklistReport {
  project: string;
  phase: ChecklistPhase | 'both';
  pending: string[];
  /** Applied within the last 24 hours: the deploy the after items look at. */
  recent: string[];
  items: ChecklistItem[];
  /** False when a required item failed. */
  ok: boolean;
}

interface Check {
  item: ItemDefinition;
  run: (state: ChecklistState) => ChecklistItem | Promise<ChecklistItem>;
  /** Judges the deploy itself: meaningless while migrations are pending. */
  needsDeploy: boolean;
}

const CHECKS: Check[] = [
  { item: committedItem, run: checkCommitted, needsDeploy: false },
  { item: rollbackTestedItem, run: checkRollbackTested, needsDeploy: false },
  { item: backupItem, run: checkBackup, needsDeploy: false },
  { item: maintenanceWindowItem, run: checkMaintenanceWindow, needsDeploy: false },
  { item: monitoringItem, run: checkMonitoring, needsDeploy: false },
  { item: dataValidatedItem, run: checkDataValidated, needsDeploy: true },
  { item: healthCheckItem, run: checkHealth, needsDeploy: true },
  { item: rollbackReadyItem, run: checkRollbackReady, needsDeploy: true },
];

/**
 * The deploy checklist. `before` items judge the pending migrations; `after` items judge the
 * deploy (migrations applied in the last 24 hours). By default both: while migrations are pending
 * the after items are skipped; asked for explicitly (`phase: 'after'`), pending migrations fail
 * them — the deploy they check has not happened. An item that throws fails with its message.
 */
export async function runChecklist(input: ChecklistInput): Promise<ChecklistReport> {
  const phase = input.phase ?? 'both';
  const state = await readState(input);
  const items: ChecklistItem[] = [];
  for (const { item, run, needsDeploy } of CHECKS) {
    if (phase !== 'both' && item.phase !== phase) continue;
    if (needsDeploy && state.pending.length) {
      const waiting = `${state.pending.length} migration(s) pending (${state.pending.map((m) => m.name).join(', ')}): run migrate first`;
      items.push(phase === 'both' ? item.result('skip', `after migrate: ${waiting}`) : item.result('fail', waiting, true));
      continue;
    }
    try {
      items.push(await run(state));
    } catch (error) {
      items.push(item.result('fail', `could not be checked: ${(error as Error).message}`, true));
    }
  }
  return {
    project: input.projectName,
    phase,
    pending: state.pending.map((m) => m.name),
    recent: state.recent.map((m) => m.name),
    items,
    ok: !items.some((i) => i.required && i.status === 'fail'),
  };
}

async function readState(input: ChecklistInput): Promise<ChecklistState> {
  const now = input.now ?? new Date();
  const records = appliedRecords(await withClient(input.url, readMigrationRecords));
  const appliedNames = new Set(records.map((r) => r.name));
  const folders = new Map(input.directory.migrations.map((m) => [m.name, m]));
  const pending = input.directory.migrations.filter((m) => !appliedNames.has(m.name));
  const applied = records
    .map((r) => ({ name: r.name, appliedAt: r.finishedAt!, folder: folders.get(r.name) ?? null }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const recent = applied.filter((m) => now.getTime() - m.appliedAt.getTime() < ROLLBACK_READY_MS);
  return { input, now, pending, applied, recent };
}
