import { relationName } from '../../effects';
import { addedInTransaction, alterTableCommands, q } from '../rule-helpers';
import { columnConstraints } from '../../sql-facts';
import type { LintRule, RuleFinding } from '../types';

/**
 * Adding a foreign key validates every row while SHARE ROW EXCLUSIVE blocks writes to both tables.
 * `NOT VALID` skips the scan; `VALIDATE CONSTRAINT` then scans under SHARE UPDATE EXCLUSIVE (writes
 * continue) — but only in a later transaction: validated in the same one, the ADD's lock is still
 * held during the scan. A table created by the same migration has no rows to check.
 */
export const foreignKeyNotValid: LintRule = {
  id: 'foreign-key-not-valid',
  severity: 'error',
  summary: 'Add foreign keys to existing tables NOT VALID, and VALIDATE them in a later migration.',
  peers: { squawk: 'constraint-missing-not-valid, adding-foreign-key-constraint', strongMigrations: 'add_foreign_key, validate_foreign_key', atlas: 'PG306' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const catalog = context.catalogBefore(statement.index);
      for (const { table, cmd } of alterTableCommands(statement)) {
        const column = cmd.subtype === 'AT_AddColumn' ? cmd.def?.ColumnDef : undefined;
        const added = cmd.subtype === 'AT_AddConstraint' ? [cmd.def?.Constraint] : columnConstraints(column);
        for (const constraint of added) {
          if (constraint?.contype !== 'CONSTR_FOREIGN' || constraint.skip_validation || catalog.isNewTable(table)) continue;
          const parent = relationName(constraint.pktable);
          findings.push({
            statement,
            message:
              `${column ? `ADD COLUMN ${q(column.colname)} REFERENCES` : `ADD FOREIGN KEY ${q(constraint.conname)}:`} checks every row of ${q(table)} ` +
              `while SHARE ROW EXCLUSIVE blocks writes to ${q(table)} and ${q(parent)}.`,
            fix:
              `ALTER TABLE ${q(table)} ADD CONSTRAINT … FOREIGN KEY … NOT VALID (no scan) in this migration, ` +
              'then ALTER TABLE … VALIDATE CONSTRAINT … in the next one (writes continue). `nx g @forge/migration:add-relation` writes both.',
          });
        }
        if (cmd.subtype === 'AT_ValidateConstraint' && context.script.transactional && addedInTransaction(context.script.statements, cmd.name, statement.transaction)) {
          const constraint = catalog.constraint(table, cmd.name);
          if (constraint?.kind !== 'foreign-key' || constraint.origin !== 'this') continue;
          findings.push({
            statement,
            message: `VALIDATE CONSTRAINT ${q(cmd.name)} runs in the same transaction that added it NOT VALID: the SHARE ROW EXCLUSIVE lock of the ADD is held during the scan, so writes to both tables wait as if NOT VALID were not there.`,
            fix: 'Move the VALIDATE CONSTRAINT to the next migration.',
          });
        }
      }
    }
    return findings;
  },
};
