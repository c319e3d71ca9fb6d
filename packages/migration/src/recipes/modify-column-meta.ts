import { BACKUP_SCHEMA } from '../runtime/forge-schema';
import { doBlock, raiseException } from '../sql/do-block';
import { quoteIdent, quoteLiteral } from '../sql/identifiers';
import { splitStatements } from '../sql/split-statements';
import { columnBackupTableName } from './backup-names';
import { alterTable, parseAlterTable } from './column-clauses';
import { batchedDuration, tsObject, tsString } from './data-migration-code';
import { allowLint } from './lint-allowance';
import { classifyTypeChange } from './modify-column-types';
import { UnexpectedDiffError, type PlannedDataMigration, type PlannedMigration, type RecipeOptions } from './plan';
import { enforceNotNullMigration, notNullSteps } from './not-null-steps';
import { createFillTrigger, createForgeSchema, dropFillTrigger, fillFunction, rollbackFillFunction, UNFILLING } from './required-column';
import { steppedScript, transactionalScript, type ScriptStep } from './scripts';
import { holdOffAutovacuum } from './autovacuum-lock';
import { narrowBackDown, type NarrowBack } from './modify-column-narrow-back';

export interface MetaChange {
  model: string;
  table: string;
  column: string;
  /** `Order.note`, for messages. */
  label: string;
  /** Single-column primary key, if any. */
  key?: string;
  /** The column goes from optional to required. */
  becomesRequired: boolean;
  /** SQL literal for NULL rows when it becomes required (`--backfillValue`). */
  backfill?: string;
  /** The column's SQL type after the change, as Prisma writes it: the backfill is compared in it. */
  columnType?: string;
  stamp: string;
  /** Set for a widening whose reverse is not catalog-only: the rollback goes through a column of the old type. */
  narrowBack?: NarrowBack;
}

type Action = 'type' | 'set-default' | 'drop-default' | 'set-not-null' | 'drop-not-null';

/**
 * Changes that touch only the catalog: a binary-coercible type change, SET/DROP DEFAULT, DROP NOT
 * NULL — Prisma's own `ALTER COLUMN` clauses, under lock_timeout, in one migration. SET NOT NULL
 * is taken out of them: it would scan the table under an exclusive lock. It comes through the
 * CHECK … NOT VALID → VALIDATE → SET NOT NULL steps instead, after a batched backfill of NULL rows
 * (`--backfillValue`) or behind a guard that refuses, listing them, when there are NULL rows.
 */
