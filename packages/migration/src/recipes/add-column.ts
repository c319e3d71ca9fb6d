import { inputError } from '../errors';
import type { AddedColumn } from '../prisma-schema/edits/add-columns';
import { quoteIdent } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { addColumnClause, alterTable, parseAddColumn, parseAlterTable, type ColumnDefinition } from './column-clauses';
import { batchedDuration, tsObject, tsString } from './data-migration-code';
import { UnexpectedDiffError, type MigrationPlan, type PlannedMigration, type RecipeOptions } from './plan';
import { enforceNotNullMigration, notNullSteps, type NotNullSteps } from './not-null-steps';
import { createFillTrigger, createForgeSchema, dropFillTrigger } from './required-column';
import { createIndexConcurrently, dropIndexConcurrently, standaloneScript, transactionalScript } from './scripts';

/** A column to add, with what the generator resolved through Prisma. */
export interface ColumnToAdd extends AddedColumn {
  /** `--backfillValue` as the SQL literal Prisma writes for the column's type. */
  backfillLiteral?: string;
}

export interface AddColumnTarget {
  model: string;
  table: string;
  /** The single-column primary key (database name): batched backfills page on it. */
  key?: string;
  /** Timestamp of the change's first migration: names its helper functions. */
  stamp: string;
}

/** How one column gets its values for the rows that already exist. */
type ColumnPlan =
  | { kind: 'as-is'; column: ColumnToAdd; clause: string }
  /**
   * A constant for existing rows: a metadata-only `ADD COLUMN … DEFAULT v`, then the real default
   * (or none). `contract`: a required column without a real default keeps v as its default until a
   * contract migration drops it, since the previous application version's inserts leave it out.
   */
  | { kind: 'constant-fill'; column: ColumnToAdd; clause: string; after: string; contract: boolean }
  /** An expression per row: add it nullable, backfill in batches; NOT NULL through the CHECK steps when required. */
  | { kind: 'batched-fill'; column: ColumnToAdd; clause: string; after?: string; expression: string; required: boolean; trigger: boolean };

/**
 * Adding columns without rewriting or scanning the table under an exclusive lock:
 * - nullable, or with a constant default: Prisma's `ADD COLUMN` is already metadata-only (PG ≥ 11);
 * - a constant backfill value (`--backfillValue`): `ADD COLUMN … [NOT NULL] DEFAULT v` (metadata-only:
 *   every existing row reads v), then `DROP DEFAULT` (or the column's real default);
 * - a per-row value (`--backfillSql`, or a volatile database default such as gen_random_uuid()):
 *   migration 1 adds the column nullable (+ `SET DEFAULT` for new rows), and its data migration
 *   backfills existing rows in keyset batches; a required column then gets `CHECK (c IS NOT NULL)
 *   NOT VALID` (migration 2) and `VALIDATE` + `SET NOT NULL` + `DROP CONSTRAINT` (migration 3);
 * - unique columns get their index built CONCURRENTLY, each alone in a last migration.
 */
