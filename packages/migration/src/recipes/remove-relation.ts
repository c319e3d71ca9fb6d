import type { RemovedRelation } from '../prisma-schema/edits/remove-relation';
import { quoteIdent } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { foreignKeySeedHints, notValid, orphanCheck, validateConstraint, withHeaderComments } from './foreign-key-sql';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { steppedScript, transactionalScript } from './scripts';

/**
 * Prisma's `DROP CONSTRAINT` is already the right statement (no scan; ACCESS EXCLUSIVE on both
 * tables, briefly): it only needs a lock timeout. The rollback re-adds the key NOT VALID, after an
 * orphan check that lists the rows written meanwhile that would break it, then VALIDATEs it in a
 * step of its own (SHARE UPDATE EXCLUSIVE: writes go on).
 */
export function removeRelationRecipe(naive: { up: string; down: string }, relation: RemovedRelation, options: RecipeOptions): MigrationPlan {
  const table = quoteIdent(relation.table);
  const constraint = quoteIdent(relation.constraint);
  const [drop, ...moreUp] = splitStatements(naive.up).map(statementText);
  const [add, ...moreDown] = splitStatements(naive.down).map(statementText);
  if (drop !== `ALTER TABLE ${table} DROP CONSTRAINT ${constraint}` || moreUp.length) throw new UnexpectedDiffError('remove-relation', naive.up);
  if (!add?.startsWith(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} FOREIGN KEY `) || moreDown.length) {
    throw new UnexpectedDiffError('remove-relation (reverse)', naive.down);
  }
  const subject = `${relation.table}.${relation.columns.join(', ')} → ${relation.referencedTable}`;
  return {
    migrations: [
      {
        name: options.migrationName,
        // Seed hints: the rows migrate-validate writes reference existing rows, as the application
        // that relied on the key did, so the proof's rollback re-adds it (orphans stop it, listed).
        up: withHeaderComments(
          transactionalScript(`Drop foreign key ${relation.constraint} (${subject}); the column${relation.columns.length > 1 ? 's stay' : ' stays'}`, [`${drop};`], options.lockTimeout),
          foreignKeySeedHints(relation),
        ),
        down: steppedScript(
          `Reverse of: drop foreign key ${relation.constraint}. Orphan check, re-add NOT VALID, then VALIDATE in a transaction of its own`,
          [
            { title: 'the key back NOT VALID, after the orphan check (brief lock, no scan; new writes are checked)', statements: [orphanCheck(relation, 're-add', 'migrate-down'), notValid(`${add};`)] },
            { title: 'VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)', statements: [validateConstraint(relation)] },
          ],
          options.lockTimeout,
        ),
      },
    ],
    notes: [
      ...relation.notes,
      `DROP CONSTRAINT takes a brief ACCESS EXCLUSIVE lock on ${relation.table} and ${relation.referencedTable}, behind lock_timeout ${options.lockTimeout}.`,
      `Rollback: rows written meanwhile whose ${relation.columns.join(', ')} has no ${relation.referencedTable} stop it with a message listing them. ` +
        `It re-adds the key NOT VALID, then validates it in a step of its own (migrate-down commits each step), so writes to ${relation.table} go on during that scan.`,
    ],
  };
}
