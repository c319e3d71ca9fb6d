import { alterTableCommands, q } from '../rule-helpers';
import type { LintRule, LintStatement, RuleFinding } from '../types';

/**
 * Adding a CHECK constraint scans every row under ACCESS EXCLUSIVE (reads wait too). `NOT VALID`
 * skips the scan; `VALIDATE CONSTRAINT` in a later transaction scans under SHARE UPDATE EXCLUSIVE.
 * In the same transaction, the ADD's ACCESS EXCLUSIVE is still held during the validation.
 */
export const checkConstraintNotValid: LintRule = {
  id: 'check-constraint-not-valid',
  severity: 'error',
  summary: 'Add CHECK constraints to existing tables NOT VALID, and VALIDATE them in a later migration.',
  peers: { squawk: 'constraint-missing-not-valid', strongMigrations: 'add_check_constraint, validate_check_constraint' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const catalog = context.catalogBefore(statement.index);
      for (const { table, cmd } of alterTableCommands(statement)) {
        const constraint = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
        if (constraint?.contype === 'CONSTR_CHECK' && !constraint.skip_validation && !catalog.isNewTable(table)) {
          findings.push({
            statement,
            message: `ADD CHECK ${q(constraint.conname)} checks every row of ${q(table)} under ACCESS EXCLUSIVE: reads and writes wait for the scan.`,
            fix: `ALTER TABLE ${q(table)} ADD CONSTRAINT … CHECK (…) NOT VALID in this migration (new writes are checked at once), then VALIDATE CONSTRAINT in the next one (writes continue).`,
          });
        }
        if (cmd.subtype === 'AT_ValidateConstraint' && context.script.transactional) {
          const existing = catalog.constraint(table, cmd.name);
          if (existing?.kind !== 'check' || existing.origin !== 'this') continue;
          // Added in an earlier step of a down.sql in steps: that transaction has committed.
          if (!addedInTransaction(context.script.statements, cmd.name, statement.transaction)) continue;
          findings.push({
            statement,
            message: `VALIDATE CONSTRAINT ${q(cmd.name)} runs in the same transaction that added it NOT VALID: the ACCESS EXCLUSIVE lock of the ADD is held during the scan, so reads and writes of ${q(table)} wait.`,
            fix: 'Move the VALIDATE CONSTRAINT to the next migration.',
          });
        }
      }
    }
    return findings;
  },
};

function addedInTransaction(statements: LintStatement[], name: string | undefined, transaction: number): boolean {
  return statements.some(
    (s) => s.transaction === transaction && alterTableCommands(s).some(({ cmd }) => cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.conname === name),
  );
}