export function addColumnRecipe(
  naive: { up: string; down: string },
  target: AddColumnTarget,
  columns: ColumnToAdd[],
  options: RecipeOptions,
): MigrationPlan {
  const { table } = target;
  const parsed = parseNaive(naive, table);
  if (parsed.definitions.size !== columns.length) throw new UnexpectedDiffError('add-column', naive.up);
  // In Prisma's clause order, so the statement reads as Prisma would write it.
  const plans = [...parsed.definitions.values()].map((definition) => {
    const column = columns.find((c) => c.column === definition.column);
    if (!column) throw new UnexpectedDiffError('add-column', naive.up);
    return planColumn(table, column, definition);
  });
  const batched = plans.filter((p): p is Extract<ColumnPlan, { kind: 'batched-fill' }> => p.kind === 'batched-fill');
  const staged = batched.filter((p) => p.required);
  const triggers = batched.filter((p) => p.trigger);
  if (batched.length && !target.key) {
    throw inputError(
      `${table} has no single-column primary key, which the batched backfill of ${batched.map((p) => p.column.name).join(', ')} pages on. ` +
        'Give a constant --backfillValue instead (no batches needed), or add the column(s) --optional.',
    );
  }
  const names = columns.map((c) => c.name).join(', ');
  const t = quoteIdent(table);

  const first: PlannedMigration = {
    name: options.migrationName,
    up: transactionalScript(
      `Add ${names} to ${table}`,
      [
        ...(triggers.length ? [createForgeSchema()] : []),
        alterTable(t, plans.map((p) => p.clause)),
        ...plans.flatMap((p) => (p.kind !== 'as-is' && p.after && !(p.kind === 'constant-fill' && p.contract) ? [p.after] : [])),
        ...triggers.flatMap((p) => createFillTrigger(table, p.column.column, target.stamp, p.expression)),
      ],
      options.lockTimeout,
    ),
    down: transactionalScript(
      `Reverse of: add ${names} to ${table}`,
      [...triggers.flatMap((p) => dropFillTrigger(table, p.column.column, target.stamp)), ...parsed.dropColumns],
      options.lockTimeout,
    ),
    ...(batched.length ? { dataMigration: backfill(options.migrationName, target, batched, options) } : {}),
  };
  const migrations: PlannedMigration[] = [first];
  if (staged.length) {
    const columnsList = staged.map((p) => p.column.column);
    const filledColumns = staged.filter((p) => p.trigger).map((p) => p.column.column);
    const notNull = notNullSteps(options.pgVersion);
    migrations.push(
      {
        name: `${options.migrationName}_check`,
        up: transactionalScript(
          `NOT NULL, step 1 of 2: ${notNull.words.add} on ${table}(${columnsList.join(', ')}) — brief lock, no scan; new writes are checked`,
          columnsList.map((c) => notNull.add(table, c)),
          options.lockTimeout,
        ),
        down: transactionalScript(`Reverse of: the NOT NULL ${notNull.words.constraint}s on ${table}`, columnsList.map((c) => notNull.drop(table, c)), options.lockTimeout),
      },
      {
        // The fill triggers go with NOT NULL: from here on an insert that leaves such a column out fails.
        ...(filledColumns.length
          ? {
              phase: 'contract' as const,
              previousVersion:
                `The previous application version does not know ${filledColumns.join(', ')}: its inserts into ${table} leave ${filledColumns.length > 1 ? 'them' : 'it'} out, which the fill trigger covered until now and NOT NULL rejects from here on. ` +
                'Its reads and updates keep working. Apply this once the new version, which writes the column, runs everywhere.',
            }
          : { previousVersion: `The column default fills ${columnsList.join(', ')} on the previous application version's inserts: it keeps working.` }),
        ...enforceNotNullMigration({
          name: `${options.migrationName}_not_null`,
          table,
          columns: columnsList,
          filled: staged.filter((p) => p.trigger).map((p) => ({ column: p.column.column, expression: p.expression })),
          stamp: target.stamp,
          titles: {
            up: `NOT NULL, step 2 of 2: ${notNull.words.enforce}`,
            down: `Reverse of: ${notNull.words.undone} on ${table}(${columnsList.join(', ')}) — ${notNull.words.unenforced}`,
          },
          lockTimeout: options.lockTimeout,
          steps: notNull,
        }),
      },
    );
  }
  parsed.indexes.forEach((index, i) => {
    migrations.push({
      name: `${options.migrationName}_unique${parsed.indexes.length > 1 ? `_${i + 1}` : ''}`,
      up: standaloneScript(`Unique index ${index.name} on ${table}`, index.create),
      down: standaloneScript(`Reverse of: unique index ${index.name}`, dropIndexConcurrently(index.name)),
    });
  });
  const held = plans.filter((p): p is Extract<ColumnPlan, { kind: 'constant-fill' }> => p.kind === 'constant-fill' && p.contract);
  if (held.length) migrations.push(dropFillDefaults(table, held, options));
  return { migrations, notes: notes(table, plans, parsed.indexes.length, notNullSteps(options.pgVersion)) };
}

