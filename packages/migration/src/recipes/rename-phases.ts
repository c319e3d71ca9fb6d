import type { RenameSummary } from '../prisma-schema/edits/rename';
import { quoteIdent, tableRef } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { fitIdentifier } from './backup-names';
import { allowLint } from './lint-allowance';
import { parseAddColumn, parseAlterTable, type ColumnDefinition } from './column-clauses';
import { batchedDuration, tsObject, tsString } from './data-migration-code';
import { notNullSteps } from './not-null-steps';
import type { PlannedDataMigration, PlannedMigration, RecipeOptions } from './plan';
import { createForgeSchema, forgeFunction } from './required-column';
import { steppedScript, transactionalScript, type ScriptStep } from './scripts';

/**
 * A rename the previous application version survives: no rollout switches every instance at
 * once, and an instance still running the old Prisma Client names the old column or table in
 * every query. So a rename is split in two phases (phase.ts):
 * - column: expand adds the new column beside the old one, a trigger keeps the two in step both
 *   ways (either version may write), and a batched data migration copies the existing rows;
 *   contract, once only the new version runs, gives the new column the old one's default and
 *   NOT NULL and drops the old column with the trigger.
 * - table: expand renames the table (and the names derived from it) and leaves a view under the
 *   old name: a plain `SELECT *` view is updatable, so the old client's reads, inserts (table
 *   defaults apply), updates, deletes and RETURNING go through it; contract drops the view.
 * Why not pgroll's schema per version with views for everything: the old version's connection
 * string (its `schema`/search_path) is already deployed and cannot be pointed at a new schema
 * after the fact, and every model would need a view in every version's schema; triggers and one
 * view need nothing from the application. A column that an index, key or sequence depends on is not split (an index or key on
 * the new column would have to be built beside the old one): its rename stays one contract migration.
 */

/** Plain column: Prisma's diff is one `ALTER TABLE … DROP COLUMN old, ADD COLUMN new …` and nothing derives its name from the column. */
export function plainColumnDefinition(naiveUp: string, rename: RenameSummary): ColumnDefinition | undefined {
  // A NOT NULL constraint named after the column (PostgreSQL 18) is no obstacle: the new column gets its own, the old one goes with its column.
  if (!rename.column || rename.derived.length) return undefined;
  const statements = splitStatements(naiveUp).map(statementText);
  if (statements.length !== 1) return undefined;
  const alter = parseAlterTable(statements[0]);
  if (!alter || alter.clauses.length !== 2 || alter.clauses[0].trim() !== `DROP COLUMN ${quoteIdent(rename.column.from)}`) return undefined;
  const added = parseAddColumn(alter.clauses[1]);
  return added?.column === rename.column.to ? added : undefined;
}

export interface ColumnRenameTarget {
  /** The table's single-column primary key (database name): the backfill pages on it. */
  key: string;
  /** The change's folder stamp: names the sync function, so that two renames never share one. */
  stamp: string;
}

function syncNames(table: string, from: string, to: string, stamp: string): { trigger: string; fn: string } {
  return { trigger: fitIdentifier(`${from}__${to}`, '__forge_sync'), fn: fitIdentifier(`${table}__${from}__${to}`, `__${stamp}__sync`) };
}

/**
 * Keeps `from` and `to` equal whichever version writes. On INSERT the new column has no default
 * while both exist, so NULL there means the writer does not know it (the previous version): it
 * gets the old column's value (its default included); otherwise the old column gets the new one's.
 * On UPDATE the column that changed wins (the new one if both did).
 */
