import { quoteIdent } from '../sql/identifiers';
import { formatSeedHint } from '../runtime/seed/hints';
import { addColumnClause, alterTable, type ColumnDefinition } from './column-clauses';
import { batchedDuration, tsObject, tsString } from './data-migration-code';
import {
  convertedValue,
  createBackupTable,
  createFunctions,
  createSyncTrigger,
  dropFunctions,
  dropSyncTrigger,
  expandNames,
  restoredOldValue,
  unconvertedGuard,
  unconvertibleCondition,
  type ExpandContext,
} from './modify-column-sql';
import type { PlannedDataMigration, PlannedMigration, RecipeOptions } from './plan';
import { notNullSteps } from './not-null-steps';
import { holdOffAutovacuum } from './autovacuum-lock';
import { ROLLING_BACK, createForgeSchema } from './required-column';
import { steppedScript, transactionalScript, type ScriptStep } from './scripts';

export interface ExpandPlanInput {
  ctx: ExpandContext;
  model: string;
  /** `Order.status`, for messages. */
  label: string;
  /** The new type as the user named it (`OrderStatus`), for messages. */
  typeName: string;
  before: ColumnDefinition;
  after: ColumnDefinition;
  /** Prisma's `CREATE TYPE` of a new enum, and its `DROP TYPE`. */
  createTypes: string[];
  dropTypes: string[];
  /** Values the old column must hold so that migrate-validate's generated rows convert. */
  seedValues?: string[];
  /** What the user can do when values do not convert (depends on map / cast). */
  fixHint: string;
}

/**
 * Expand/contract: (1) add the new column, the conversion functions, the sync trigger and the
 * backup table; the data migration refuses if some value does not convert, else backs up the old
 * values and backfills the new column in batches; (2) when the new column is required, CHECK
 * (… IS NOT NULL) NOT VALID; (3) the swap: VALIDATE + SET NOT NULL, drop the old column, rename
 * the new one into place, set its default, drop the trigger and functions — one short transaction.
 */