interface NaiveAddColumns {
  definitions: Map<string, ColumnDefinition>;
  dropColumns: string[];
  indexes: { name: string; create: string }[];
}

/** Prisma's SQL for added columns: one `ALTER TABLE … ADD COLUMN …` and unique indexes; the reverse drops them. */
function parseNaive(naive: { up: string; down: string }, table: string): NaiveAddColumns {
  const definitions = new Map<string, ColumnDefinition>();
  const indexes: { name: string; create: string }[] = [];
  for (const statement of splitStatements(naive.up)) {
    const alter = parseAlterTable(statement);
    const index = /^CREATE (UNIQUE )?INDEX ("(?:[^"]|"")+") ON /.exec(statementText(statement));
    if (alter && alter.table === quoteIdent(table)) {
      for (const clause of alter.clauses) {
        const definition = parseAddColumn(clause);
        if (!definition) throw new UnexpectedDiffError('add-column', naive.up);
        definitions.set(definition.column, definition);
      }
    } else if (index) {
      indexes.push({ name: index[2].slice(1, -1).replace(/""/g, '"'), create: createIndexConcurrently(statementText(statement)) });
    } else {
      throw new UnexpectedDiffError('add-column', naive.up);
    }
  }
  const down = splitStatements(naive.down);
  const dropColumns = down.filter((s) => !/^DROP INDEX /.test(statementText(s)));
  if (definitions.size === 0 || dropColumns.length !== 1 || parseAlterTable(dropColumns[0])?.table !== quoteIdent(table)) {
    throw new UnexpectedDiffError('add-column', `${naive.up}\n${naive.down}`);
  }
  return { definitions, dropColumns: dropColumns.map((s) => statementText(s) + ';'), indexes };
}

function planColumn(table: string, column: ColumnToAdd, definition: ColumnDefinition): ColumnPlan {
  const required = !column.optional && !column.list;
  const c = quoteIdent(column.column);
  const alter = `ALTER TABLE ${quoteIdent(table)} ALTER COLUMN ${c}`;
  const restoreDefault = definition.default ? `${alter} SET DEFAULT ${definition.default};` : `${alter} DROP DEFAULT;`;
  if (column.backfillLiteral !== undefined) {
    if (column.unique) {
      throw inputError(
        `Column ${column.name} is unique, but --backfillValue gives every existing row of ${table} the same value. ` +
          'Use --backfillSql with an expression that differs per row (for example gen_random_uuid()), or add it --optional.',
      );
    }
    return { kind: 'constant-fill', column, clause: addColumnClause({ ...definition, default: column.backfillLiteral }), after: restoreDefault, contract: required && !definition.default };
  }
  const expression = column.backfillSql?.trim() ?? (column.defaultKind === 'volatile' ? definition.default : undefined);
  if (expression !== undefined) {
    return {
      kind: 'batched-fill',
      column,
      clause: addColumnClause({ ...definition, notNull: false, default: undefined }),
      ...(definition.default ? { after: `${alter} SET DEFAULT ${definition.default};` } : {}),
      expression,
      required,
      // Without a database default, rows the running application inserts meanwhile would stay NULL.
      trigger: required && !definition.default,
    };
  }
  if (required && (column.defaultKind === 'none' || column.defaultKind === 'client-side')) {
    throw inputError(
      `Column ${column.name} is required and has no database default, so the rows ${table} already has need a value` +
        `${column.defaultKind === 'client-side' ? ` (${column.default} is filled in by Prisma Client, not by the database)` : ''}. ` +
        'Fix: give --backfillValue <value> (one value for every existing row, e.g. --backfillValue 0), ' +
        "--backfillSql <SQL expression> (per row, e.g. --backfillSql 'lower(\"email\")'), a constant --default, or add it --optional.",
    );
  }
  return { kind: 'as-is', column, clause: addColumnClause(definition) };
}

