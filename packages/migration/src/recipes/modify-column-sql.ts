import { BACKUP_SCHEMA } from '../runtime/forge-schema';
import { doBlock, raiseException } from '../sql/do-block';
import { quoteIdent } from '../sql/identifiers';
import { columnBackupTableName, fitIdentifier } from './backup-names';
import { parseSqlType, bareType } from './modify-column-types';
import { forgeFunction } from './required-column';

/**
 * The SQL of the expand/contract recipe for a type change. The old column stays the one the
 * application reads and writes until the swap; a new column of the new type is kept in step with
 * it by a trigger, backfilled in batches, and renamed into place at the swap. Every conversion
 * goes through one function, so the backfill, the trigger, the checks and the rollback agree.
 */
export interface ExpandContext {
  table: string;
  /** The column (database name), old type until the swap, new type after. */
  column: string;
  /** The single-column primary key the batches page on and the backup is keyed by. */
  key: string;
  /** SQL types as Prisma writes them. */
  oldType: string;
  newType: string;
  /** The change's stamp (timestamp of its first migration folder): part of every helper's name. */
  stamp: string;
  /** Conversion of the old value, an SQL expression over the column's name. */
  toNew: string;
  /** Conversion back, an SQL expression over the column's name (holding a new-type value). */
  toOld: string;
  /** Whether a failing conversion means "does not convert" (a cast) rather than an error. */
  trapErrors: boolean;
  /** SQL literal given to rows whose old value is NULL (when the column becomes required). */
  backfill?: string;
  /** The new column is required: NULL after conversion means "does not convert". */
  required: boolean;
}

export function expandNames(ctx: ExpandContext) {
  const base = `${ctx.table}__${ctx.column}`;
  return {
    temp: fitIdentifier(ctx.column, '__forge_new'),
    backup: `${quoteIdent(BACKUP_SCHEMA)}.${quoteIdent(columnBackupTableName(ctx.table, [ctx.column], ctx.stamp))}`,
    toNew: forgeFunction(fitIdentifier(base, `__${ctx.stamp}__to_new`)),
    toOld: forgeFunction(fitIdentifier(base, `__${ctx.stamp}__to_old`)),
    sync: forgeFunction(fitIdentifier(base, `__${ctx.stamp}__sync`)),
    trigger: fitIdentifier(ctx.column, '__forge_sync'),
  };
}

/** `"_forge"."…__to_new"("status")`: the converted value of an old-type expression. */
export function convertedValue(ctx: ExpandContext, oldValue: string): string {
  return `${expandNames(ctx).toNew}(${oldValue})`;
}

/** Rows whose old value does not convert (the new column would hold NULL where it must not). */
export function unconvertibleCondition(ctx: ExpandContext, oldValue = quoteIdent(ctx.column), converted = convertedValue(ctx, oldValue)): string {
  const isNull = `${converted} IS NULL`;
  return ctx.required ? isNull : `${oldValue} IS NOT NULL AND ${isNull}`;
}