export function metadataMigrations(naive: { up: string; down: string }, change: MetaChange, options: RecipeOptions): PlannedMigration[] {
  const up = clausesOf(naive.up, change);
  const down = clausesOf(naive.down, change);
  const t = quoteIdent(change.table);
  const upNow = up.filter((c) => c.action !== 'set-not-null').map((c) => c.text);
  const downNow = down.filter((c) => c.action !== 'drop-not-null').map((c) => c.text);
  const meta = upNow.length ? [alterTable(t, upNow)] : [];
  const metaDown = downNow.length ? [withRollbackAllowances(alterTable(t, downNow), up, down, change)] : [];
  const lock = options.lockTimeout;
  const notNull = notNullSteps(options.pgVersion);
  // Every script locks the table for autovacuum first (a write never queues behind one), then runs its statements.
  const script = (title: string, statements: string[]) => transactionalScript(title, statements.length ? [holdOffAutovacuum(change.table), ...statements] : [], lock);
  if (up.some((c) => c.action === 'set-not-null') !== change.becomesRequired) throw new UnexpectedDiffError('modify-column', naive.up);

  if (!change.becomesRequired) {
    // Only the type changes: its reverse goes online (other clauses keep Prisma's one ALTER).
    if (change.narrowBack && down.length === 1 && down[0].action === 'type') {
      const back = narrowBackDown(change.narrowBack, options);
      return [{ name: options.migrationName, up: script(`Modify ${change.label}: catalog only (no rewrite, no scan)`, meta), down: back.down, dataMigration: back.dataMigration }];
    }
    // Required → optional: its reverse, SET NOT NULL, would scan under ACCESS EXCLUSIVE; it goes through a validated check.
    const others = down.filter((c) => c.action !== 'set-not-null');
    if (down.some((c) => c.action === 'set-not-null') && others.every((c) => c.action !== 'type')) {
      return [
        {
          name: options.migrationName,
          up: script(`Modify ${change.label}: catalog only (no rewrite, no scan)`, meta),
          down: notNullBackDown(change, others.map((c) => c.text), options),
        },
      ];
    }
    return [
      {
        name: options.migrationName,
        up: script(`Modify ${change.label}: catalog only (no rewrite, no scan)`, meta),
        down: script(`Reverse of: modify ${change.label}`, metaDown),
      },
    ];
  }

  const check: PlannedMigration[] = [];
  if (change.backfill !== undefined) {
    if (!change.key) throw new Error('unreachable: the generator refuses a backfill without a single-column primary key');
    const keys = keysTable(change);
    check.push({
      name: options.migrationName,
      up: script(
        `${change.label} becomes required, step 1: fill NULL rows with ${change.backfill} (data migration; a trigger fills NULLs written meanwhile)`,
        [
          ...meta,
          createForgeSchema(),
          `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(BACKUP_SCHEMA)};`,
          `CREATE TABLE ${keys} AS SELECT ${quoteIdent(change.key)}, ${quoteIdent(change.column)} FROM ${t} WITH NO DATA;`,
          `ALTER TABLE ${keys} ADD PRIMARY KEY (${quoteIdent(change.key)});`,
          ...createFillTrigger(change.table, change.column, change.stamp, change.backfill, { keys, key: change.key }),
        ],
      ),
      down: script(
        `Reverse of: fill NULL rows of ${change.label}`,
        [...dropFillTrigger(change.table, change.column, change.stamp), `DROP TABLE ${keys};`, ...metaDown],
      ),
      dataMigration: fillData(change, keys, options),
    });
    check.push({
      name: `${options.migrationName}_check`,
      up: script(`${change.label} becomes required, step 2: ${notNull.words.add} (brief lock, no scan)`, [notNull.add(change.table, change.column)]),
      down: script(`Reverse of: the NOT NULL ${notNull.words.constraint} on ${change.label}`, [notNull.drop(change.table, change.column)]),
    });
  } else {
    check.push({
      name: options.migrationName,
      up: script(
        `${change.label} becomes required, step 1: refuse if rows are NULL, then ${notNull.words.add} (brief lock, no scan)`,
        [...meta, nullRowsGuard(change), notNull.add(change.table, change.column)],
      ),
      down: script(`Reverse of: the NOT NULL ${notNull.words.constraint} on ${change.label}`, [notNull.drop(change.table, change.column), ...metaDown]),
    });
  }
  // With a fill value, the trigger covers the previous application version's NULLs until NOT NULL is enforced, and goes with it.
  const contract = change.backfill !== undefined
    ? {
        phase: 'contract' as const,
        previousVersion: `The previous application version may leave ${change.label} NULL (optional there): the fill trigger covered it until now, NOT NULL rejects it from here on. Apply this once the new version runs everywhere.`,
      }
    : {};
  return [
    ...check,
    {
      ...contract,
      ...enforceNotNullMigration({
      name: `${options.migrationName}_not_null`,
      table: change.table,
      columns: [change.column],
      filled: change.backfill !== undefined ? [{ column: change.column, expression: change.backfill, record: { keys: keysTable(change), key: change.key! } }] : [],
      stamp: change.stamp,
      titles: {
        up: `${change.label} becomes required, last step: ${notNull.words.enforce}`,
        down: `Reverse of: ${notNull.words.undone} on ${change.label} — ${notNull.words.unenforced}`,
      },
        lockTimeout: lock,
        steps: notNull,
      }),
    },
  ];
}

/**
 * The reverse of a catalog-only change is not always catalog-only: SET NOT NULL scans the table,
 * and narrowing the type back rewrites it. A rollback takes that cost in one step; say so where it
 * is written, for migrate-lint and for the reviewer.
 */
