import type { AddedIndex } from '../prisma-schema/edits/add-index';
import { splitStatements, statementText } from '../sql/split-statements';
import { quoteIdent } from '../sql/identifiers';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { standaloneScript } from './scripts';

const ALONE = 'CONCURRENTLY cannot run inside a transaction block, so this statement is alone in its migration.';

/**
 * Prisma writes `CREATE INDEX`, which takes a SHARE lock and blocks every write for the whole
 * build. The safe form builds the index CONCURRENTLY (writes continue), alone in its migration;
 * IF NOT EXISTS makes a re-run after an interrupted deploy a no-op. The reverse drops it the same way.
 */
export function addIndexRecipe(naive: { up: string; down: string }, index: AddedIndex, options: RecipeOptions): MigrationPlan {
  const [create, ...restUp] = splitStatements(naive.up);
  const [drop, ...restDown] = splitStatements(naive.down);
  const createPattern = new RegExp(`^CREATE (UNIQUE )?INDEX ${escape(quoteIdent(index.name))} ON `);
  if (!create || restUp.length || !createPattern.test(statementText(create))) throw new UnexpectedDiffError('add-index', naive.up);
  if (!drop || restDown.length || statementText(drop) !== `DROP INDEX ${quoteIdent(index.name)}`) {
    throw new UnexpectedDiffError('add-index (reverse)', naive.down);
  }
  const up = `${statementText(create).replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY IF NOT EXISTS ')};`;
  const down = `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(index.name)};`;
  return {
    migrations: [
      {
        name: options.migrationName,
        up: standaloneScript(`Add ${index.unique ? 'unique ' : ''}index ${index.name} on ${index.table}`, up, ALONE),
        down: standaloneScript(`Reverse of: add index ${index.name}`, down, ALONE),
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

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
