import type { AddedIndex } from '../prisma-schema/edits/add-index';
import { splitStatements, statementText } from '../sql/split-statements';
import { quoteIdent, quotedIdentPattern } from '../sql/identifiers';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { createIndexConcurrently, dropIndexConcurrently, standaloneScript } from './scripts';

/**
 * Prisma writes `CREATE INDEX`, which takes a SHARE lock and blocks every write for the whole
 * build. The safe form builds the index CONCURRENTLY (writes continue), alone in its migration;
 * IF NOT EXISTS makes a re-run after an interrupted deploy a no-op. The reverse drops it the same way.
 */
export function addIndexRecipe(naive: { up: string; down: string }, index: AddedIndex, options: RecipeOptions): MigrationPlan {
  const [create, ...restUp] = splitStatements(naive.up);
  const [drop, ...restDown] = splitStatements(naive.down);
  const createPattern = new RegExp(`^CREATE (UNIQUE )?INDEX ${quotedIdentPattern(index.name)} ON `);
  if (!create || restUp.length || !createPattern.test(statementText(create))) throw new UnexpectedDiffError('add-index', naive.up);
  if (!drop || restDown.length || statementText(drop) !== `DROP INDEX ${quoteIdent(index.name)}`) {
    throw new UnexpectedDiffError('add-index (reverse)', naive.down);
  }
  const up = createIndexConcurrently(statementText(create));
  const down = dropIndexConcurrently(index.name);
  return {
    migrations: [
      {
        name: options.migrationName,
        up: standaloneScript(`Add ${index.unique ? 'unique ' : ''}index ${index.name} on ${index.table}`, up),
        down: standaloneScript(`Reverse of: add index ${index.name}`, down),
      },
    ],
    notes: [
      `CREATE INDEX CONCURRENTLY instead of CREATE INDEX: writes to ${index.table} continue during the build.`,
      ...(index.unique
        ? [`Unique: the build fails if ${index.table} holds duplicate (${index.columns.join(', ')}) values; an interrupted build leaves an INVALID index that migrate drops before retrying.`]
        : []),
    ],
  };
}
