import { inputError } from '../errors';
import type { ModifiedColumn } from '../prisma-schema/edits/modify-column';
import { quoteIdent, quoteLiteral } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import { columnBackupTableName } from './backup-names';
import { parseAlterTable, type ColumnDefinition } from './column-clauses';
import { requireDataLossConfirmation } from './data-loss';
import { expandContractMigrations } from './modify-column-expand';
import { metadataMigrations } from './modify-column-meta';
import type { NarrowBack } from './modify-column-narrow-back';
import type { ExpandContext } from './modify-column-sql';
import {
  bareType,
  classifyTypeChange,
  convertibleTextSamples,
  defaultCastCannotFail,
  defaultConversion,
  isEnumType,
  isTextType,
  lossOf,
  parseSqlType,
  type TypeChangeKind,
} from './modify-column-types';
import { notNullSteps, type NotNullSteps } from './not-null-steps';
import { UnexpectedDiffError, type MigrationPlan, type RecipeOptions } from './plan';
import { BACKUP_SCHEMA } from '../runtime/forge-schema';

export interface ModifyColumnInput {
  /** Prisma's SQL, before → after and back. */
  naive: { up: string; down: string };
  column: ModifiedColumn;
  /** Prisma's definition of the column before and after the change. */
  before: ColumnDefinition;
  after: ColumnDefinition;
  /** `--backfillValue` as an SQL literal of the new type. */
  backfillLiteral?: string;
  /** Timestamp of the change's first migration folder: names its backup and helpers. */
  stamp: string;
  confirmDataLoss?: boolean;
}

/**
 * modify-column: a change PostgreSQL can make in the catalog alone (binary-coercible type change,
 * default, DROP NOT NULL) is Prisma's own ALTER under lock_timeout; NOT NULL comes through a
 * validated CHECK; any other type change (or a value map, or a cast) goes expand/contract.
 */
export function modifyColumnRecipe(input: ModifyColumnInput, options: RecipeOptions): MigrationPlan {
  const { column: m, before, after } = input;
  const label = `${m.model}.${m.field}`;
  const kind = classifyTypeChange(before.type, after.type);
  const becomesRequired = after.notNull && !before.notNull;
  if (input.backfillLiteral !== undefined && !m.key) {
    throw inputError(`${m.model} has no single-column primary key, which the batched backfill pages on. Fill the NULL rows yourself, then generate the change without --backfillValue.`);
  }
  const converts = kind === 'rewrite' || kind === 'narrowing' || m.map !== undefined || m.cast !== undefined;
  if (!converts) {
    // A widening (nothing else changing) whose reverse is not catalog-only rolls back through a column of the old type, when it can have the indexes.
    const narrowBack: NarrowBack | undefined =
      kind === 'coercible' && classifyTypeChange(after.type, before.type) !== 'coercible' && before.default === after.default && before.notNull === after.notNull && m.key && m.plainIndexes
        ? {
            model: m.model,
            table: m.table,
            column: m.column,
            label,
            key: m.key,
            currentType: after.type,
            oldType: before.type,
            notNull: after.notNull,
            ...(before.default !== undefined ? { default: before.default } : {}),
            indexes: m.plainIndexes,
            stamp: input.stamp,
          }
        : undefined;
    const migrations = metadataMigrations(
      input.naive,
      { model: m.model, table: m.table, column: m.column, label, key: m.key, becomesRequired, backfill: input.backfillLiteral, columnType: after.type, stamp: input.stamp, ...(narrowBack ? { narrowBack } : {}) },
      options,
    );
    return { migrations, notes: metadataNotes(label, kind, before, after, becomesRequired, input.backfillLiteral, notNullSteps(options.pgVersion), narrowBack) };
  }
  return expandContract(input, kind, label, options);
}

