import { alterTableCommands, nodeOf, q } from '../rule-helpers';
import { droppedNames, tableKey, tableOf } from '../../sql-facts';
import type { LintRule, LintStatement, RuleFinding } from '../types';

/**
 * Prisma writes a renamed field as `DROP COLUMN old, ADD COLUMN new`, a renamed model as
 * `DROP TABLE old; CREATE TABLE new`, and many type changes as drop + add of the same column: the
 * data is gone (and a NOT NULL re-add fails on a table with rows). Flagged on the DROP when the
 * same migration adds a column to that table (or creates a table), and what is dropped was not
 * backed up into _forge_backup.
 */
export const renameAsDropAndAdd: LintRule = {
  id: 'rename-as-drop-and-add',
  severity: 'error',
  summary: 'A rename or type change written as drop + add loses the data: rename or expand/contract instead.',
  peers: { squawk: '(none: ban-drop-column / ban-drop-table see the drop only)', strongMigrations: 'rename_column, rename_table (the safe forms)', atlas: 'BC101, DS102, DS103 (separately)' },
  check(context) {
    const { statements } = context.script;
    const added = new Map<string, string[]>();
    const createdTables: string[] = [];
    for (const statement of statements) {
      for (const { table, cmd } of alterTableCommands(statement)) {
        if (cmd.subtype === 'AT_AddColumn') added.set(table, [...(added.get(table) ?? []), cmd.def?.ColumnDef?.colname]);
      }
      if (statement.statement.type === 'CreateStmt') {
        const created = tableOf(nodeOf(statement).relation);
        if (created) createdTables.push(created);
      }
    }
    const findings: RuleFinding[] = [];
    for (const statement of statements) {
      const catalog = context.catalogBefore(statement.index);
      for (const { table, cmd } of alterTableCommands(statement)) {
        const columns = added.get(table);
        if (cmd.subtype !== 'AT_DropColumn' || !columns?.length || catalog.isNewTable(table)) continue;
        const origin = catalog.column(table, cmd.name)?.origin;
        if (origin === 'this' || origin === 'reversed' || catalog.backupOf(table, cmd.name)) continue;
        findings.push(columnFinding(statement, table, cmd.name, columns));
      }
      const node = nodeOf(statement);
      if (statement.statement.type === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
        for (const table of droppedNames(node).map((n) => tableKey(n) ?? n)) {
          const origin = catalog.table(table)?.origin;
          const created = createdTables.filter((t) => t !== table);
          if (!created.length || origin === 'this' || origin === 'reversed' || catalog.backupOf(table)) continue;
          findings.push({
            statement,
            message: `DROP TABLE ${q(table)} and CREATE TABLE ${created.map(q).join(', ')} in one migration: if this is a rename, every row of ${q(table)} is lost.`,
            fix: `ALTER TABLE ${q(table)} RENAME TO ${q(created[0])} (plus its constraint, index and sequence names) — \`nx g @forge/migration:rename\` — or rename only in Prisma with @@map (--mapOnly).`,
          });
        }
      }
    }
    return findings;
  },
};

function columnFinding(statement: LintStatement, table: string, dropped: string, added: string[]): RuleFinding {
  if (added.includes(dropped)) {
    return {
      statement,
      message: `${q(table)}.${q(dropped)} is dropped and added again in one migration (how Prisma writes many type changes): every value is lost.`,
      fix: 'Change the type in place when PostgreSQL can (ALTER COLUMN … TYPE), else expand/contract: new column, batched backfill with a cast or value map, swap — `nx g @forge/migration:modify-column`.',
    };
  }
  const others = added.filter((c) => c !== dropped);
  return {
    statement,
    message: `DROP COLUMN ${q(dropped)} and ADD COLUMN ${others.map(q).join(', ')} on ${q(table)} in one migration: if this is a rename, every value of ${q(dropped)} is lost.`,
    fix: `ALTER TABLE ${q(table)} RENAME COLUMN ${q(dropped)} TO ${q(others[0])} — \`nx g @forge/migration:rename\` — or rename only in Prisma with @map (--mapOnly).`,
  };
}
