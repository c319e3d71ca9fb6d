import { alterTableCommands, nodeOf, q } from '../rule-helpers';
import { tableOf } from '../../sql-facts';
import type { LintRule, RuleFinding } from '../types';

/**
 * `CREATE INDEX` takes SHARE on the table: every INSERT, UPDATE and DELETE waits for the whole
 * build. `ADD UNIQUE` / `ADD PRIMARY KEY` without `USING INDEX` is worse: it builds its index under
 * ACCESS EXCLUSIVE. A table created by the same migration is empty and unused: a plain build is fine.
 */
export const requireConcurrentIndexCreation: LintRule = {
  id: 'require-concurrent-index-creation',
  severity: 'error',
  summary: 'Build indexes on existing tables CONCURRENTLY.',
  peers: { squawk: 'require-concurrent-index-creation, disallowed-unique-constraint', strongMigrations: 'add_index, add_unique_constraint', atlas: 'PG101' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const catalog = context.catalogBefore(statement.index);
      const node = nodeOf(statement);
      if (statement.statement.type === 'IndexStmt' && !node.concurrent) {
        const table = tableOf(node.relation);
        if (catalog.isNewTable(table)) continue;
        findings.push({
          statement,
          message: `CREATE ${node.unique ? 'UNIQUE ' : ''}INDEX ${q(node.idxname)} takes a SHARE lock on ${q(table)}: every write to ${q(table)} waits until the index is built.`,
          fix: `CREATE ${node.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${q(node.idxname)} …, alone in its migration (CONCURRENTLY cannot run in a transaction). \`nx g @forge/migration:add-index\` writes it so.`,
        });
      }
      for (const { table, cmd } of alterTableCommands(statement)) {
        const constraint = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
        if (!constraint || !['CONSTR_UNIQUE', 'CONSTR_PRIMARY'].includes(constraint.contype) || constraint.indexname) continue;
        if (catalog.isNewTable(table)) continue;
        const kind = constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY';
        findings.push({
          statement,
          message: `ADD ${kind} ${q(constraint.conname)} builds its index under ACCESS EXCLUSIVE: reads and writes of ${q(table)} wait for the whole build.`,
          fix: `CREATE UNIQUE INDEX CONCURRENTLY first (its own migration), then ALTER TABLE ${q(table)} ADD CONSTRAINT … ${kind} USING INDEX <index> (instant).`,
        });
      }
    }
    return findings;
  },
};