function withRollbackAllowances(statement: string, up: { action: Action; text: string }[], down: { action: Action; text: string }[], change: MetaChange): string {
  const t = quoteIdent(change.table);
  const typeOf = (clauses: { action: Action; text: string }[]) => clauses.find((c) => c.action === 'type')?.text.replace(/^.*? SET DATA TYPE /s, '');
  const [upType, downType] = [typeOf(up), typeOf(down)];
  const kind = upType && downType ? classifyTypeChange(upType, downType) : 'none';
  let out = statement;
  if (kind !== 'none' && kind !== 'coercible') {
    out = allowLint('changing-column-type', `rollback: ${upType} back to ${downType} rewrites ${t} under ACCESS EXCLUSIVE; it stops, changing nothing, on a value written since that does not fit`, out);
  }
  if (down.some((c) => c.action === 'set-not-null')) {
    out = allowLint('set-not-null-without-validated-check', `rollback: restores NOT NULL in one step, one scan of ${t} under ACCESS EXCLUSIVE; it stops, changing nothing, if NULLs were written since`, out);
  }
  return out;
}

/** Prisma's `ALTER COLUMN` clauses for the column; anything else is a shape this recipe does not know. */
function clausesOf(script: string, change: MetaChange): { action: Action; text: string }[] {
  const column = quoteIdent(change.column);
  return splitStatements(script).flatMap((statement) => {
    const alter = parseAlterTable(statement);
    if (!alter || alter.table !== quoteIdent(change.table)) throw new UnexpectedDiffError('modify-column', script);
    return alter.clauses.map((text) => {
      const match = /^ALTER COLUMN ("(?:[^"]|"")+") (SET DATA TYPE .+|SET DEFAULT .+|DROP DEFAULT|SET NOT NULL|DROP NOT NULL)$/s.exec(text);
      if (!match || match[1] !== column) throw new UnexpectedDiffError('modify-column', script);
      const action: Action = match[2].startsWith('SET DATA TYPE')
        ? 'type'
        : match[2].startsWith('SET DEFAULT')
          ? 'set-default'
          : (match[2].toLowerCase().replace(/ /g, '-') as Action);
      return { action, text };
    });
  });
}

function keysTable(change: MetaChange): string {
  return `${quoteIdent(BACKUP_SCHEMA)}.${quoteIdent(columnBackupTableName(change.table, [change.column], change.stamp))}`;
}

/**
 * Fills the NULL rows in batches by writing NULL again: the fill trigger gives them the value and
 * records their keys, as it does for NULLs the application writes meanwhile, so the rollback makes
 * exactly those rows NULL again (and keeps values written since).
 */
function fillData(change: MetaChange, keys: string, options: RecipeOptions): PlannedDataMigration {
  const c = quoteIdent(change.column);
  const k = quoteIdent(change.key!);
  const t = quoteIdent(change.table);
  const record = { keys, key: change.key! };
  return {
    name: options.migrationName,
    model: change.model,
    description: `Fills ${change.label} = ${change.backfill} where it is NULL (the fill trigger records those rows in ${keys}, and every NULL written until NOT NULL), so that the rollback can make them NULL again.`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up: [
        '// The fill trigger fills and records (again, if a rollback that stopped had turned it off).',
        `await ctx.query(${tsString(fillFunction(change.table, change.column, change.stamp, change.backfill!, record))});`,
        '// Writing NULL fires the fill trigger: it sets the value and records the row for the rollback.',
        `await ctx.batchUpdate(${tsObject({ table: change.table, key: change.key, set: `${c} = NULL`, where: `${c} IS NULL`, batchSize: options.batchSize, name: 'fill' })});`,
      ].join('\n'),
      down: [
        '// From now on NULLs written stay NULL, and a value written takes its row out of the records.',
        `await ctx.query(${tsString(rollbackFillFunction(change.table, change.column, change.stamp, record))});`,
        '// Recorded rows that still hold the fill value become NULL again (a value written since is kept).',
        `await ctx.query(${tsString(`SELECT set_config('${UNFILLING}', 'on', false)`)});`,
        `await ctx.batchUpdate(${tsObject({
          table: change.table,
          key: change.key,
          set: `${c} = NULL`,
          // Compared as the column stores it: the literal's own text ('2024-01-01T00:00:00.000Z') can differ from the value's.
          where: `${c}::text IS NOT DISTINCT FROM ${storedText(change)} AND EXISTS (SELECT 1 FROM ${keys} b WHERE b.${k} = ${t}.${k})`,
          batchSize: options.batchSize,
          name: 'unfill',
        })});`,
        `await ctx.query(${tsString(`SELECT set_config('${UNFILLING}', 'off', false)`)});`,
      ].join('\n'),
      validate: `return (await ctx.count(${tsString(change.table)}, ${tsString(`${c} IS NULL`)})) === 0;`,
    },
  };
}

