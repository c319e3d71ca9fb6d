import type { AddedRelation } from '../prisma-schema/edits/add-relation';
import { quotedIdentPattern } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { dropConstraint, foreignKeySeedHints, notValid, orphanCheck, validateConstraint, withHeaderComments } from './foreign-key-sql';
import { UnexpectedDiffError, type MigrationPlan, type PlannedMigration, type RecipeOptions } from './plan';
import { createIndexConcurrently, dropIndexConcurrently, standaloneScript, transactionalScript } from './scripts';

/**
 * Prisma writes `ADD CONSTRAINT … FOREIGN KEY`, which scans the whole referencing table while it
 * holds SHARE ROW EXCLUSIVE on both tables (writes to both blocked), and fails with one row named
 * if any row is an orphan. The safe recipe:
 *   A  `ADD CONSTRAINT … NOT VALID` (+ the new column, if any): brief lock, no scan; new writes are checked from here on.
 *   B  orphan check (readable error listing the rows) + `VALIDATE CONSTRAINT`: SHARE UPDATE EXCLUSIVE, writes continue.
 *   plus, when no index starts with the foreign-key columns, the index built CONCURRENTLY alone in
 *   its migration: before A when the column exists (the constraint's checks on deletes and key
 *   updates of the referenced table never scan the referencing table), right after A when A creates the column.
 */
export function addRelationRecipe(naive: { up: string; down: string }, relation: AddedRelation, options: RecipeOptions): MigrationPlan {
  const up = classify(naive.up, relation, 'add-relation');
  const down = classify(naive.down, relation, 'add-relation (reverse)');
  if (
    up.addForeignKey.length !== 1 ||
    up.dropForeignKey.length ||
    up.dropColumn.length ||
    up.dropIndex.length ||
    up.createIndex.length !== (relation.index ? 1 : 0) ||
    !!up.addColumn.length !== relation.newColumns.length > 0
  ) {
    throw new UnexpectedDiffError('add-relation', naive.up);
  }
  if (
    down.dropForeignKey.length !== 1 ||
    down.addForeignKey.length ||
    down.addColumn.length ||
    down.createIndex.length ||
    down.dropIndex.length !== (relation.index ? 1 : 0) ||
    !!down.dropColumn.length !== relation.newColumns.length > 0
  ) {
    throw new UnexpectedDiffError('add-relation (reverse)', naive.down);
  }

  const base = options.migrationName;
  const subject = `${relation.table}.${relation.columns.join(', ')} → ${relation.referencedTable}`;
  const hints = foreignKeySeedHints(relation);
  const addForeignKey = `${up.addForeignKey[0]};`;
  const notValidMigration: PlannedMigration = {
    name: `${base}_not_valid`,
    up: withHeaderComments(
      transactionalScript(
        `Add foreign key ${relation.constraint} (${subject}) NOT VALID: brief lock on both tables, no scan`,
        [...up.addColumn.map((s) => `${s};`), notValid(addForeignKey)],
        options.lockTimeout,
      ),
      hints,
    ),
    down: transactionalScript(
      `Reverse of: add foreign key ${relation.constraint}${relation.newColumns.length ? ` and column ${relation.newColumns.join(', ')}` : ''}`,
      [dropConstraint(relation, true), ...down.dropColumn.map((s) => `${s};`)],
      options.lockTimeout,
    ),
  };
  const validateMigration: PlannedMigration = {
    name: `${base}_validate`,
    up: withHeaderComments(
      transactionalScript(
        `Validate foreign key ${relation.constraint}: scans ${relation.table} under SHARE UPDATE EXCLUSIVE, writes continue`,
        [orphanCheck(relation, 'validate', 'migrate'), validateConstraint(relation)],
        options.lockTimeout,
      ),
      hints,
    ),
    down: transactionalScript(
      `Reverse of: validate ${relation.constraint} (back to NOT VALID, the state before)`,
      [dropConstraint(relation), notValid(addForeignKey)],
      options.lockTimeout,
    ),
  };
  const migrations = [notValidMigration, validateMigration];
  if (relation.index) {
    const indexMigration: PlannedMigration = {
      name: `${base}_index`,
      // The seed hints too: when the column exists this migration comes first, and validate seeds the
      // table here; rows seeded without them would be orphans that the foreign key rightly refuses.
      up: withHeaderComments(
        standaloneScript(
          `Index ${relation.index.name} on ${relation.table}(${relation.index.columns.join(', ')}) for the foreign key, built without blocking writes`,
          createIndexConcurrently(up.createIndex[0]),
        ),
        hints,
      ),
      down: standaloneScript(`Reverse of: index ${relation.index.name}`, dropIndexConcurrently(relation.index.name)),
    };
    migrations.splice(relation.newColumns.length ? 1 : 0, 0, indexMigration);
  }

  return {
    migrations,
    notes: [
      ...relation.notes,
      `ADD CONSTRAINT … NOT VALID then VALIDATE CONSTRAINT: ${relation.table} is scanned without blocking writes to ${relation.table} or ${relation.referencedTable}.`,
      `Rows of ${relation.table} whose ${relation.columns.join(', ')} has no ${relation.referencedTable} stop the validate migration with a message listing them; fix them and run migrate again (the NOT VALID constraint already checks every new write).`,
      ...(relation.index
        ? [
            `No index started with ${relation.table}(${relation.columns.join(', ')}): ${relation.index.name} is built CONCURRENTLY ` +
              (relation.newColumns.length
                ? 'right after the column is added, '
                : 'before the constraint exists, ') +
              `so deletes and key updates on ${relation.referencedTable} never scan ${relation.table} to check it; @@index added to the schema.`,
          ]
        : []),
      ...(relation.newColumns.length ? [`New nullable column ${relation.newColumns.join(', ')}: metadata-only ADD COLUMN, in migration A.`] : []),
      ...(hints.length ? [] : ['Composite key: migrate-validate gets no seed hint for it; seed matching parent rows yourself.']),
    ],
  };
}

