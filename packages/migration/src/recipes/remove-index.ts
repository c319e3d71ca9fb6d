import type { RemovedIndex } from '../prisma-schema/edits/remove-index';
import { quotedIdentPattern } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { UnexpectedDiffError, type MigrationPlan, type PlannedMigration, type RecipeOptions } from './plan';
import { createIndexConcurrently, standaloneScript } from './scripts';
import { dropUniqueConstraintIfAny, restoreUniqueConstraintIfRemoved } from './unique-constraint-step';

/**
 * Prisma writes `DROP INDEX`, which takes an ACCESS EXCLUSIVE lock: it waits for every running
 * query on the table and blocks reads and writes behind it. The safe form drops the index
 * CONCURRENTLY, alone in its migration. The reverse rebuilds it from Prisma's definition
 * (its reverse diff), CONCURRENTLY too.
 *
 * A unique may be a UNIQUE constraint in the database rather than the unique index Prisma
 * creates (hand-written migrations, `db pull`ed databases); the generator cannot see which.
 * DROP INDEX refuses an index that backs a constraint, and CONCURRENTLY cannot run in a DO block,
 * so a unique gets two migrations: first a transactional one that drops the constraint only if
 * it is one (remembering it for the rollback), then the concurrent DROP INDEX IF EXISTS.
 * Rolling back both restores either form exactly. Known limit of the constraint form: rolling back
 * step 2 alone rebuilds the index although the state between the steps had none (its rollback
 * cannot be conditional); step 1's rollback then turns that index back into the constraint.
 */
export function removeIndexRecipe(naive: { up: string; down: string }, index: RemovedIndex, options: RecipeOptions): MigrationPlan {
  const [drop, ...restUp] = splitStatements(naive.up);
  const [create, ...restDown] = splitStatements(naive.down);
  const indexRef = `(?:"(?:[^"]|"")+"\\.)?${quotedIdentPattern(index.name)}`;
  const dropText = drop && statementText(drop);
  if (!dropText || restUp.length || !new RegExp(`^DROP INDEX ${indexRef}$`).test(dropText)) throw new UnexpectedDiffError('remove-index', naive.up);
  const createText = create && statementText(create);
  const createPattern = new RegExp(`^CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quotedIdentPattern(index.name)} ON `);
  if (!createText || restDown.length || !createPattern.test(createText)) throw new UnexpectedDiffError('remove-index (reverse)', naive.down);

  const dropIndex = standaloneScript(
    `Remove ${index.unique ? 'unique ' : ''}index ${index.name} from ${index.table}`,
    `${dropText.replace(/^DROP INDEX /, 'DROP INDEX CONCURRENTLY IF EXISTS ')};`,
  );
  const rebuildIndex = standaloneScript(
    `Reverse of: remove index ${index.name} (rebuilt from the schema's definition)`,
    createIndexConcurrently(createText),
  );
  const migrations: PlannedMigration[] = [];
  if (index.unique) {
    const constraint = { table: index.table, schema: index.schema, name: index.name };
    migrations.push({
      name: `${options.migrationName}_constraint`,
      up: dropUniqueConstraintIfAny(constraint, options.lockTimeout),
      down: restoreUniqueConstraintIfRemoved(constraint, options.lockTimeout),
    });
  }
  migrations.push({ name: options.migrationName, up: dropIndex, down: rebuildIndex });
  return {
    migrations,
    notes: [
      `DROP INDEX CONCURRENTLY instead of DROP INDEX: reads and writes on ${index.table} continue while the index goes.`,
      ...(index.unique
        ? [
            `Two migrations: the first drops ${index.name} if the database holds it as a UNIQUE constraint (Prisma creates a unique index, ` +
              'hand-written SQL a constraint), brief lock under lock_timeout, and remembers it in _forge so the rollback re-attaches it; ' +
              'the second drops the index concurrently (a no-op when the constraint took it along). ' +
              'If the database holds a constraint, roll the two back together (migrate-down --count 2).',
            `Rollback rebuilds the unique index concurrently; it fails if duplicate (${index.columns.join(', ')}) values were written in the meantime.`,
          ]
        : []),
      ...index.notes,
    ],
  };
}