/** The backfill as the column's text output shows it: cast to the column's type first. */
function storedText(change: MetaChange): string {
  return change.columnType ? `((${change.backfill})::${change.columnType})::text` : `(${change.backfill})::text`;
}

/**
 * The rollback of required → optional, in steps: the NOT NULL check NOT VALID (brief lock; NULL
 * writes are refused from now on), then a guard listing the rows written NULL since and VALIDATE
 * (both scans under SHARE UPDATE EXCLUSIVE: writes go on), then SET NOT NULL without a scan.
 */
function notNullBackDown(change: MetaChange, otherClauses: string[], options: RecipeOptions): string {
  const t = quoteIdent(change.table);
  const notNull = notNullSteps(options.pgVersion);
  const [validate, ...afterValidate] = notNull.enforce(change.table, change.column);
  const steps: ScriptStep[] = [
    {
      title: `${otherClauses.length ? 'the other clauses back, and ' : ''}${notNull.words.add} (brief lock, no scan; NULL writes are refused from now on)`,
      statements: [holdOffAutovacuum(change.table), ...(otherClauses.length ? [alterTable(t, otherClauses)] : []), notNull.add(change.table, change.column)],
    },
    {
      title: 'rows written NULL since the change are listed and stop the rollback; else VALIDATE (scans under SHARE UPDATE EXCLUSIVE: writes go on)',
      statements: [
        nullRowsGuard(change, {
          problem: 'written since the change, so NOT NULL cannot come back. This step changed nothing.',
          fix: 'Give those rows a value, then run migrate-down again: it continues here (meanwhile NULL writes are refused).',
        }),
        validate,
      ],
    },
    ...(afterValidate.length ? [{ title: 'SET NOT NULL (uses the validated check: no scan), drop the check', statements: [holdOffAutovacuum(change.table), ...afterValidate] }] : []),
  ];
  return steppedScript(`Reverse of: modify ${change.label} — NOT NULL back without a scan under an exclusive lock`, steps, options.lockTimeout);
}

/** Without a backfill value, NULL rows make the change impossible: refuse before the CHECK, listing them. */
function nullRowsGuard(
  change: MetaChange,
  words = {
    problem: 'so it cannot become required. Nothing was changed.',
    fix: 'Generate the change again with --backfillValue <value> to fill them, or fill them yourself, then run migrate again.',
  },
): string {
  const t = quoteIdent(change.table);
  const c = quoteIdent(change.column);
  const key = change.key ? quoteIdent(change.key) : 'ctid';
  return doBlock(
    ['null_rows bigint;', 'sample text;'],
    [
      `SELECT count(*) INTO null_rows FROM ${t} WHERE ${c} IS NULL;`,
      'IF null_rows > 0 THEN',
      // Listed as key=value, the form migrate-validate reads back to find the rows.
      `  SELECT string_agg(${quoteLiteral(`${change.key ?? 'ctid'}=`)} || k, ', ') INTO sample FROM (SELECT ${key}::text AS k FROM ${t} WHERE ${c} IS NULL ORDER BY ${key} LIMIT 10) s;`,
      `  ${raiseException(
        `${change.label}: {} row(s) are NULL ({}), ${words.problem}`,
        ['null_rows', 'sample'],
        words.fix,
      )}`,
      'END IF;',
    ],
  );
}
