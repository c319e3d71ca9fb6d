import { doBlock, raiseException } from '../sql/do-block';
import { quoteIdent } from '../sql/identifiers';
import { holdOffAutovacuum } from './autovacuum-lock';
import { fitIdentifier } from './backup-names';
import { allowLint } from './lint-allowance';
import { addColumnClause, alterTable } from './column-clauses';
import { batchedDuration, tsObject, tsString } from './data-migration-code';
import { bareType, parseSqlType } from './modify-column-types';
import { notNullSteps } from './not-null-steps';
import type { PlannedDataMigration, RecipeOptions } from './plan';
import { createForgeSchema, forgeFunction } from './required-column';
import { steppedScript, type ScriptStep } from './scripts';

/** An index the column is part of, as the schema declares it, rebuilt on the narrowed column. */
export interface ColumnIndex {
  name: string;
  unique: boolean;
  /** Its key columns (database names), in order. */
  columns: string[];
}

export interface NarrowBack {
  model: string;
  table: string;
  column: string;
  /** `Product.sku`, for messages. */
  label: string;
  /** The single-column primary key the batches page on. */
  key: string;
  /** The type after the change (wider) and the one the rollback restores. */
  currentType: string;
  oldType: string;
  notNull: boolean;
  /** The column's default before the change, as SQL (a type change keeps it; the new column needs it). */
  default?: string;
  indexes: ColumnIndex[];
  stamp: string;
}

/**
 * The rollback of a catalog-only widening (VARCHAR(32) → VARCHAR(64), a Decimal with more digits…),
 * whose plain reverse, ALTER COLUMN TYPE back, rewrites the table under ACCESS EXCLUSIVE
 * (PostgreSQL rewrites on any narrowing, a validated CHECK does not spare it). Instead, as the
 * way up of a conversion: a column of the old type beside it, kept in step by a trigger that
 * refuses writes that do not fit; a batched copy (the data migration's down()) that lists and
 * refuses values written since that do not fit, never truncating them; NOT NULL through a
 * validated check; its indexes built CONCURRENTLY; then a swap under a brief lock.
 */
export function narrowBackDown(change: NarrowBack, options: RecipeOptions): { down: string; dataMigration: PlannedDataMigration } {
  const n = narrowNames(change);
  const t = quoteIdent(change.table);
  const c = quoteIdent(change.column);
  const temp = quoteIdent(n.temp);
  const notNull = notNullSteps(options.pgVersion);
  const [validate, ...afterValidate] = notNull.enforce(change.table, n.temp);
  const steps: ScriptStep[] = [
    {
      title: `${n.temp} ${change.oldType} beside ${change.column} (catalog only), kept in step by a trigger that refuses writes that do not fit`,
      statements: [holdOffAutovacuum(change.table), createForgeSchema(), ...functions(change), alterTable(t, [addColumnClause({ column: n.temp, type: change.oldType, notNull: false })]), createTrigger(change)],
    },
    { title: `${change.column} copied into ${n.temp} in batches; values that do not fit ${change.oldType} stop the rollback, listed (the data migration down())`, statements: [], data: true },
    ...(change.notNull
      ? [
          { title: `NOT NULL for ${n.temp}: ${notNull.words.add} (brief lock, no scan)`, statements: [holdOffAutovacuum(change.table), notNull.add(change.table, n.temp)] },
          { title: 'VALIDATE (scan under SHARE UPDATE EXCLUSIVE: writes go on)', statements: [validate] },
        ]
      : []),
    ...change.indexes.map((index) => ({
      title: `${index.name} rebuilt on ${n.temp}, CONCURRENTLY (writes go on)`,
      statements: [`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(n.index(index.name))} ON ${t} (${index.columns.map((col) => quoteIdent(col === change.column ? n.temp : col)).join(', ')});`],
      alone: true,
    })),
    {
      title: `the swap: ${n.temp} becomes ${change.column} (brief lock, no scan)`,
      statements: [
        holdOffAutovacuum(change.table),
        swapGuard(change),
        ...(change.notNull ? afterValidate : []),
        `DROP TRIGGER ${quoteIdent(n.trigger)} ON ${t};`,
        allowLint(
          'drop-column-without-backup',
          `every value of ${change.column} is in ${n.temp}, which takes its place`,
          allowLint('rename-as-drop-and-add', `not a rename: ${n.temp} holds ${change.column}'s values in the old type and is renamed into place`, alterTable(t, [`DROP COLUMN ${c}`])),
        ),
        `ALTER TABLE ${t} RENAME COLUMN ${temp} TO ${c};`,
        ...(change.notNull ? notNull.renameWithColumn(change.table, n.temp, change.column) : []),
        ...change.indexes.map((index) => `ALTER INDEX ${quoteIdent(n.index(index.name))} RENAME TO ${quoteIdent(index.name)};`),
        ...(change.default !== undefined ? [`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${change.default};`] : []),
        `DROP FUNCTION ${n.sync}();`,
        `DROP FUNCTION ${n.narrow}(${bareType(parseSqlType(change.currentType))});`,
      ],
    },
  ];
  return {
    down: steppedScript(
      `Reverse of: ${change.label} ${change.oldType} → ${change.currentType}. ALTER COLUMN TYPE back would rewrite ${change.table} under ACCESS EXCLUSIVE: a column of the old type is filled beside it in batches and swapped in`,
      steps,
      options.lockTimeout,
    ),
    dataMigration: copyData(change, options),
  };
}

