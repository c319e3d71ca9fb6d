import { BACKUP_SCHEMA } from '../../../runtime/forge-schema';
import { alterTableCommands, q } from '../rule-helpers';
import type { LintRule, RuleFinding } from '../types';

/**
 * `DROP COLUMN` deletes every value of the column: a rollback can re-create the column but not its
 * data. Backed up means copied into _forge_backup (CREATE TABLE … AS SELECT or INSERT … SELECT of
 * that column) in this or an earlier migration. Dropping a column this migration added — or, in a
 * down.sql, one the migration being reversed added — loses nothing that existed before.
 */
export const dropColumnWithoutBackup: LintRule = {
  id: 'drop-column-without-backup',
  severity: 'error',
  summary: 'Back up a column into _forge_backup before dropping it.',
  peers: { squawk: 'ban-drop-column', strongMigrations: 'remove_column', atlas: 'DS103' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const catalog = context.catalogBefore(statement.index);
      for (const { table, cmd } of alterTableCommands(statement)) {
        if (cmd.subtype !== 'AT_DropColumn' || catalog.isNewTable(table)) continue;
        const origin = catalog.column(table, cmd.name)?.origin;
        if (origin === 'this' || origin === 'reversed' || catalog.backupOf(table, cmd.name)) continue;
        findings.push({
          statement,
          message: `DROP COLUMN ${q(cmd.name)} deletes every value of ${q(table)}.${q(cmd.name)}, and no migration up to here copies them into ${BACKUP_SCHEMA}: a rollback cannot bring them back.`,
          fix:
            `Copy (primary key, ${q(cmd.name)}) into ${q(BACKUP_SCHEMA)} first — CREATE TABLE ${q(BACKUP_SCHEMA)}."${table}__${cmd.name}" AS SELECT "id", ${q(cmd.name)} FROM ${q(table)} — ` +
            'or use `nx g @forge/migration:remove-column`, which backs up in batches and restores on rollback.',
        });
      }
    }
    return findings;
  },
};