export function expandContractMigrations(input: ExpandPlanInput, options: RecipeOptions): PlannedMigration[] {
  const { ctx, label, before, after } = input;
  const names = expandNames(ctx);
  const t = quoteIdent(ctx.table);
  const c = quoteIdent(ctx.column);
  const temp = quoteIdent(names.temp);
  const lock = options.lockTimeout;
  const notNull = notNullSteps(options.pgVersion);

  const expandUp = transactionalScript(
    `Expand ${label} → ${input.typeName}: new column ${names.temp}, kept in step with ${ctx.column} by a trigger until the swap`,
    [
      holdOffAutovacuum(ctx.table),
      ...input.createTypes,
      createForgeSchema(),
      ...createBackupTable(ctx),
      ...createFunctions(ctx),
      alterTable(t, [addColumnClause({ column: names.temp, type: after.type, notNull: false })]),
      createSyncTrigger(ctx),
    ],
    lock,
  );
  const expand: PlannedMigration = {
    name: options.migrationName,
    up: `${(input.seedValues ? [formatSeedHint({ table: ctx.table, column: ctx.column, values: input.seedValues })] : []).map((l) => `${l}\n`).join('')}${expandUp}`,
    down: transactionalScript(
      `Reverse of: expand ${label}`,
      [holdOffAutovacuum(ctx.table), dropSyncTrigger(ctx), alterTable(t, [`DROP COLUMN ${temp}`]), ...dropFunctions(ctx), `DROP TABLE ${names.backup};`, ...input.dropTypes],
      lock,
    ),
    dataMigration: convertData(input, options),
  };

  const migrations = [expand];
  if (ctx.required) {
    migrations.push({
      name: `${options.migrationName}_check`,
      up: transactionalScript(
        `NOT NULL for ${names.temp}, step 1: ${notNull.words.add} (brief lock, no scan; writes that do not convert are refused from now on)`,
        [holdOffAutovacuum(ctx.table), notNull.add(ctx.table, names.temp)],
        lock,
      ),
      down: transactionalScript(`Reverse of: the NOT NULL ${notNull.words.constraint} on ${names.temp}`, [holdOffAutovacuum(ctx.table), notNull.drop(ctx.table, names.temp)], lock),
    });
  }

  const setDefault = after.default ? [`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${after.default};`] : [];
  const swapUp = [
    holdOffAutovacuum(ctx.table),
    unconvertedGuard(ctx, label),
    ...(ctx.required ? notNull.enforce(ctx.table, names.temp) : []),
    dropSyncTrigger(ctx),
    alterTable(t, [`DROP COLUMN ${c}`]),
    `ALTER TABLE ${t} RENAME COLUMN ${temp} TO ${c};`,
    ...(ctx.required ? notNull.renameWithColumn(ctx.table, names.temp, ctx.column) : []),
    ...setDefault,
    ...dropFunctions(ctx),
  ];
  // The rollback of the swap, in steps: the old column back nullable (catalog only) and kept in
  // step again, its values restored in batches (the swap's data migration down()), then NOT NULL
  // through a validated check. Rows not restored yet read NULL in the old column meanwhile.
  // VALIDATE (the scan) commits on its own; below 18, SET NOT NULL through the check follows.
  const [validateOld, ...afterValidateOld] = notNull.enforce(ctx.table, ctx.column);
  const oldNotNull = afterValidateOld.length ? [[validateOld], afterValidateOld] : [[validateOld]];
  const swapDown: ScriptStep[] = [
    {
      title: `${ctx.column} back as ${before.type}, nullable (catalog only); ${names.temp} kept in step with it again`,
      statements: [
        holdOffAutovacuum(ctx.table),
        ...createFunctions(ctx),
        ...(after.default ? [`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT;`] : []),
        `ALTER TABLE ${t} RENAME COLUMN ${c} TO ${temp};`,
        ...(ctx.required ? notNull.renameWithColumn(ctx.table, ctx.column, names.temp) : []),
        alterTable(t, [addColumnClause({ column: ctx.column, type: before.type, notNull: false })]),
        // After the ADD: existing rows stay NULL until restored, new rows get the default.
        ...(before.default ? [`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${before.default};`] : []),
        ...(ctx.required ? notNull.unenforce(ctx.table, names.temp) : []),
        createSyncTrigger(ctx),
      ],
    },
    { title: `the original values back from ${names.backup}, in batches (the data migration down())`, statements: [], data: true },
    ...(before.notNull
      ? [
          { title: `NOT NULL, 1 of ${oldNotNull.length + 1}: ${notNull.words.add} (brief lock, no scan)`, statements: [holdOffAutovacuum(ctx.table), notNull.add(ctx.table, ctx.column)] },
          ...oldNotNull.map((statements, i) => ({ title: `NOT NULL, ${i + 2} of ${oldNotNull.length + 1}: ${i === 0 ? 'VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)' : 'SET NOT NULL (uses the validated check: no scan), drop the check'}`, statements: i === 0 ? statements : [holdOffAutovacuum(ctx.table), ...statements] })),
        ]
      : []),
  ];
  migrations.push({
    name: `${options.migrationName}_swap`,
    // Until the swap the trigger converts the previous version's writes of the old column; after it, they meet the new type.
    phase: 'contract',
    previousVersion:
      `The previous application version writes ${ctx.column} as ${before.type}: after the swap ${ctx.column} is ${after.type}, so its writes fail (or are converted) and its reads get a type its Prisma Client does not expect. ` +
      'Apply this once the new version runs everywhere.',
    up: transactionalScript(
      `Swap ${label} to ${input.typeName}: ${ctx.required ? `${notNull.words.enforceBriefly}, ` : ''}drop the old column, rename the new one into place — metadata only`,
      swapUp,
      lock,
    ),
    down: steppedScript(
      `Reverse of the swap: the old column comes back with its ORIGINAL values from ${names.backup} (rows changed since: the reverse conversion), restored in batches`,
      swapDown,
      lock,
    ),
    dataMigration: restoreData(input, options),
  });
  return migrations;
}

