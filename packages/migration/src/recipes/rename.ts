import type { RenameSummary } from '../prisma-schema/edits/rename';
import type { DerivedRename } from '../prisma-schema/rename-derived-names';
import { quoteIdent, tableRef } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { DEFAULT_PG_MAJOR } from '../engine/postgres-releases';
import { hasFeature } from '../versions/features';
import { notNullSteps } from './not-null-steps';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { transactionalScript } from './scripts';
import { columnRenameMigrations, plainColumnDefinition, tableRenameMigrations, type ColumnRenameTarget } from './rename-phases';

/** What the split of a column's rename needs from the table; without it (no single-column key) the rename stays in place. */
export interface RenameTarget extends Partial<ColumnRenameTarget> {
  /** One migration renaming in place (contract): for deploys that stop every instance of the application first. */
  inPlace?: boolean;
}

/**
 * Prisma sees a rename as "drop the old, create the new": DROP TABLE + CREATE TABLE for a model,
 * DROP COLUMN + ADD COLUMN for a field, which loses every value (and fails on a non-empty table
 * for a required column). The safe form renames in place (metadata only, a brief ACCESS
 * EXCLUSIVE lock under lock_timeout), and renames with it every object whose name Prisma derived
 * from the old name, so that Prisma's diff between the database and the new schema is empty.
 * The reverse renames everything back, in reverse order. One transaction: all or nothing.
 * A rolling deploy needs more (rename-phases.ts): a plain column is copied into a new one kept in
 * step by a trigger (expand) before the old one goes (contract); a table leaves a view under its
 * old name until contract. `target.inPlace`, or a column with derived names, keeps the single
 * in-place rename, marked contract.
 */
export function renameRecipe(naive: { up: string; down: string }, rename: RenameSummary, options: RecipeOptions, target: RenameTarget = {}): MigrationPlan {
  if (rename.databaseUnchanged) {
    if (naive.up || naive.down) throw new UnexpectedDiffError(`rename of ${describe(rename)} (expected no database change)`, naive.up || naive.down);
    return {
      migrations: [],
      notes: [`No migration folder: the database does not change. ${describe(rename)} is renamed in Prisma only.`, ...rename.notes],
    };
  }
  assertPrismaAgrees(naive, rename);

  const oldTable = tableRef(rename.table.from, rename.schema);
  const newTable = tableRef(rename.table.to, rename.schema);
  const qualified = (name: string) => (rename.schema ? `${quoteIdent(rename.schema)}.${quoteIdent(name)}` : quoteIdent(name));
  const renameObject = (d: DerivedRename, from: string, to: string) => {
    if (d.kind === 'primary key' || d.kind === 'foreign key') return `ALTER TABLE ${newTable} RENAME CONSTRAINT ${quoteIdent(from)} TO ${quoteIdent(to)};`;
    if (d.kind === 'sequence') return `ALTER SEQUENCE IF EXISTS ${qualified(from)} RENAME TO ${quoteIdent(to)};`;
    return `ALTER INDEX ${qualified(from)} RENAME TO ${quoteIdent(to)};`;
  };
  const renameItself = rename.column
    ? {
        up: `ALTER TABLE ${oldTable} RENAME COLUMN ${quoteIdent(rename.column.from)} TO ${quoteIdent(rename.column.to)};`,
        down: `ALTER TABLE ${oldTable} RENAME COLUMN ${quoteIdent(rename.column.to)} TO ${quoteIdent(rename.column.from)};`,
      }
    : { up: `ALTER TABLE ${oldTable} RENAME TO ${quoteIdent(rename.table.to)};`, down: `ALTER TABLE ${newTable} RENAME TO ${quoteIdent(rename.table.from)};` };
  // PostgreSQL 18 names NOT NULL constraints after the table and column, and keeps those names through a rename.
  const notNull = hasFeature(options.pgVersion ?? DEFAULT_PG_MAJOR, 'named-not-null-constraints') ? rename.notNull : [];
  const renameNotNull = (from: string, to: string) => `ALTER TABLE ${newTable} RENAME CONSTRAINT ${quoteIdent(from)} TO ${quoteIdent(to)};`;
  const up = [renameItself.up, ...rename.derived.map((d) => renameObject(d, d.from, d.to)), ...notNull.map((n) => renameNotNull(n.from, n.to))];
  const down = [
    ...notNull.map((n) => renameNotNull(n.to, n.from)).reverse(),
    ...rename.derived.map((d) => renameObject(d, d.to, d.from)).reverse(),
    renameItself.down,
  ];
  const what = rename.column ? `column ${rename.table.from}.${rename.column.from} to ${rename.column.to}` : `table ${rename.table.from} to ${rename.table.to}`;
  const derivedNotes = [
    ...(rename.derived.length ? [`Renamed along so that Prisma sees no drift: ${rename.derived.map((d) => `${d.kind} ${d.from} → ${d.to}`).join(', ')}.`] : []),
    ...(notNull.length
      ? [`Renamed along so that the names are those a fresh PostgreSQL ${options.pgVersion} database gets: NOT NULL constraints ${notNull.map((n) => `${n.from} → ${n.to}`).join(', ')}.`]
      : []),
  ];
  const column = rename.column && !target.inPlace ? plainColumnDefinition(naive.up, rename) : undefined;
  if (column && target.key && target.stamp) {
    return {
      migrations: columnRenameMigrations(rename, column, { key: target.key, stamp: target.stamp }, options),
      notes: [
        `Rolling-deploy safe, in two phases. Expand adds ${rename.column!.to} beside ${rename.column!.from}; a trigger keeps them equal whichever application version writes, and a data migration copies the existing rows in batches (no rewrite, no long lock). ` +
          `Contract (after the rollout) ${column.notNull ? `makes ${rename.column!.to} NOT NULL (${notNullSteps(options.pgVersion).words.route}), ` : ''}drops ${rename.column!.from} and the trigger.`,
        'Deploy: `migrate --phase expand`, roll out the application with the new name, then `migrate --phase contract`. Rolling back the expand loses nothing: the old column holds every value, the new version\'s writes included.',
        ...rename.notes,
      ],
    };
  }
  if (!rename.column && !target.inPlace) {
    return {
      migrations: tableRenameMigrations(rename, { up, down }, `${describe(rename)}`, options),
      notes: [
        `RENAME instead of Prisma's DROP TABLE + CREATE TABLE: no value is lost, nothing is rewritten; a brief ACCESS EXCLUSIVE lock, under lock_timeout.`,
        ...derivedNotes,
        `Rolling-deploy safe, in two phases: expand renames and leaves the view ${rename.table.from} (SELECT * FROM ${rename.table.to}: PostgreSQL writes through it) for the previous application version; contract drops the view. ` +
          'Deploy: `migrate --phase expand`, roll out the application, then `migrate --phase contract`.',
        ...rename.notes,
      ],
    };
  }
  const why = target.inPlace
    ? 'In place (--inPlace): for a deploy that stops every instance of the application before migrating.'
    : `Not split into expand and contract: ${rename.column!.from} ${rename.derived.length || notNull.length ? 'has an index, key or sequence named after it' : 'has no single-column primary key to copy by, or a shape the split does not cover'}, so the new column would need its own copies of them. ` +
      'For a rolling deploy rename it in Prisma only instead (--mapOnly: @map keeps the column, no database change).';
  return {
    migrations: [
      {
        name: options.migrationName,
        phase: 'contract',
        previousVersion: `The previous application version names ${rename.column ? rename.column.from : rename.table.from} in its queries: they fail as soon as this runs. Stop it first, or rename with --mapOnly.`,
        up: transactionalScript(`Rename ${what} (${describe(rename)})${rename.derived.length ? ', with the names derived from it' : ''}`, up, options.lockTimeout),
        down: transactionalScript(`Reverse of: rename ${what}`, down, options.lockTimeout),
      },
    ],
    notes: [
      `RENAME instead of Prisma's ${rename.column ? 'DROP COLUMN + ADD COLUMN' : 'DROP TABLE + CREATE TABLE'}: no value is lost, nothing is rewritten; a brief ACCESS EXCLUSIVE lock, under lock_timeout.`,
      ...derivedNotes,
      `${why} Code that still uses the old name fails as soon as this runs.`,
      ...rename.notes,
    ],
  };
}

