import { alterTableCommands, q } from '../rule-helpers';
import type { LintRule, RuleFinding } from '../types';

/**
 * `SET NOT NULL` scans the whole table under ACCESS EXCLUSIVE to prove no row is NULL — unless a
 * validated `CHECK (c IS NOT NULL)` already proves it (PostgreSQL ≥ 12). The catalog follows such
 * checks through the migrations: added validated, or added NOT VALID and validated later (in an
 * earlier migration or earlier in this one), and not dropped since.
 */
export const setNotNullWithoutValidatedCheck: LintRule = {
  id: 'set-not-null-without-validated-check',
  severity: 'error',
  summary: 'SET NOT NULL on an existing table only after a validated CHECK (column IS NOT NULL).',
  peers: { squawk: 'adding-not-nullable-field', strongMigrations: 'change_column_null_postgresql', atlas: 'PG303' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const catalog = context.catalogBefore(statement.index);
      for (const { table, cmd } of alterTableCommands(statement)) {
        if (cmd.subtype !== 'AT_SetNotNull' || catalog.isNewTable(table)) continue;
        const column = catalog.column(table, cmd.name);
        if (column?.notNull || catalog.hasValidatedNotNullCheck(table, cmd.name)) continue;
        findings.push({
          statement,
          message: `SET NOT NULL on ${q(table)}.${q(cmd.name)} scans every row under ACCESS EXCLUSIVE (reads and writes wait): no validated CHECK (${q(cmd.name)} IS NOT NULL) is in place.`,
          fix:
            `ADD CONSTRAINT … CHECK (${q(cmd.name)} IS NOT NULL) NOT VALID in one migration, VALIDATE CONSTRAINT in the next (writes continue), ` +
            'then SET NOT NULL (no scan) and DROP the check. `nx g @forge/migration:modify-column --required` writes these steps.',
        });
      }
    }
    return findings;
  },
};
