import type { AddedTable } from '../prisma-schema/edits/add-table';
import type { RelationMode } from '../prisma-schema/relation-mode';
import { quotedIdentPattern } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { transactionalScript } from './scripts';

/**
 * A new table is safe as Prisma writes it: nobody reads or writes it yet, so plain CREATE INDEX is
 * fine and its foreign keys validate instantly (no rows). Each foreign key still takes a brief
 * SHARE ROW EXCLUSIVE lock on the referenced table, hence one transaction behind lock_timeout.
 * The reverse is Prisma's: drop the foreign keys and the (new) table. Under relationMode "prisma"
 * there are no foreign keys, only the relation scalars' indexes.
 */
export function addTableRecipe(naive: { up: string; down: string }, added: AddedTable, options: RecipeOptions, relationMode: RelationMode = 'foreignKeys'): MigrationPlan {
  const foreignKeys = relationMode === 'prisma' ? 0 : added.relations.length;
  const table = quotedIdentPattern(added.table);
  const upKinds = [
    new RegExp(`^CREATE TABLE ${table} \\(`),
    new RegExp(`^CREATE (UNIQUE )?INDEX "(?:[^"]|"")+" ON ${table}\\(`),
    new RegExp(`^ALTER TABLE ${table} ADD CONSTRAINT "(?:[^"]|"")+" FOREIGN KEY `),
  ];
  const downKinds = [new RegExp(`^ALTER TABLE ${table} DROP CONSTRAINT "(?:[^"]|"")+"$`), new RegExp(`^DROP TABLE ${table}$`)];
  const up = checked(naive.up, upKinds, 'add-table');
  const down = checked(naive.down, downKinds, 'add-table (reverse)');
  const count = (statements: string[], pattern: RegExp) => statements.filter((s) => pattern.test(statementText(s))).length;
  if (count(up, upKinds[0]) !== 1 || count(up, upKinds[2]) !== foreignKeys) throw new UnexpectedDiffError('add-table', naive.up);
  if (count(down, downKinds[1]) !== 1 || count(down, downKinds[0]) !== foreignKeys) {
    throw new UnexpectedDiffError('add-table (reverse)', naive.down);
  }
  const referenced = foreignKeys ? [...new Set(added.relations.map((r) => r.referencedTable))] : [];
  return {
    migrations: [
      {
        name: options.migrationName,
        up: transactionalScript(`Create table ${added.table}`, up, options.lockTimeout),
        down: transactionalScript(`Reverse of: create table ${added.table}`, down, options.lockTimeout),
      },
    ],
    notes: [
      ...added.notes,
      `${added.table} is new and empty: CREATE TABLE, its indexes and foreign keys run as Prisma writes them, in one transaction.`,
      ...(referenced.length
        ? [`Its foreign keys take a brief SHARE ROW EXCLUSIVE lock on ${referenced.join(', ')} (writes wait a moment), behind lock_timeout ${options.lockTimeout}.`]
        : []),
      ...(relationMode === 'prisma' && added.relations.length
        ? ['relationMode = "prisma": no foreign keys in the database; Prisma Client checks references and runs the referential actions, and each relation scalar is indexed.']
        : []),
    ],
  };
}

/** Prisma's statements, each of an expected kind; anything else is an UnexpectedDiffError. */
function checked(sql: string, kinds: RegExp[], change: string): string[] {
  const statements = splitStatements(sql);
  if (!statements.length || statements.some((s) => !kinds.some((k) => k.test(statementText(s))))) throw new UnexpectedDiffError(change, sql);
  return statements;
}
