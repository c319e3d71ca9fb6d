import { statementEffect } from '../../analysis/effects';
import { impactOf } from '../../analysis/impact';
import { parseMigration } from '../../analysis/parse';
import { readTableStats, type TableStats } from '../../analysis/table-stats';
import type { MigrationFolder } from '../../engine/migrations';
import { BACKUP_SCHEMA, FORGE_SCHEMA } from '../forge-schema';
import { withClient, type Queryable } from '../pg-client';
import { defineItem, type ChecklistItem, type ChecklistState } from './types';

export const maintenanceWindowItem = defineItem('maintenance-window', 'Maintenance window (when the impact table asks for one)', 'before', true);

/**
 * The impact table's row for the largest table the pending migrations lock, with the sizes the
 * target database reports (pg_class.reltuples: instant on any size). A row that needs a window
 * must be acknowledged with --window.
 */
export async function checkMaintenanceWindow(state: ChecklistState): Promise<ChecklistItem> {
  if (!state.pending.length) return maintenanceWindowItem.result('skip', 'no migration pending on the target database');
  const stats = await withClient(state.input.url, async (db) => readTableStats(db, await lockedTables(db, state.pending)));
  const largestFirst = [...stats.values()].sort((a, b) => b.rows - a.rows);
  const impact = impactOf(largestFirst[0]?.rows ?? 0);
  const sizes = largestFirst.map(describeTable).join(', ') || 'only new tables';
  const row = `impact row ${impact.rows} rows → ${impact.approach}, expected lock ${impact.expectedLock}`;
  const summary = `tables touched: ${sizes}; ${row}`;
  if (!impact.needsWindow) return maintenanceWindowItem.result('pass', `not needed: ${summary}`);
  if (state.input.window) return maintenanceWindowItem.result('pass', `acknowledged (--window): ${summary}`);
  const window = impact.approach === 'online migration' ? 'maintenance window' : impact.approach;
  return maintenanceWindowItem.result('fail', `${summary}. Announce a ${window} for the run, then pass --window to acknowledge it.`);
}

/**
 * Tables of the current schema the pending migrations lock; an index's table is looked up, since
 * DROP INDEX does not name it. The tool's own schemas do not count (users never query them).
 */
async function lockedTables(db: Queryable, migrations: MigrationFolder[]): Promise<string[]> {
  const tables = new Set<string>();
  for (const migration of migrations) {
    for (const statement of await parseMigration(migration.sql)) {
      for (const { table } of statementEffect(statement).locks) {
        const index = /^\(table of index (.+)\)$/.exec(table)?.[1];
        const name = index ? await tableOfIndex(db, index) : table;
        const [schema, bare] = name?.includes('.') ? name.split('.', 2) : [undefined, name];
        if (bare && schema !== BACKUP_SCHEMA && schema !== FORGE_SCHEMA) tables.add(bare);
      }
    }
  }
  return [...tables];
}

async function tableOfIndex(db: Queryable, index: string): Promise<string | undefined> {
  const { rows } = await db.query<{ table: string }>(
    `SELECT t.relname AS table FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE i.relname = $1 AND i.relnamespace = current_schema()::regnamespace`,
    [index.split('.').at(-1)],
  );
  return rows[0]?.table;
}

function describeTable(stats: TableStats): string {
  return `"${stats.table}" ~${stats.rows.toLocaleString('en-US')} rows (${megabytes(stats.tableBytes)} + ${megabytes(stats.indexBytes)} indexes)`;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
