import { inputError } from '../errors';
import type { AddedColumn } from '../prisma-schema/edits/add-columns';
import { splitStatements } from '../sql/split-statements';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { transactionalScript } from './scripts';

/**
 * A nullable column, or one with a constant database default, is a metadata-only change in
 * PostgreSQL ≥ 11: Prisma's `ADD COLUMN` is already the safe statement; it only needs a lock
 * timeout. A required column without a database default cannot be added to a table with rows.
 */
export function addColumnRecipe(
  naive: { up: string; down: string },
  table: string,
  columns: AddedColumn[],
  options: RecipeOptions,
): MigrationPlan {
  for (const column of columns) assertAddableInOneStep(table, column);
  const up = splitStatements(naive.up);
  const down = splitStatements(naive.down);
  if (up.length === 0 || down.length === 0) throw new UnexpectedDiffError('add-column', naive.up || naive.down);
  const names = columns.map((c) => c.name).join(', ');
  return {
    migrations: [
      {
        name: options.migrationName,
        up: transactionalScript(`Add ${names} to ${table}`, up, options.lockTimeout),
        down: transactionalScript(`Reverse of: add ${names} to ${table}`, down, options.lockTimeout),
      },
    ],
    notes: [`ADD COLUMN ${columns.some((c) => c.defaultKind === 'constant') ? 'with a constant default ' : ''}is metadata-only: ${table} is not rewritten.`],
  };
}

function assertAddableInOneStep(table: string, column: AddedColumn): void {
  const required = !column.optional && !column.list;
  if (column.defaultKind === 'volatile') {
    throw inputError(
      `Column ${column.name}: the default ${column.default} is volatile, so PostgreSQL would rewrite all of ${table} ` +
        'under an exclusive lock. Add the column as --optional (and fill it with a data migration) or use a constant --default.',
    );
  }
  if (required && (column.defaultKind === 'none' || column.defaultKind === 'client-side')) {
    throw inputError(
      `Column ${column.name} is required and has no database default, so adding it would fail on a ${table} table ` +
        `that has rows${column.defaultKind === 'client-side' ? ` (${column.default} is filled in by Prisma Client, not by the database)` : ''}. ` +
        'Fix: add it with --optional, or give a constant --default (for example --default 0 or --default "").',
    );
  }
}