function expandContract(input: ModifyColumnInput, kind: TypeChangeKind, label: string, options: RecipeOptions): MigrationPlan {
  const { column: m, before, after } = input;
  if (m.indexedBy.length) {
    throw inputError(
      `${label} is part of ${m.indexedBy.join(', ')}; converting it to ${after.type} needs a new column, which would not have ${m.indexedBy.length > 1 ? 'them' : 'it'}. ` +
        'Remove the index (remove-index), change the column, then add the index again (add-index builds it CONCURRENTLY).',
    );
  }
  if (!m.key) {
    throw inputError(`${m.model} has no single-column primary key, which the batched conversion and the backup are keyed by; ${label} cannot be converted online.`);
  }
  const backupName = `${BACKUP_SCHEMA}.${columnBackupTableName(m.table, [m.column], input.stamp)}`;
  const lost = lossText(input, kind);
  if (lost) {
    requireDataLossConfirmation(
      input.confirmDataLoss,
      `${label}: ${lost}`,
      `the original values are copied to ${backupName} before anything is converted, and rolling back the swap migration (migrate-down) puts every original value back`,
    );
  }
  const conversion = conversions(input, label);
  const ctx: ExpandContext = {
    table: m.table,
    column: m.column,
    key: m.key,
    oldType: before.type,
    newType: after.type,
    stamp: input.stamp,
    toNew: conversion.toNew,
    toOld: conversion.toOld,
    trapErrors: m.map === undefined && !(m.cast === undefined && defaultCastCannotFail(before.type, after.type)),
    ...(input.backfillLiteral !== undefined ? { backfill: input.backfillLiteral } : {}),
    required: after.notNull,
  };
  const { createTypes, dropTypes } = enumStatements(input.naive, m.table, m.column);
  const typeName = m.after.type;
  const fromText = isTextType(parseSqlType(before.type));
  const seedValues = m.map ? m.map.map(([from]) => from) : m.cast === undefined && fromText ? convertibleTextSamples(after.type, m.after.enumValues) : undefined;
  const nullHint = after.notNull && !before.notNull && input.backfillLiteral === undefined ? ' Rows listed as NULL need --backfillValue <value>.' : '';
  const fixHint =
    (m.map
      ? 'Fix: add the missing values to --map, or correct those rows.'
      : `Fix: correct those rows, or give a --cast that converts them${m.cast !== undefined ? ' (the one given fails on them)' : ''}.`) +
    nullHint +
    ' To change the map or cast, roll this migration back (migrate-down) and generate the change again; after correcting rows, run migrate again: it resumes here.';
  const migrations = expandContractMigrations(
    {
      ctx,
      model: m.model,
      label,
      typeName,
      before,
      after,
      createTypes,
      dropTypes,
      ...(seedValues ? { seedValues } : {}),
      fixHint,
    },
    options,
  );
  return {
    migrations,
    notes: [
      `${before.type} → ${after.type} is not binary-coercible${kind === 'narrowing' ? ' (it narrows)' : ''}: expand/contract instead of ALTER COLUMN TYPE, which would rewrite ${m.table} under an exclusive lock${m.map || m.cast !== undefined ? ' and cannot apply a value map or cast' : ''}.`,
      `Until the swap, a trigger keeps ${m.column}__forge_new in step with writes to ${m.column}; the application keeps using ${m.column} unchanged.`,
      'Values that do not convert are listed and refused by the data migration (and by the swap), never set to NULL; from the expand on, the trigger refuses a write that does not convert (the application gets an error), so none can slip in before the swap.',
      `The original values stay in ${backupName} after the swap: rolling the swap back restores them exactly (rows written after the swap come back through the reverse conversion), in batches after a brief catalog step (until its batch, a row reads NULL in the old column), then NOT NULL through a validated check. Drop that table once the change is final.`,
      ...(fromText && !isEnumType(parseSqlType(after.type)) && m.map === undefined
        ? [`Text that is not in ${after.type}'s canonical form (e.g. ' 7', '007') converts to its value; the rollback restores the original text from the backup.`]
        : []),
    ],
  };
}