/**
 * The contract step of required columns filled with a constant: the fill value stays their default
 * while the previous application version runs (its inserts leave the columns out, and NOT NULL
 * would refuse them), and goes once only the new version, which writes them, runs.
 */
function dropFillDefaults(table: string, held: Extract<ColumnPlan, { kind: 'constant-fill' }>[], options: RecipeOptions): PlannedMigration {
  const t = quoteIdent(table);
  const names = held.map((p) => p.column.column).join(', ');
  return {
    name: `${options.migrationName}_drop_default`,
    phase: 'contract',
    previousVersion:
      `The previous application version does not know ${names}: its inserts into ${table} leave ${held.length > 1 ? 'them' : 'it'} out, which the fill value's default covered until now and NOT NULL rejects from here on. ` +
      'Its reads and updates keep working. Apply this once the new version, which writes the column, runs everywhere.',
    up: transactionalScript(`Drop the fill value's default of ${table}(${names}): from here on the application writes ${held.length > 1 ? 'them' : 'it'}`, held.map((p) => p.after), options.lockTimeout),
    down: transactionalScript(
      `Reverse of: drop the fill value's default of ${table}(${names})`,
      held.map((p) => `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(p.column.column)} SET DEFAULT ${p.column.backfillLiteral};`),
      options.lockTimeout,
    ),
  };
}

/** The data migration of migration 1: each batched column filled where it is still NULL. */
function backfill(name: string, target: AddColumnTarget, plans: Extract<ColumnPlan, { kind: 'batched-fill' }>[], options: RecipeOptions) {
  const { table, key } = target;
  const isNull = plans.map((p) => `${quoteIdent(p.column.column)} IS NULL`).join(' OR ');
  return {
    name,
    model: target.model,
    description: `Backfills ${plans.map((p) => `${table}.${p.column.column} = ${p.expression}`).join('; ')} for the rows that existed before the column(s).`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up: plans
        .map(
          (p) =>
            `await ctx.batchUpdate(${tsObject({
              table,
              key,
              set: `${quoteIdent(p.column.column)} = (${p.expression})`,
              where: `${quoteIdent(p.column.column)} IS NULL`,
              batchSize: options.batchSize,
              name: p.column.column,
            })});`,
        )
        .join('\n'),
      down: '// Nothing to undo here: down.sql drops the column(s) this migration filled.',
      validate: `return (await ctx.count(${tsString(table)}, ${tsString(isNull)})) === 0;`,
    },
  };
}

function notes(table: string, plans: ColumnPlan[], indexes: number, notNull: NotNullSteps): string[] {
  const out: string[] = [];
  const plain = plans.filter((p) => p.kind === 'as-is');
  if (plain.length) {
    out.push(`ADD COLUMN ${plain.some((p) => p.column.defaultKind === 'constant') ? 'with a constant default ' : ''}is metadata-only: ${table} is not rewritten.`);
  }
  for (const p of plans) {
    if (p.kind === 'constant-fill') {
      const then = p.contract
        ? 'it stays the default while the previous application version (whose inserts leave the column out) runs, and the contract migration drops it'
        : `then the default is ${p.after.includes('DROP DEFAULT') ? 'dropped' : "set to the column's own"}`;
      out.push(`${p.column.name}: existing rows get ${p.column.backfillLiteral} through ADD COLUMN … DEFAULT (metadata-only, no rewrite, no scan); ${then}.`);
    }
    if (p.kind === 'batched-fill') {
      out.push(
        `${p.column.name}: existing rows are filled with ${p.expression} by a data migration in keyset batches` +
          (p.required ? `; NOT NULL then comes through ${notNull.words.route}` : '') +
          (p.trigger ? '; meanwhile a trigger fills rows the running application inserts without the column' : '') +
          '.',
      );
    }
  }
  if (indexes) out.push('Unique indexes are built CONCURRENTLY, each alone in its migration: writes continue during the build.');
  return out;
}
