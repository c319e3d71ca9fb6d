import { isSerialType } from '../../ast';
import { columnsAddedToExistingTables, q } from '../rule-helpers';
import type { LintRule, RuleFinding } from '../types';

/** `ADD COLUMN … NOT NULL` without a default fails on a table that has rows (each would be NULL). */
export const addingRequiredField: LintRule = {
  id: 'adding-required-field',
  severity: 'error',
  summary: 'A NOT NULL column added to an existing table needs a default or a backfill.',
  peers: { squawk: 'adding-required-field', atlas: 'MF103' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const { statement, table, def, constraints } of columnsAddedToExistingTables(context)) {
      const required = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      const filled = isSerialType(def) || constraints.some((c) => ['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(c.contype));
      if (!required || filled) continue;
      findings.push({
        statement,
        message: `ADD COLUMN ${q(def.colname)} NOT NULL without a default fails as soon as ${q(table)} has a row: existing rows would hold NULL.`,
        fix:
          'Give it a constant DEFAULT (metadata-only, no rewrite), or add it nullable, backfill in batches and make it NOT NULL through a validated CHECK. ' +
          '`nx g @forge/migration:add-column --backfillValue <v>` or `--backfillSql <expr>` writes these steps.',
      });
    }
    return findings;
  },
};
