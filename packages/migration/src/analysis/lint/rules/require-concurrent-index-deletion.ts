import { nodeOf, q, tableOfIndex, transactionLocksTableExclusively } from '../rule-helpers';
import { droppedNames, tableKey } from '../../sql-facts';
import type { LintRule, RuleFinding } from '../types';

/**
 * `DROP INDEX` takes ACCESS EXCLUSIVE on the index's table: reads wait too, and the request queues
 * behind any long query. Not flagged when the table is new, or when the same transaction takes
 * ACCESS EXCLUSIVE on that table anyway (e.g. DROP COLUMN of the indexed column): then the drop
 * adds no wait of its own. The index's table comes from the migrations that created it.
 */
export const requireConcurrentIndexDeletion: LintRule = {
  id: 'require-concurrent-index-deletion',
  severity: 'error',
  summary: 'Drop indexes of existing tables CONCURRENTLY.',
  peers: { squawk: 'require-concurrent-index-deletion', strongMigrations: 'remove_index', atlas: 'PG102' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const node = nodeOf(statement);
      if (statement.statement.type !== 'DropStmt' || node.removeType !== 'OBJECT_INDEX' || node.concurrent) continue;
      const catalog = context.catalogBefore(statement.index);
      for (const name of droppedNames(node).map((n) => tableKey(n) ?? n)) {
        const table = tableOfIndex(catalog, name);
        if (table && (catalog.isNewTable(table) || transactionLocksTableExclusively(context.script, table, statement.index))) continue;
        const on = table ? q(table) : `the table of ${q(name)}`;
        findings.push({
          statement,
          message: `DROP INDEX ${q(name)} takes an ACCESS EXCLUSIVE lock on ${on}: reads and writes wait, and queue behind any long query on it.`,
          fix: `DROP INDEX CONCURRENTLY IF EXISTS ${q(name)}, alone in its migration. \`nx g @forge/migration:remove-index\` writes it so.`,
        });
      }
    }
    return findings;
  },
};