/** Conversion both ways, as SQL expressions over the column's name. */
function conversions(input: ModifyColumnInput, label: string): { toNew: string; toOld: string } {
  const { column: m, before, after } = input;
  const c = quoteIdent(m.column);
  const oldBare = bareType(parseSqlType(before.type));
  const newBare = bareType(parseSqlType(after.type));
  const reverseDefault = defaultConversion(c, after.type, before.type);
  const toOld = (fallback: string | undefined): string => {
    if (m.reverseCast !== undefined) return `(${m.reverseCast})`;
    if (fallback !== undefined) return fallback;
    throw inputError(
      `There is no cast from ${after.type} back to ${before.type}, which the rollback of the swap needs for rows written after it. ` +
        `Give --reverseCast '<SQL over ${c}>'.`,
    );
  };
  if (m.map) {
    const forward = m.map.map(([from, to]) => `WHEN ${c} = ${quoteLiteral(from)}::${oldBare} THEN ${quoteLiteral(to)}::${newBare}`);
    const firstKeyOf = new Map<string, string>();
    for (const [from, to] of m.map) if (!firstKeyOf.has(to)) firstKeyOf.set(to, from);
    const backward = [...firstKeyOf].map(([to, from]) => `WHEN ${c} = ${quoteLiteral(to)}::${newBare} THEN ${quoteLiteral(from)}::${oldBare}`);
    const reverse = m.reverseCast !== undefined ? `(${m.reverseCast})` : `CASE ${backward.join(' ')} ELSE ${reverseDefault ?? 'NULL'} END`;
    return { toNew: `CASE ${forward.join(' ')} ELSE NULL END`, toOld: reverse };
  }
  if (m.cast !== undefined) return { toNew: `(${m.cast})`, toOld: toOld(reverseDefault) };
  const forward = defaultConversion(c, before.type, after.type);
  if (forward === undefined) {
    throw inputError(
      `PostgreSQL has no cast from ${before.type} to ${after.type} for ${label}. Give the conversion with --cast '<SQL over ${c}>' ` +
        `(and --reverseCast for the rollback), or --map for a value map.`,
    );
  }
  return { toNew: forward, toOld: toOld(reverseDefault) };
}

function lossText(input: ModifyColumnInput, kind: TypeChangeKind): string | undefined {
  const { column: m, before, after } = input;
  if (m.map) {
    const byTarget = new Map<string, string[]>();
    for (const [from, to] of m.map) byTarget.set(to, [...(byTarget.get(to) ?? []), from]);
    const merged = [...byTarget].filter(([, from]) => from.length > 1);
    if (merged.length) {
      return `--map sends several values to one (${merged.map(([to, from]) => `${from.join(', ')} → ${to}`).join('; ')}), so which of them a row held is lost`;
    }
    return undefined;
  }
  return lossOf(before.type, after.type, kind);
}

/** Prisma's CREATE TYPE / DROP TYPE for a new enum; the rest of its SQL must be about this column only. */
function enumStatements(naive: { up: string; down: string }, table: string, column: string): { createTypes: string[]; dropTypes: string[] } {
  const pick = (script: string, verb: 'CREATE' | 'DROP') =>
    splitStatements(script).flatMap((statement) => {
      const text = statementText(statement);
      if (new RegExp(`^${verb} TYPE `).test(text)) return [`${text};`];
      const alter = parseAlterTable(statement);
      const ours = alter?.table === quoteIdent(table) && alter.clauses.every((clause) => clause.includes(quoteIdent(column)));
      if (!ours) throw new UnexpectedDiffError('modify-column', script);
      return [];
    });
  return { createTypes: pick(naive.up, 'CREATE'), dropTypes: pick(naive.down, 'DROP') };
}

function metadataNotes(
  label: string,
  kind: TypeChangeKind,
  before: ColumnDefinition,
  after: ColumnDefinition,
  becomesRequired: boolean,
  backfill: string | undefined,
  notNull: NotNullSteps,
  narrowBack: NarrowBack | undefined,
): string[] {
  return [
    ...(kind === 'coercible' ? [`${before.type} → ${after.type} is binary-coercible: ALTER COLUMN TYPE changes only the catalog (no rewrite; indexes kept).`] : []),
    ...(narrowBack
      ? [
          `The rollback narrows back to ${before.type}, which PostgreSQL does only by rewriting the table: it fills a column of the old type in batches (indexes rebuilt CONCURRENTLY) and swaps it in; values written since that do not fit stop it, listed, never truncated.`,
        ]
      : []),
    ...(before.default !== after.default ? [`SET/DROP DEFAULT changes only the catalog: existing rows keep their values.`] : []),
    ...(!before.notNull && !after.notNull
      ? []
      : !after.notNull
        ? [`DROP NOT NULL changes only the catalog; its reverse brings NOT NULL back through ${notNull.words.route}, and stops, listing them, on rows written NULL since.`]
        : []),
    ...(becomesRequired
      ? [
          `${label} becomes required through ${notNull.words.route}` +
            (backfill !== undefined ? `, after a batched backfill of NULL rows with ${backfill}.` : '; if some rows are NULL, the first migration refuses and lists them (give --backfillValue).'),
        ]
      : []),
  ];
}
