import { DEFAULT_PG_MAJOR, type PgMajor } from '../engine/postgres-releases';
import { quoteIdent } from '../sql/identifiers';
import { hasFeature } from '../versions/features';
import { notNullConstraintName } from './backup-names';
import type { PlannedMigration } from './plan';
import { createFillTrigger, dropFillTrigger, notNullCheckName, type FillRecord } from './required-column';
import { transactionalScript } from './scripts';

/**
 * Making a column NOT NULL without scanning the table under an exclusive lock, in two migrations
 * (the first commits before the second scans), the way the target PostgreSQL major allows:
 * - 18 on: `ADD CONSTRAINT t_c_not_null NOT NULL c NOT VALID` (brief lock, no scan; new writes
 *   are checked), then `VALIDATE CONSTRAINT` (scans under SHARE UPDATE EXCLUSIVE: writes go on).
 *   The constraint is the column's NOT NULL, named as PostgreSQL 18 names it on a fresh database.
 * - 14–17: a helper `CHECK (c IS NOT NULL) NOT VALID`, then VALIDATE it, `SET NOT NULL` (which
 *   finds the validated check and skips its own scan) and drop the check.
 */
export interface NotNullSteps {
  /** Step 1, and its reverse. */
  add(table: string, column: string): string;
  drop(table: string, column: string): string;
  /** Step 2, and its reverse: the exact state before step 2 (nullable for writes that were allowed, constraint not validated). */
  enforce(table: string, column: string): string[];
  unenforce(table: string, column: string): string[];
  /**
   * After `RENAME COLUMN from TO to`: the constraint of step 1 takes the name the column's NOT
   * NULL would have (18 on; below, the check is gone by then: nothing to do).
   */
  renameWithColumn(table: string, from: string, to: string): string[];
  /** For migration titles and notes. */
  words: {
    /** Step 1's statement, e.g. `CHECK (… IS NOT NULL) NOT VALID`. */
    add: string;
    /** What step 1 adds: `check` or `constraint`. */
    constraint: string;
    /** Step 2, with its lock; and in a few words. */
    enforce: string;
    enforceBriefly: string;
    /** The statement step 2's reverse undoes, and the state it leaves. */
    undone: string;
    unenforced: string;
    /** Both steps in one phrase, for notes. */
    route: string;
  };
}

export function notNullSteps(major: PgMajor = DEFAULT_PG_MAJOR): NotNullSteps {
  return hasFeature(major, 'not-null-not-valid') ? NOT_VALID_NOT_NULL : CHECK_ROUTE;
}

const NOT_VALID_NOT_NULL: NotNullSteps = {
  add: (table, column) =>
    `ALTER TABLE ${quoteIdent(table)} ADD CONSTRAINT ${quoteIdent(notNullConstraintName(table, column))} NOT NULL ${quoteIdent(column)} NOT VALID;`,
  drop: (table, column) => `ALTER TABLE ${quoteIdent(table)} DROP CONSTRAINT ${quoteIdent(notNullConstraintName(table, column))};`,
  enforce: (table, column) => [`ALTER TABLE ${quoteIdent(table)} VALIDATE CONSTRAINT ${quoteIdent(notNullConstraintName(table, column))};`],
  // A validated constraint cannot be made NOT VALID again: drop it and add it back unvalidated (neither scans).
  unenforce: (table, column) => [NOT_VALID_NOT_NULL.drop(table, column), NOT_VALID_NOT_NULL.add(table, column)],
  renameWithColumn: (table, from, to) => {
    const [before, after] = [notNullConstraintName(table, from), notNullConstraintName(table, to)];
    return before === after ? [] : [`ALTER TABLE ${quoteIdent(table)} RENAME CONSTRAINT ${quoteIdent(before)} TO ${quoteIdent(after)};`];
  },
  words: {
    add: 'NOT NULL … NOT VALID',
    constraint: 'constraint',
    enforce: 'VALIDATE the NOT NULL constraint (scan under SHARE UPDATE EXCLUSIVE, writes continue)',
    enforceBriefly: 'VALIDATE (writes continue)',
    undone: 'VALIDATE',
    unenforced: 'constraint back to NOT VALID (no scan)',
    route: 'NOT NULL … NOT VALID, then VALIDATE (writes continue; PostgreSQL 18)',
  },
};

const CHECK_ROUTE: NotNullSteps = {
  add: (table, column) =>
    `ALTER TABLE ${quoteIdent(table)} ADD CONSTRAINT ${quoteIdent(notNullCheckName(table, column))} CHECK (${quoteIdent(column)} IS NOT NULL) NOT VALID;`,
  drop: (table, column) => `ALTER TABLE ${quoteIdent(table)} DROP CONSTRAINT ${quoteIdent(notNullCheckName(table, column))};`,
  enforce: (table, column) => {
    const t = quoteIdent(table);
    return [
      `ALTER TABLE ${t} VALIDATE CONSTRAINT ${quoteIdent(notNullCheckName(table, column))};`,
      `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(column)} SET NOT NULL;`,
      CHECK_ROUTE.drop(table, column),
    ];
  },
  unenforce: (table, column) => [`ALTER TABLE ${quoteIdent(table)} ALTER COLUMN ${quoteIdent(column)} DROP NOT NULL;`, CHECK_ROUTE.add(table, column)],
  renameWithColumn: () => [],
  words: {
    add: 'CHECK (… IS NOT NULL) NOT VALID',
    constraint: 'check',
    enforce: 'VALIDATE (scan under SHARE UPDATE EXCLUSIVE, writes continue), then SET NOT NULL (uses the validated check: no scan), then drop the check',
    enforceBriefly: 'VALIDATE (writes continue) + SET NOT NULL (no scan)',
    undone: 'SET NOT NULL',
    unenforced: 'nullable again, check back (not validated)',
    route: 'CHECK … NOT VALID, VALIDATE (writes continue) and SET NOT NULL (no scan)',
  },
};

/**
 * The migration of step 2 for `columns` of `table`: `enforce` each, then drop the fill triggers
 * of `filled` (no longer needed once the column is NOT NULL). Its down is the exact state before:
 * the triggers back, the columns' constraints not validated.
 */
export function enforceNotNullMigration(step: {
  name: string;
  table: string;
  columns: string[];
  filled: { column: string; expression: string; record?: FillRecord }[];
  stamp: string;
  titles: { up: string; down: string };
  lockTimeout: string;
  steps: NotNullSteps;
}): PlannedMigration {
  const { table, stamp, steps } = step;
  return {
    name: step.name,
    up: transactionalScript(
      step.titles.up,
      [...step.columns.flatMap((c) => steps.enforce(table, c)), ...step.filled.flatMap((f) => dropFillTrigger(table, f.column, stamp))],
      step.lockTimeout,
    ),
    down: transactionalScript(
      step.titles.down,
      [...step.filled.flatMap((f) => createFillTrigger(table, f.column, stamp, f.expression, f.record)), ...step.columns.flatMap((c) => steps.unenforce(table, c))],
      step.lockTimeout,
    ),
  };
}
