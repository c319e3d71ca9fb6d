import { nodeOf, q } from '../rule-helpers';
import { stringLiterals } from '../../sql-facts';
import type { LintRule, RuleFinding } from '../types';

/**
 * `ALTER TYPE … ADD VALUE` may run in a transaction (PostgreSQL ≥ 12), but the new value cannot be
 * used until that transaction commits ("unsafe use of new value"): a later statement of the same
 * migration that writes or compares it fails.
 */
export const enumAddValueUsedInSameTransaction: LintRule = {
  id: 'enum-add-value-used-in-same-transaction',
  severity: 'error',
  summary: 'Use a value added to an enum only in a later migration.',
  peers: { squawk: '(none)', atlas: 'PG102-like (ADD VALUE in a transaction)' },
  check(context) {
    const { script } = context;
    if (!script.transactional) return [];
    const findings: RuleFinding[] = [];
    for (const added of script.statements) {
      const node = nodeOf(added);
      if (added.statement.type !== 'AlterEnumStmt' || !node.newVal) continue;
      const type = (node.typeName ?? []).map((n: Record<string, { sval?: string }>) => n.String?.sval).join('.');
      for (const later of script.statements.slice(added.index + 1)) {
        if (!stringLiterals(later.statement.node).includes(node.newVal)) continue;
        findings.push({
          statement: later,
          message: `Uses ${quoteLiteral(node.newVal)}, which ALTER TYPE ${q(type)} ADD VALUE (line ${added.statement.line}) adds in the same transaction: PostgreSQL refuses the new value until that transaction commits.`,
          fix: `Move the statements that use ${quoteLiteral(node.newVal)} to the next migration.`,
        });
      }
    }
    return findings;
  },
};

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
