import { BACKUP_SCHEMA } from '../../../runtime/forge-schema';
import { nodeOf, q } from '../rule-helpers';
import { droppedNames, tableKey } from '../../sql-facts';
import type { LintRule, RuleFinding } from '../types';

/**
 * `DROP TABLE` deletes the table and every row. Moving it into _forge_backup instead
 * (`ALTER TABLE … SET SCHEMA`) is instant and keeps everything for the rollback. Not flagged: a
 * table this migration created (or, in a down.sql, that the reversed migration created), or one
 * copied whole into _forge_backup before.
 */
export const dropTableWithoutBackup: LintRule = {
  id: 'drop-table-without-backup',
  severity: 'error',
  summary: 'Move a table into _forge_backup instead of dropping it.',
  peers: { squawk: 'ban-drop-table', strongMigrations: 'drop_table (not a check: advice)', atlas: 'DS102' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const node = nodeOf(statement);
      if (statement.statement.type !== 'DropStmt' || node.removeType !== 'OBJECT_TABLE') continue;
      const catalog = context.catalogBefore(statement.index);
      for (const table of droppedNames(node).map((n) => tableKey(n) ?? n)) {
        const origin = catalog.table(table)?.origin;
        if (origin === 'this' || origin === 'reversed' || catalog.backupOf(table)) continue;
        findings.push({
          statement,
          message: `DROP TABLE ${q(table)} deletes the table and every row: a rollback can re-create it empty, not its data.`,
          fix:
            `ALTER TABLE ${q(table)} SET SCHEMA ${q(BACKUP_SCHEMA)} (instant; rows, indexes and sequences kept; the rollback moves it back), ` +
            'dropped later by migrate-prune after the retention period. `nx g @forge/migration:remove-table` writes this.',
        });
      }
    }
    return findings;
  },
};