function describe(rename: RenameSummary): string {
  return rename.kind === 'model' ? `model ${rename.from} → ${rename.to}` : `${rename.model}.${rename.from} → ${rename.model}.${rename.to}`;
}

/**
 * Prisma's drop-and-create diff names every object it would create. The names it creates going
 * up and not going down (and the reverse) must be exactly the table and derived names this
 * recipe renames: anything else is a Prisma-named object the recipe would leave behind as drift.
 */
function assertPrismaAgrees(naive: { up: string; down: string }, rename: RenameSummary): void {
  const createdUp = createdNames(naive.up);
  const createdDown = createdNames(naive.down);
  const onlyUp = [...createdUp].filter((n) => !createdDown.has(n)).sort();
  const onlyDown = [...createdDown].filter((n) => !createdUp.has(n)).sort();
  const renamed = rename.derived.filter((d) => d.kind !== 'sequence');
  const tableChange = rename.column ? [] : [rename.table];
  const expectedUp = [...tableChange.map((t) => t.to), ...renamed.map((d) => d.to)].sort();
  const expectedDown = [...tableChange.map((t) => t.from), ...renamed.map((d) => d.from)].sort();
  if (onlyUp.join('\n') !== expectedUp.join('\n') || onlyDown.join('\n') !== expectedDown.join('\n')) {
    throw new UnexpectedDiffError(
      `rename of ${describe(rename)} (Prisma names [${onlyUp.join(', ')}] where the recipe renames to [${expectedUp.join(', ')}], ` +
        `and [${onlyDown.join(', ')}] where it renames from [${expectedDown.join(', ')}])`,
      naive.up,
    );
  }
}

/** Names of the tables, constraints and indexes a Prisma script creates (or renames to). */
function createdNames(script: string): Set<string> {
  const names = new Set<string>();
  for (const statement of splitStatements(script).map(statementText)) {
    const patterns = [
      /^CREATE TABLE (?:"[^"]+"\.)?"([^"]+)"/g,
      /^CREATE (?:UNIQUE )?INDEX "([^"]+)"/g,
      /\bCONSTRAINT "([^"]+)" (?:PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK)/g,
      /\bRENAME (?:CONSTRAINT "[^"]+" )?TO "([^"]+)"/g,
    ];
    for (const pattern of patterns) for (const match of statement.matchAll(pattern)) names.add(match[1]);
  }
  return names;
}