/** The helper functions: conversion, reverse conversion, and the trigger function. */
export function createFunctions(ctx: ExpandContext): string[] {
  const names = expandNames(ctx);
  const c = quoteIdent(ctx.column);
  const variable = ctx.column === 'forge_value' ? 'forge_value_' : 'forge_value';
  const oldBare = bareType(parseSqlType(ctx.oldType));
  const newBare = bareType(parseSqlType(ctx.newType));
  // The variable has the full type (with its length or precision): assigning to it refuses what
  // does not fit, where an explicit ::varchar(100) would truncate silently.
  const toNew = [
    `CREATE OR REPLACE FUNCTION ${names.toNew}(${c} ${oldBare}) RETURNS ${newBare} LANGUAGE plpgsql STABLE AS $forge$`,
    'DECLARE',
    `  ${variable} ${ctx.newType};`,
    'BEGIN',
    `  ${variable} := ${ctx.toNew};`,
    ...(ctx.backfill !== undefined ? [`  IF ${variable} IS NULL AND ${c} IS NULL THEN`, `    ${variable} := ${ctx.backfill};`, '  END IF;'] : []),
    `  RETURN ${variable};`,
    ...(ctx.trapErrors ? ['EXCEPTION WHEN others THEN', '  -- Does not convert: NULL, which the checks list; never an error in the application’s write.', '  RETURN NULL;'] : []),
    'END $forge$;',
  ].join('\n');
  const toOld = [
    `CREATE OR REPLACE FUNCTION ${names.toOld}(${c} ${newBare}) RETURNS ${oldBare} LANGUAGE plpgsql STABLE AS $forge$`,
    'DECLARE',
    `  ${variable} ${ctx.oldType};`,
    'BEGIN',
    `  ${variable} := ${ctx.toOld};`,
    `  RETURN ${variable};`,
    'END $forge$;',
  ].join('\n');
  const k = quoteIdent(ctx.key);
  const converted = `NEW.${quoteIdent(names.temp)}`;
  const sync = [
    `CREATE OR REPLACE FUNCTION ${names.sync}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
    'BEGIN',
    `  ${converted} := ${names.toNew}(NEW.${c});`,
    '  -- A write that does not convert is refused (the application gets the error): once committed,',
    '  -- it could slip between the checks and the swap and become NULL.',
    `  IF ${unconvertibleCondition(ctx, `NEW.${c}`, converted)} THEN`,
    `    ${raiseException(
      `${ctx.table}.${ctx.column} is being converted to ${ctx.newType}, and {} does not convert. The write was refused.`,
      [`coalesce(quote_literal(NEW.${c}), 'NULL')`],
      `Write a value that converts to ${ctx.newType}, or roll the change back (migrate-down) before writing such values again.`,
      'check_violation',
    )}`,
    '  END IF;',
    `  INSERT INTO ${names.backup} (${k}, ${c}) VALUES (NEW.${k}, NEW.${c})`,
    `    ON CONFLICT (${k}) DO UPDATE SET ${c} = EXCLUDED.${c};`,
    '  RETURN NEW;',
    'END $forge$;',
  ].join('\n');
  return [toNew, toOld, sync];
}

export function dropFunctions(ctx: ExpandContext): string[] {
  const names = expandNames(ctx);
  return [
    `DROP FUNCTION ${names.sync}();`,
    `DROP FUNCTION ${names.toOld}(${bareType(parseSqlType(ctx.newType))});`,
    `DROP FUNCTION ${names.toNew}(${bareType(parseSqlType(ctx.oldType))});`,
  ];
}

/** Writes of the old column go to the new one (converted) and to the backup, until the swap. */
export function createSyncTrigger(ctx: ExpandContext): string {
  const names = expandNames(ctx);
  return `CREATE TRIGGER ${quoteIdent(names.trigger)} BEFORE INSERT OR UPDATE OF ${quoteIdent(ctx.column)} ON ${quoteIdent(ctx.table)} FOR EACH ROW EXECUTE FUNCTION ${names.sync}();`;
}

export function dropSyncTrigger(ctx: ExpandContext): string {
  return `DROP TRIGGER ${quoteIdent(expandNames(ctx).trigger)} ON ${quoteIdent(ctx.table)};`;
}

/** The backup of the old values, keyed like the table: `_forge_backup` is invisible to Prisma's diff. */
export function createBackupTable(ctx: ExpandContext): string[] {
  const { backup } = expandNames(ctx);
  const k = quoteIdent(ctx.key);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(BACKUP_SCHEMA)};`,
    `CREATE TABLE ${backup} AS SELECT ${k}, ${quoteIdent(ctx.column)} FROM ${quoteIdent(ctx.table)} WITH NO DATA;`,
    `ALTER TABLE ${backup} ADD PRIMARY KEY (${k});`,
  ];
}

/**
 * The old values again, after the swap's rollback re-added the old column: from the backup where
 * the backup still converts to what the row holds now (the row was not changed since), else the
 * reverse conversion of the current value (rows written after the swap). Two set-based statements
 * (a join, then an anti-join) rather than per-row subqueries: the planner hashes the backup once.
 */
export function restoreOldValues(ctx: ExpandContext): string[] {
  const { backup, temp } = expandNames(ctx);
  const c = quoteIdent(ctx.column);
  const k = quoteIdent(ctx.key);
  const t = quoteIdent(ctx.table);
  const unchangedSinceBackup = `b.${k} = t.${k} AND ${convertedValue(ctx, `b.${c}`)} IS NOT DISTINCT FROM t.${quoteIdent(temp)}`;
  return [
    `UPDATE ${t} AS t SET ${c} = b.${c} FROM ${backup} b WHERE ${unchangedSinceBackup};`,
    `UPDATE ${t} AS t SET ${c} = ${expandNames(ctx).toOld}(t.${quoteIdent(temp)}) WHERE NOT EXISTS (SELECT 1 FROM ${backup} b WHERE ${unchangedSinceBackup});`,
  ];
}

/**
 * Refuses the swap while rows hold a value that did not convert (written by the application after
 * the backfill), listing a few: the swap would otherwise drop the only copy of those values.
 */
export function unconvertedGuard(ctx: ExpandContext, what: string): string {
  const { temp } = expandNames(ctx);
  const c = quoteIdent(ctx.column);
  const n = quoteIdent(temp);
  const condition = ctx.required ? `${n} IS NULL` : `${c} IS NOT NULL AND ${n} IS NULL`;
  const t = quoteIdent(ctx.table);
  return doBlock(
    ['unconverted bigint;', 'sample text;'],
    [
      `SELECT count(*) INTO unconverted FROM ${t} WHERE ${condition};`,
      'IF unconverted > 0 THEN',
      `  SELECT string_agg(format('%s (${ctx.key.replace(/'/g, "''")} %s)', coalesce(quote_literal(v), 'NULL'), k), ', ') INTO sample`,
      `    FROM (SELECT ${c}::text AS v, ${quoteIdent(ctx.key)}::text AS k FROM ${t} WHERE ${condition} ORDER BY ${quoteIdent(ctx.key)} LIMIT 10) s;`,
      `  ${raiseException(`${what}: {} row(s) hold a value that does not convert: {}. Nothing was changed.`, ['unconverted', 'sample'], 'These rows were written after the backfill. Correct them (or extend the map/cast and regenerate), then run migrate again.')}`,
      'END IF;',
    ],
  );
}