export function narrowNames(change: Pick<NarrowBack, 'table' | 'column' | 'stamp'>) {
  const base = `${change.table}__${change.column}`;
  return {
    temp: fitIdentifier(change.column, '__forge_old'),
    narrow: forgeFunction(fitIdentifier(base, `__${change.stamp}__to_old`)),
    sync: forgeFunction(fitIdentifier(base, `__${change.stamp}__sync_old`)),
    trigger: fitIdentifier(change.column, '__forge_sync_old'),
    index: (name: string) => fitIdentifier(name, '__forge_old'),
  };
}

/** The value in the old type, or NULL when it does not fit there exactly (too long, rounded, out of range). */
function functions(change: NarrowBack): string[] {
  const n = narrowNames(change);
  const c = quoteIdent(change.column);
  const variable = change.column === 'forge_value' ? 'forge_value_' : 'forge_value';
  const narrow = [
    `CREATE OR REPLACE FUNCTION ${n.narrow}(${c} ${bareType(parseSqlType(change.currentType))}) RETURNS ${bareType(parseSqlType(change.oldType))} LANGUAGE plpgsql IMMUTABLE AS $forge$`,
    'DECLARE',
    `  ${variable} ${change.oldType};`,
    'BEGIN',
    '  -- Assigning to a variable of the full type refuses what does not fit (a cast would truncate);',
    '  -- what it would round or trim is no fit either.',
    `  ${variable} := ${c};`,
    `  IF ${variable} IS DISTINCT FROM ${c} THEN`,
    '    RETURN NULL;',
    '  END IF;',
    `  RETURN ${variable};`,
    'EXCEPTION WHEN others THEN',
    '  RETURN NULL;',
    'END $forge$;',
  ].join('\n');
  const temp = `NEW.${quoteIdent(n.temp)}`;
  const sync = [
    `CREATE OR REPLACE FUNCTION ${n.sync}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
    'BEGIN',
    `  ${temp} := ${n.narrow}(NEW.${c});`,
    '  -- A write that does not fit the old type is refused (the application gets the error): the',
    '  -- rollback would otherwise have to truncate it.',
    `  IF NEW.${c} IS NOT NULL AND ${temp} IS NULL THEN`,
    `    ${raiseException(
      `${change.table}.${change.column} is being rolled back to ${change.oldType}, and {} does not fit. The write was refused.`,
      [`quote_literal(NEW.${c})`],
      `Write a value that fits ${change.oldType}: the change is being rolled back (migrate-down).`,
      'check_violation',
    )}`,
    '  END IF;',
    '  RETURN NEW;',
    'END $forge$;',
  ].join('\n');
  return [narrow, sync];
}

function createTrigger(change: NarrowBack): string {
  const n = narrowNames(change);
  return `CREATE TRIGGER ${quoteIdent(n.trigger)} BEFORE INSERT OR UPDATE OF ${quoteIdent(change.column)} ON ${quoteIdent(change.table)} FOR EACH ROW EXECUTE FUNCTION ${n.sync}();`;
}

/** The swap refuses if a row was not copied, or an index build did not finish (an invalid index is left by an interrupted CONCURRENTLY). */
function swapGuard(change: NarrowBack): string {
  const n = narrowNames(change);
  const c = quoteIdent(change.column);
  const k = quoteIdent(change.key);
  const t = quoteIdent(change.table);
  // The trigger keeps every write in step since the copy: a row left behind is one the copy did not reach.
  const missing = `${quoteIdent(n.temp)} IS NULL AND ${c} IS NOT NULL`;
  const indexes = change.indexes.map((index) => `'${n.index(index.name).replace(/'/g, "''")}'`);
  return doBlock(
    ['behind bigint;', 'sample text;', ...(indexes.length ? ['unusable text;'] : [])],
    [
      `SELECT count(*), string_agg(${k}::text, ', ') FILTER (WHERE ${k} IS NOT NULL) INTO behind, sample FROM (SELECT ${k} FROM ${t} WHERE ${missing} ORDER BY ${k} LIMIT 10) s;`,
      'IF behind > 0 THEN',
      `  ${raiseException(`${change.label}: rows (${change.key} {}) are not copied to ${change.oldType}. Nothing was changed.`, ['sample'], 'Run migrate-down again: it continues with the batched copy, which lists values that do not fit.')}`,
      'END IF;',
      ...(indexes.length
        ? [
            `SELECT string_agg(name, ', ') INTO unusable FROM unnest(ARRAY[${indexes.join(', ')}]) AS name`,
            `  WHERE NOT EXISTS (SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = name AND x.indrelid = '${t.replace(/'/g, "''")}'::regclass AND x.indisvalid);`,
            'IF unusable IS NOT NULL THEN',
            `  ${raiseException('Index(es) {} are missing or invalid (an interrupted CREATE INDEX CONCURRENTLY). Nothing was changed.', ['unusable'], 'Drop the invalid index(es) (DROP INDEX CONCURRENTLY), then run migrate-down again.')}`,
            'END IF;',
          ]
        : []),
    ],
  );
}