interface Classified {
  addColumn: string[];
  dropColumn: string[];
  createIndex: string[];
  dropIndex: string[];
  addForeignKey: string[];
  dropForeignKey: string[];
}

/** Sorts Prisma's statements by kind; any statement this recipe does not expect is an UnexpectedDiffError. */
function classify(sql: string, relation: AddedRelation, change: string): Classified {
  const table = quotedIdentPattern(relation.table);
  const fk = quotedIdentPattern(relation.constraint);
  const index = relation.index ? quotedIdentPattern(relation.index.name) : '\\0';
  const kinds: [keyof Classified, RegExp][] = [
    ['addColumn', new RegExp(`^ALTER TABLE ${table} ADD COLUMN `)],
    ['dropColumn', new RegExp(`^ALTER TABLE ${table} DROP COLUMN `)],
    ['createIndex', new RegExp(`^CREATE INDEX ${index} ON ${table}\\(`)],
    ['dropIndex', new RegExp(`^DROP INDEX ${index}$`)],
    ['addForeignKey', new RegExp(`^ALTER TABLE ${table} ADD CONSTRAINT ${fk} FOREIGN KEY `)],
    ['dropForeignKey', new RegExp(`^ALTER TABLE ${table} DROP CONSTRAINT ${fk}$`)],
  ];
  const classified: Classified = { addColumn: [], dropColumn: [], createIndex: [], dropIndex: [], addForeignKey: [], dropForeignKey: [] };
  for (const statement of splitStatements(sql).map(statementText)) {
    const kind = kinds.find(([, pattern]) => pattern.test(statement))?.[0];
    if (!kind) throw new UnexpectedDiffError(change, sql);
    classified[kind].push(statement);
  }
  return classified;
}
