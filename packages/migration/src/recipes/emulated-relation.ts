import type { AddedRelation } from '../prisma-schema/edits/add-relation';
import type { RemovedRelation } from '../prisma-schema/edits/remove-relation';
import { quotedIdentPattern } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { UnexpectedDiffError, type MigrationPlan, type PlannedMigration, type RecipeOptions } from './plan';
import { createIndexConcurrently, dropIndexConcurrently, standaloneScript, transactionalScript } from './scripts';

/**
 * Relations under `relationMode = "prisma"`: the database holds no foreign key (Prisma Client
 * emulates the referential actions), so a relation is at most a new column and the index Prisma
 * recommends on the relation scalar. The column is a metadata-only ADD COLUMN behind
 * lock_timeout; the index is built CONCURRENTLY in its own migration, so writes never wait for it.
 */
export function addEmulatedRelationRecipe(naive: { up: string; down: string }, relation: AddedRelation, options: RecipeOptions): MigrationPlan {
  const table = quotedIdentPattern(relation.table);
  const index = relation.index ? quotedIdentPattern(relation.index.name) : '\\0';
  const up = byKind(naive.up, 'add-relation', { column: new RegExp(`^ALTER TABLE ${table} ADD COLUMN `), index: new RegExp(`^CREATE INDEX ${index} ON ${table}\\(`) });
  const down = byKind(naive.down, 'add-relation (reverse)', { column: new RegExp(`^ALTER TABLE ${table} DROP COLUMN `), index: new RegExp(`^DROP INDEX ${index}$`) });
  const expectedIndexes = relation.index ? 1 : 0;
  if (up.index.length !== expectedIndexes || (up.column.length > 0) !== relation.newColumns.length > 0) throw new UnexpectedDiffError('add-relation', naive.up);
  if (down.index.length !== expectedIndexes || (down.column.length > 0) !== relation.newColumns.length > 0) {
    throw new UnexpectedDiffError('add-relation (reverse)', naive.down);
  }
  if (!up.column.length && !relation.index) return schemaOnly(relationNotes(relation));

  const base = options.migrationName;
  const migrations: PlannedMigration[] = [];
  if (up.column.length) {
    migrations.push({
      name: base,
      up: transactionalScript(`Add column ${relation.newColumns.join(', ')} to ${relation.table} for relation ${relation.field} (relationMode = "prisma": no foreign key)`, up.column.map((s) => `${s};`), options.lockTimeout),
      down: transactionalScript(`Reverse of: add column ${relation.newColumns.join(', ')}`, down.column.map((s) => `${s};`), options.lockTimeout),
    });
  }
  if (relation.index) {
    migrations.push({
      name: `${base}_index`,
      up: standaloneScript(
        `Index ${relation.index.name} on ${relation.table}(${relation.index.columns.join(', ')}) for relation ${relation.field}, built without blocking writes`,
        createIndexConcurrently(up.index[0]),
      ),
      down: standaloneScript(`Reverse of: index ${relation.index.name}`, dropIndexConcurrently(relation.index.name)),
    });
  }
  return {
    migrations,
    notes: [
      ...relationNotes(relation),
      ...(up.column.length ? [`New nullable column ${relation.newColumns.join(', ')}: metadata-only ADD COLUMN behind lock_timeout ${options.lockTimeout}.`] : []),
      ...(relation.index
        ? [`No index started with ${relation.table}(${relation.columns.join(', ')}): ${relation.index.name} is built CONCURRENTLY (Prisma asks for one on every relation scalar in relationMode "prisma"); @@index added to the schema.`]
        : []),
    ],
  };
}

/**
 * Removing a relation under `relationMode = "prisma"` changes only the schema: there is no foreign
 * key to drop, the column stays (as with foreign keys), and so does its index, which a query may use.
 */
export function removeEmulatedRelationRecipe(naive: { up: string; down: string }, relation: RemovedRelation): MigrationPlan {
  if (splitStatements(naive.up).length) throw new UnexpectedDiffError('remove-relation', naive.up);
  if (splitStatements(naive.down).length) throw new UnexpectedDiffError('remove-relation (reverse)', naive.down);
  return schemaOnly([
    ...relation.notes,
    `relationMode = "prisma": the database has no foreign key for ${relation.table}.${relation.columns.join(', ')} → ${relation.referencedTable}, so only the schema changes and no migration is written. ` +
      `The column${relation.columns.length > 1 ? 's and their' : ' and its'} index stay.`,
  ]);
}

function relationNotes(relation: AddedRelation): string[] {
  return [
    ...relation.notes,
    `relationMode = "prisma": no foreign key in the database for ${relation.table}.${relation.columns.join(', ')} → ${relation.referencedTable}; Prisma Client checks references and runs the referential actions.`,
  ];
}

function schemaOnly(notes: string[]): MigrationPlan {
  return { migrations: [], notes };
}

/** Prisma's statements sorted by the recipe's kinds; any other statement is an UnexpectedDiffError. */
function byKind<K extends string>(sql: string, change: string, kinds: Record<K, RegExp>): Record<K, string[]> {
  const sorted = Object.fromEntries(Object.keys(kinds).map((k) => [k, [] as string[]])) as Record<K, string[]>;
  for (const statement of splitStatements(sql).map(statementText)) {
    const kind = (Object.keys(kinds) as K[]).find((k) => kinds[k].test(statement));
    if (!kind) throw new UnexpectedDiffError(change, sql);
    sorted[kind].push(statement);
  }
  return sorted;
}
