import { analyzeChange, type ChangeAnalysis } from '../../analysis/analyze';
import { schemaFactsFromHistory } from '../../analysis/schema-facts';
import { databaseStats } from '../../analysis/stats-source';
import { isBackup, isBookkeeping } from '../../analysis/table-names';
import { databaseAddress } from '../../engine/connection';
import { withClient } from '../pg-client';
import { defineItem, type ChecklistItem, type ChecklistState } from './types';

export const maintenanceWindowItem = defineItem('maintenance-window', 'Maintenance window (when the impact table asks for one)', 'before', true);

/**
 * The impact of the pending migrations, as their report gives it, with the sizes the target
 * database reports (pg_class.reltuples: instant on any size): a window is needed only when a
 * migration blocks writes while it works through rows, by the impact table's row for the size.
 * An online recipe needs none. A window that is needed must be acknowledged with --window.
 */
export async function checkMaintenanceWindow(state: ChecklistState): Promise<ChecklistItem> {
  if (!state.pending.length) return maintenanceWindowItem.result('skip', 'no migration pending on the target database');
  const analysis = await withClient(state.input.url, (db) => analyzePending(state, db));
  const { impact } = analysis;
  const sizes = touchedSizes(analysis) || 'only new tables';
  const summary = `tables touched: ${sizes}; impact row ${impact.row ? `${impact.row.rows} rows` : 'unknown (size unknown)'} → ${impact.approach}, expected lock ${impact.expectedLock} (${analysis.impactReason})`;
  if (!impact.needsWindow) return maintenanceWindowItem.result('pass', `not needed: ${summary}`);
  if (state.input.window) return maintenanceWindowItem.result('pass', `acknowledged (--window): ${summary}`);
  return maintenanceWindowItem.result('fail', `${summary}. Announce a ${impact.approach} for the run, then pass --window to acknowledge it.`);
}

/** The pending migrations analyzed as the generators analyze them: on the schema their history builds, with the target's sizes. */
async function analyzePending(state: ChecklistState, db: Parameters<typeof databaseStats>[0]): Promise<ChangeAnalysis> {
  const all = state.input.directory.migrations;
  const history = all.slice(0, all.indexOf(state.pending[0]));
  return analyzeChange({
    migrations: state.pending.map((m) => ({ name: m.name, sql: m.sql, downSql: m.downSql })),
    stats: databaseStats(db, databaseAddress(state.input.url)),
    schema: await schemaFactsFromHistory(history.map((m) => m.sql)),
  });
}

/** `"User" ~50,000 rows (3.1 MB + 1.2 MB indexes)`, largest first; the tool's own schemas left out (users never query them). */
function touchedSizes(analysis: ChangeAnalysis): string {
  const tables = new Map<string, { rows: number; tableBytes?: number; indexBytes?: number }>();
  for (const t of analysis.migrations.flatMap((m) => m.touched)) {
    if (t.created || t.rows === null || isBackup(t.table) || isBookkeeping(t.table)) continue;
    tables.set(t.table, { rows: t.rows, tableBytes: t.tableBytes, indexBytes: t.indexBytes });
  }
  return [...tables]
    .sort((a, b) => b[1].rows - a[1].rows)
    .map(([table, s]) => `"${table}" ~${s.rows.toLocaleString('en-US')} rows${s.tableBytes !== undefined ? ` (${megabytes(s.tableBytes)} + ${megabytes(s.indexBytes ?? 0)} indexes)` : ''}`)
    .join(', ');
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
