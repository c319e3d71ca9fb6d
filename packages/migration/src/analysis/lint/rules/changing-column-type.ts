import { isCatalogOnlyTypeChange } from '../binary-coercible';
import { alterTableCommands, q } from '../rule-helpers';
import { columnType, typeText } from '../../sql-facts';
import type { LintRule, RuleFinding } from '../types';

/**
 * `ALTER COLUMN … TYPE` rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE, unless
 * the stored bytes stay valid (varchar(32) → varchar(64) or text, numeric precision up…). The
 * column's current type comes from the migrations before; when none shows it, the rule cannot tell
 * and asks for an explicit `-- forge-lint: allow changing-column-type -- <why>`.
 */
export const changingColumnType: LintRule = {
  id: 'changing-column-type',
  severity: 'error',
  summary: 'Change a column type in place only when PostgreSQL needs no rewrite.',
  peers: { squawk: 'changing-column-type', strongMigrations: 'change_column', atlas: 'PG301' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const catalog = context.catalogBefore(statement.index);
      for (const { table, cmd } of alterTableCommands(statement)) {
        if (cmd.subtype !== 'AT_AlterColumnType' || catalog.isNewTable(table)) continue;
        const def = cmd.def?.ColumnDef;
        const to = columnType(def?.typeName);
        const from = catalog.column(table, cmd.name)?.type ?? null;
        const using = Boolean(def?.raw_default);
        if (from && to && !using && isCatalogOnlyTypeChange(from, to)) continue;
        findings.push({
          statement,
          message: from
            ? `Changing ${q(table)}.${q(cmd.name)} from ${typeText(from)} to ${typeText(to)}${using ? ' with USING' : ''} rewrites every row of ${q(table)} and rebuilds its indexes under ACCESS EXCLUSIVE: reads and writes wait.`
            : `Changing the type of ${q(table)}.${q(cmd.name)} to ${typeText(to)} rewrites ${q(table)} under ACCESS EXCLUSIVE unless the cast is binary-coercible, and no migration before this one shows the column's current type.`,
          fix:
            'Expand/contract: add a new column, backfill it in batches, swap (`nx g @forge/migration:modify-column` writes it). ' +
            'If the change needs no rewrite (varchar(n) → varchar(m ≥ n) or text, numeric precision up at the same scale, timestamp precision up), say so above the statement: ' +
            `-- forge-lint: allow changing-column-type -- <old type> → ${typeText(to)} is binary-coercible`,
        });
      }
    }
    return findings;
  },
};