function syncTrigger(table: string, from: string, to: string, stamp: string, schema: string | null): string[] {
  const { trigger, fn } = syncNames(table, from, to, stamp);
  const [o, n] = [quoteIdent(from), quoteIdent(to)];
  return [
    [
      `CREATE OR REPLACE FUNCTION ${forgeFunction(fn)}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
      'BEGIN',
      `  IF TG_OP = 'INSERT' THEN`,
      `    IF NEW.${n} IS NULL THEN NEW.${n} := NEW.${o}; ELSE NEW.${o} := NEW.${n}; END IF;`,
      `  ELSIF NEW.${n} IS DISTINCT FROM OLD.${n} THEN`,
      `    NEW.${o} := NEW.${n};`,
      `  ELSIF NEW.${o} IS DISTINCT FROM OLD.${o} THEN`,
      `    NEW.${n} := NEW.${o};`,
      '  END IF;',
      '  RETURN NEW;',
      'END $forge$;',
    ].join('\n'),
    `CREATE TRIGGER ${quoteIdent(trigger)} BEFORE INSERT OR UPDATE ON ${tableRef(table, schema)} FOR EACH ROW EXECUTE FUNCTION ${forgeFunction(fn)}();`,
  ];
}

function dropSyncTrigger(table: string, from: string, to: string, stamp: string, schema: string | null): string[] {
  const { trigger, fn } = syncNames(table, from, to, stamp);
  return [`DROP TRIGGER IF EXISTS ${quoteIdent(trigger)} ON ${tableRef(table, schema)};`, `DROP FUNCTION IF EXISTS ${forgeFunction(fn)}();`];
}

/** The two migrations of a plain column's rename. `column` is the column as Prisma defines it (type, NOT NULL, default). */
export function columnRenameMigrations(rename: RenameSummary, column: ColumnDefinition, target: ColumnRenameTarget, options: RecipeOptions): PlannedMigration[] {
  const { from, to } = rename.column!;
  const tableName = rename.table.from;
  const table = tableRef(tableName, rename.schema);
  const [o, n] = [quoteIdent(from), quoteIdent(to)];
  const notNull = notNullSteps(options.pgVersion);
  const required = column.notNull;
  const what = `${rename.model}.${rename.from} → ${rename.to}`;
  const sync = syncTrigger(tableName, from, to, target.stamp, rename.schema);
  const dropSync = dropSyncTrigger(tableName, from, to, target.stamp, rename.schema);
  const addNew = `ALTER TABLE ${table} ADD COLUMN ${n} ${column.type};`;
  const expandName = `${options.migrationName}_expand`;

  const expand: PlannedMigration = {
    name: expandName,
    phase: 'expand',
    previousVersion:
      `The previous application version keeps using ${from}: the trigger copies its writes into ${to}, and the new version's writes of ${to} into ${from}. ` +
      `Both versions read and write ${tableName} as they expect, while the rollout runs.`,
    up: transactionalScript(
      `Rename ${what}, expand (1 of 2): ${to} beside ${from}, kept in step both ways by a trigger; the data migration copies the existing rows in batches`,
      [createForgeSchema(), addNew, ...sync, ...(required ? [notNull.add(tableName, to)] : [])],
      options.lockTimeout,
    ),
    down: transactionalScript(
      `Reverse of: rename ${what}, expand — ${to} and its trigger go; ${from} holds every value, the new version's writes included`,
      [...dropSync, ...(required ? [notNull.drop(tableName, to)] : []), `ALTER TABLE ${table} DROP COLUMN ${n};`],
      options.lockTimeout,
    ),
    dataMigration: copyDataMigration(expandName, rename, target, options),
  };

  const setDefault = column.default ? [`ALTER TABLE ${table} ALTER COLUMN ${n} SET DEFAULT ${column.default};`] : [];
  const dropDefault = column.default ? [`ALTER TABLE ${table} ALTER COLUMN ${n} DROP DEFAULT;`] : [];
  const restoreOld = `ALTER TABLE ${table} ADD COLUMN ${o} ${column.type}${column.default ? ` DEFAULT ${column.default}` : ''};`;
  const rollback: ScriptStep[] = [
    {
      title: `${from} back (nullable, catalog only) with the trigger, ${to} as after expand`,
      statements: [createForgeSchema(), restoreOld, ...dropDefault, ...(required ? notNull.unenforce(tableName, to) : []), ...sync],
    },
    { title: `copy ${to} into ${from}`, statements: [], data: true },
    ...(required
      ? [
          { title: `NOT NULL on ${from}: ${notNull.words.add} (brief lock, no scan)`, statements: [notNull.add(tableName, from)] },
          { title: `NOT NULL on ${from}: ${notNull.words.enforceBriefly}`, statements: notNull.enforce(tableName, from) },
        ]
      : []),
  ];
  const contract: PlannedMigration = {
    name: options.migrationName,
    phase: 'contract',
    previousVersion: `The previous application version names ${from} in every query on ${tableName}: after this runs they fail with \`column "${from}" does not exist\`. Apply it once the new version runs everywhere.`,
    up: transactionalScript(
      `Rename ${what}, contract (2 of 2): ${to} takes ${from}'s ${[required ? 'NOT NULL' : '', column.default ? 'default' : ''].filter(Boolean).join(' and ') || 'place'}; ${from} and the trigger go`,
      [
        ...(required ? notNull.enforce(tableName, to) : []),
        ...setDefault,
        ...dropSync,
        allowLint(
          'drop-column-without-backup',
          `every value of ${from} is in ${to} (copied by the expand migration, kept in step by its trigger until here); the rollback copies them back`,
          `ALTER TABLE ${table} DROP COLUMN ${o};`,
        ),
      ],
      options.lockTimeout,
    ),
    down: steppedScript(`Reverse of: rename ${what}, contract — ${from} re-created and filled from ${to} in batches, both kept in step again`, rollback, options.lockTimeout),
    dataMigration: restoreDataMigration(options.migrationName, rename, target, options),
  };
  return [expand, contract];
}

/** After expand: every existing row's new column copied from the old one, in checkpointed batches (the trigger covers new writes). */
function copyDataMigration(name: string, rename: RenameSummary, target: ColumnRenameTarget, options: RecipeOptions): PlannedDataMigration {
  const { from, to } = rename.column!;
  const differs = `${quoteIdent(to)} IS DISTINCT FROM ${quoteIdent(from)}`;
  return {
    name,
    model: rename.model,
    description: `Copies ${rename.table.from}.${from} into ${to} for the rows that existed before the expand (the trigger keeps later writes in step).`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up: `await ctx.batchUpdate(${tsObject({ table: rename.table.from, key: target.key, set: `${quoteIdent(to)} = ${quoteIdent(from)}`, where: differs, batchSize: options.batchSize, name: to })});`,
      down: `// Nothing to undo: down.sql drops ${to}, and ${from} holds every value.`,
      validate: `return (await ctx.count(${tsString(rename.table.from)}, ${tsString(differs)})) === 0;`,
    },
  };
}