/** The widening's data migration: nothing on the way up; its down() copies the column into the old type, in batches. */
function copyData(change: NarrowBack, options: RecipeOptions): PlannedDataMigration {
  const n = narrowNames(change);
  const c = quoteIdent(change.column);
  const k = quoteIdent(change.key);
  const t = quoteIdent(change.table);
  const unfit = `${c} IS NOT NULL AND ${n.narrow}(${c}) IS NULL`;
  const listing =
    `SELECT ${c}::text AS value, count(*)::int AS rows, sum(count(*)) OVER ()::int AS total, ` +
    `(array_agg(${k}::text ORDER BY ${k}))[1:5] AS keys FROM ${t} WHERE ${unfit} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`;
  const intro = `row(s) of ${change.table} hold a ${change.column} written since the change that does not fit ${change.oldType}, so the rollback stopped before copying anything (values are never truncated):`;
  const fix = 'Fix: shorten or correct those rows, then run migrate-down again: it continues here (meanwhile writes that do not fit are refused).';
  return {
    name: options.migrationName,
    model: change.model,
    description: `Nothing on the way up (migration.sql changes only the catalog); the rollback copies ${change.label} into ${n.temp} (${change.oldType}) in batches, refusing (listing them) values that do not fit.`,
    estimatedDuration: batchedDuration(options.batchSize),
    body: {
      up: `ctx.log(${tsString(`nothing to do: ${change.label} is ${change.currentType} (catalog only)`)});`,
      down: [
        '// Values written since the change that do not fit the old type are listed and refused before anything is copied.',
        `const unfit = await ctx.query<{ value: string; rows: number; total: number; keys: string[] }>(${tsString(listing)});`,
        'if (unfit.length > 0) {',
        `  const listed = unfit.map((u) => '  ' + JSON.stringify(u.value) + ': ' + u.rows + ${tsString(` row(s), e.g. ${change.key} `)} + u.keys.join(', '));`,
        `  throw new Error([unfit[0].total + ${tsString(` ${intro}`)}, ...listed, ${tsString(fix)}].join('\\n'));`,
        '}',
        `await ctx.batchUpdate(${tsObject({ table: change.table, key: change.key, set: `${quoteIdent(n.temp)} = ${n.narrow}(${c})`, where: `${quoteIdent(n.temp)} IS DISTINCT FROM ${n.narrow}(${c})`, batchSize: options.batchSize, name: 'narrow' })});`,
      ].join('\n'),
      validate: `// Nothing of a rollback is left half done: no ${n.temp} column.\nreturn (await ctx.query(${tsString(`SELECT 1 FROM pg_attribute WHERE attrelid = '${t.replace(/'/g, "''")}'::regclass AND attname = '${n.temp.replace(/'/g, "''")}' AND NOT attisdropped`)})).length === 0;`,
    },
  };
}
