import type { Catalog } from '../../catalog';
import { alterTableCommands, nodeOf, q, type AstNode } from '../rule-helpers';
import { tableKey, tableOf } from '../../sql-facts';
import type { LintContext, LintRule, LintStatement, RuleFinding } from '../types';

/**
 * A unique index (or UNIQUE constraint) on a table with rows fails when the rows hold duplicates; a
 * failed CONCURRENTLY build leaves an INVALID index behind. Not flagged on a new table, nor when
 * every indexed column was added by this migration without a default and no row of the table was
 * written since (all NULL: no duplicates).
 */
export const uniqueIndexOnExistingData: LintRule = {
  id: 'unique-index-on-existing-data',
  severity: 'warning',
  summary: 'Check for duplicates before a unique index on a table that has data.',
  peers: { squawk: '(none)', strongMigrations: 'add_index (unique: advice)', atlas: 'MF101' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const catalog = context.catalogBefore(statement.index);
      const node = nodeOf(statement);
      if (statement.statement.type === 'IndexStmt' && node.unique) {
        const columns: string[] = (node.indexParams ?? []).map((p: AstNode) => p.IndexElem?.name ?? '(expression)');
        const finding = check(context, catalog, statement, tableOf(node.relation), columns, `CREATE UNIQUE INDEX ${q(node.idxname)}`);
        if (finding) findings.push(finding);
      }
      for (const { table, cmd } of alterTableCommands(statement)) {
        const constraint = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
        if (constraint?.contype !== 'CONSTR_UNIQUE' || constraint.indexname) continue;
        const columns: string[] = (constraint.keys ?? []).map((k: AstNode) => k.String?.sval);
        const finding = check(context, catalog, statement, table, columns, `ADD UNIQUE ${q(constraint.conname)}`);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};

function check(context: LintContext, catalog: Catalog, statement: LintStatement, table: string | undefined, columns: string[], what: string): RuleFinding | undefined {
  if (!table || catalog.isNewTable(table)) return undefined;
  const written = context.script.statements
    .slice(0, statement.index)
    .some((s) => s.effect.writesRows && s.effect.locks.some((l) => tableKey(l.table) === table && l.lock === 'ROW EXCLUSIVE'));
  const allNull = !written && columns.every((name) => {
    const column = catalog.column(table, name);
    return column?.origin === 'this' && !column.hasDefault;
  });
  if (allNull) return undefined;
  const list = columns.map(q).join(', ');
  return {
    statement,
    message: `${what} on ${q(table)}(${list}) fails if ${q(table)} already holds duplicate (${list}) values (a CONCURRENTLY build then leaves an INVALID index behind).`,
    fix: `Look for duplicates first — SELECT ${list}, count(*) FROM ${q(table)} GROUP BY ${list} HAVING count(*) > 1 — and resolve them; migrate-validate runs the migration on seeded rows.`,
  };
}