/** The swap's data migration: nothing on the way up; its down() restores the old column in batches. */
function restoreData(input: ExpandPlanInput, options: RecipeOptions): PlannedDataMigration {
  const { ctx, label } = input;
  const names = expandNames(ctx);
  const c = quoteIdent(ctx.column);
  return {
    name: `${options.migrationName}_swap`,
    model: input.model,
    description: `Nothing on the way up (migration.sql swaps the columns); the rollback restores the original values of ${label} from ${names.backup} in batches.`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up: `ctx.log(${tsString(`nothing to do: the original values of ${label} stay in ${names.backup}`)});`,
      down: [
        '// The old column is back (nullable) and kept in step by the trigger: restore the rows it has no value for yet, batch by batch.',
        '// This session says it is rolling back: the trigger leaves its writes alone (the new column and the backup already hold them).',
        `await ctx.query(${tsString(`SELECT set_config('${ROLLING_BACK}', 'on', false)`)});`,
        `await ctx.batchUpdate(${tsObject({ table: ctx.table, key: ctx.key, set: `${c} = ${restoredOldValue(ctx)}`, where: `${c} IS NULL AND ${quoteIdent(names.temp)} IS NOT NULL`, batchSize: options.batchSize, name: 'restore' })});`,
        `await ctx.query(${tsString(`SELECT set_config('${ROLLING_BACK}', 'off', false)`)});`,
      ].join('\n'),
      validate: `const [backup] = await ctx.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [${tsString(names.backup)}]);\nreturn backup.exists;`,
    },
  };
}

/** The data migration of the expand step: refuse on values that do not convert; else back up, then convert in batches. */
function convertData(input: ExpandPlanInput, options: RecipeOptions): PlannedDataMigration {
  const { ctx, label } = input;
  const names = expandNames(ctx);
  const c = quoteIdent(ctx.column);
  const k = quoteIdent(ctx.key);
  const t = quoteIdent(ctx.table);
  const bad = unconvertibleCondition(ctx);
  const stale = `${quoteIdent(names.temp)} IS DISTINCT FROM ${convertedValue(ctx, c)}`;
  const listing =
    `SELECT ${c}::text AS value, count(*)::int AS rows, sum(count(*)) OVER ()::int AS total, ` +
    `(array_agg(${k}::text ORDER BY ${k}))[1:5] AS keys FROM ${t} WHERE ${bad} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`;
  const intro = `row(s) of ${ctx.table} hold a ${ctx.column} that does not convert to ${input.typeName}, so nothing was converted (rows are never set to NULL silently):`;
  const up = [
    '// Values that do not convert are listed and refused before anything is written.',
    `const unconverted = await ctx.query<{ value: string | null; rows: number; total: number; keys: string[] }>(${tsString(listing)});`,
    'if (unconverted.length > 0) {',
    `  const listed = unconverted.map((u) => '  ' + (u.value === null ? 'NULL' : JSON.stringify(u.value)) + ': ' + u.rows + ${tsString(` row(s), e.g. ${ctx.key} `)} + u.keys.join(', '));`,
    `  throw new Error([unconverted[0].total + ${tsString(` ${intro}`)}, ...listed, ${tsString(input.fixHint)}].join('\\n'));`,
    '}',
    `await ctx.batchCopy(${tsObject({ table: ctx.table, key: ctx.key, columns: [ctx.column], into: names.backup, batchSize: options.batchSize, name: 'backup' })});`,
    `await ctx.batchUpdate(${tsObject({ table: ctx.table, key: ctx.key, set: `${quoteIdent(names.temp)} = ${convertedValue(ctx, c)}`, where: stale, batchSize: options.batchSize, name: 'convert' })});`,
  ].join('\n');
  return {
    name: options.migrationName,
    model: input.model,
    description: `Backs up ${label} into ${names.backup} and fills ${names.temp} with the converted values, in batches; refuses (listing them) if some value does not convert.`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up,
      down: '// Nothing to undo here: down.sql drops the new column, the backup table and the helper functions.',
      validate: `return (await ctx.count(${tsString(ctx.table)}, ${tsString(`${stale} OR (${bad})`)})) === 0;`,
    },
  };
}
