import { isSerialType, volatileFunction } from '../../ast';
import { columnsAddedToExistingTables, q } from '../rule-helpers';
import type { LintRule, RuleFinding } from '../types';

/**
 * `ADD COLUMN` is metadata-only with no default or a non-volatile one (PostgreSQL ≥ 11). A volatile
 * default (gen_random_uuid(), random(), clock_timestamp(), a serial's nextval), an identity or a
 * stored generated column is computed per row: the table is rewritten under ACCESS EXCLUSIVE.
 */
export const volatileDefault: LintRule = {
  id: 'volatile-default',
  severity: 'error',
  summary: 'Do not add a column whose default is computed per row to an existing table.',
  peers: { squawk: 'adding-field-with-default, adding-serial-primary-key-field', strongMigrations: 'add_column_default_callable, add_column_generated_stored, add_column_auto_incrementing', atlas: 'PG302' },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const { statement, table, def, constraints } of columnsAddedToExistingTables(context)) {
      const fn = volatileFunction(constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr);
      const cause = fn
        ? `its default ${fn}() is volatile (computed per row)`
        : isSerialType(def)
          ? 'a serial column takes nextval() per row'
          : constraints.some((c) => c.contype === 'CONSTR_IDENTITY')
            ? 'an identity column is numbered per row'
            : constraints.some((c) => c.contype === 'CONSTR_GENERATED')
              ? 'a stored generated column is computed per row'
              : undefined;
      if (!cause) continue;
      findings.push({
        statement,
        message: `ADD COLUMN ${q(def.colname)} rewrites every row of ${q(table)} under ACCESS EXCLUSIVE (reads and writes wait): ${cause}.`,
        fix:
          'Add the column without that default, SET DEFAULT for new rows in the same migration, and backfill existing rows in batches (a data migration). ' +
          '`nx g @forge/migration:add-column` does this for a dbgenerated() default.',
      });
    }
    return findings;
  },
};