/** The contract's rollback fills the re-created old column from the new one, batch by batch. */
function restoreDataMigration(name: string, rename: RenameSummary, target: ColumnRenameTarget, options: RecipeOptions): PlannedDataMigration {
  const { from, to } = rename.column!;
  const differs = `${quoteIdent(from)} IS DISTINCT FROM ${quoteIdent(to)}`;
  return {
    name,
    model: rename.model,
    description: `Nothing on the way up (migration.sql drops ${from}, whose values ${to} holds); the rollback copies ${to} back into the re-created ${from} in batches.`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up: `ctx.log(${tsString(`nothing to do: ${to} holds every value of ${from}`)});`,
      down: `await ctx.batchUpdate(${tsObject({ table: rename.table.from, key: target.key, set: `${quoteIdent(from)} = ${quoteIdent(to)}`, where: differs, batchSize: options.batchSize, name: from })});`,
      validate: [
        '// Contract done: the old column is gone (its values live on in the new one).',
        `const [left] = await ctx.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2", [${tsString(rename.table.from)}, ${tsString(from)}]);`,
        'return left.n === 0;',
      ].join('\n'),
    },
  };
}

/**
 * A table's rename in two phases: `renames` (the table and its derived names, and their reverse)
 * as today, plus a view under the old name until contract.
 */
export function tableRenameMigrations(rename: RenameSummary, renames: { up: string[]; down: string[] }, title: string, options: RecipeOptions): PlannedMigration[] {
  const oldName = tableRef(rename.table.from, rename.schema);
  const newName = tableRef(rename.table.to, rename.schema);
  const createView = `CREATE VIEW ${oldName} AS SELECT * FROM ${newName};`;
  const dropView = `DROP VIEW IF EXISTS ${oldName};`;
  return [
    {
      name: `${options.migrationName}_expand`,
      phase: 'expand',
      previousVersion:
        `The previous application version keeps querying ${rename.table.from}: it is a view of ${rename.table.to} now (SELECT *, so PostgreSQL lets it insert, update and delete through it, table defaults included). ` +
        'The new version uses the table itself.',
      up: transactionalScript(
        `Rename ${title}, expand (1 of 2): the table takes its new name, and a view under the old one serves the previous application version`,
        [...renames.up, createView],
        options.lockTimeout,
      ),
      down: transactionalScript(`Reverse of: rename ${title}, expand`, [dropView, ...renames.down], options.lockTimeout),
    },
    {
      name: options.migrationName,
      phase: 'contract',
      previousVersion: `The previous application version names ${rename.table.from} in its queries: after this runs they fail with \`relation "${rename.table.from}" does not exist\`. Apply it once the new version runs everywhere.`,
      up: transactionalScript(`Rename ${title}, contract (2 of 2): the view under the old name goes`, [dropView], options.lockTimeout),
      down: transactionalScript(`Reverse of: rename ${title}, contract — the view under the old name is back`, [createView], options.lockTimeout),
    },
  ];
}
