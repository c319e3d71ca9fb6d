import { quoteIdent } from '../sql/identifiers';
import { fitIdentifier } from './backup-names';

/**
 * What a required column needs while it is filled: the helper functions' schema and the fill
 * trigger. The NOT NULL steps themselves are in not-null-steps.ts (they depend on the version).
 */

export const FORGE_FUNCTIONS_SCHEMA = '_forge';

/** The helper CHECK of the NOT NULL steps below PostgreSQL 18. */
export function notNullCheckName(table: string, column: string): string {
  return fitIdentifier(`${table}_${column}`, '_not_null');
}

/** `"_forge"."name"`: helper functions live outside the datasource schema, invisible to Prisma's diff. */
export function forgeFunction(name: string): string {
  return `${quoteIdent(FORGE_FUNCTIONS_SCHEMA)}.${quoteIdent(name)}`;
}

export function createForgeSchema(): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(FORGE_FUNCTIONS_SCHEMA)};`;
}

/**
 * A session setting a rollback's data migration turns on while it writes NULLs back: the fill
 * trigger leaves those writes alone (and only those: other sessions never have it).
 */
export const ROLLING_BACK = 'forge.rolling_back';

/**
 * A session setting the rollback's batched unfill turns on: its trigger then checks, at the row,
 * that the row is still recorded (see rollbackFillFunction).
 */
export const UNFILLING = 'forge.unfilling';

/** Names of the fill trigger of a column and its function (the function carries the change's stamp). */
export function fillTriggerNames(table: string, column: string, stamp: string): { trigger: string; fn: string } {
  return { trigger: fitIdentifier(column, '__forge_fill'), fn: fitIdentifier(`${table}__${column}`, `__${stamp}__fill`) };
}

/** Where a fill trigger records the rows it filled, so that a rollback can make them NULL again. */
export interface FillRecord {
  /** The keys table, qualified and quoted: `"_forge_backup"."Order__note__…"`. */
  keys: string;
  /** The single-column primary key (database name). */
  key: string;
}

/**
 * A trigger that gives a column its backfill value whenever a write leaves it NULL, until the
 * column is NOT NULL: the application deployed before the change keeps inserting rows without the
 * column, and those must not undo the backfill. `rowExpression` is evaluated over the new row, so
 * it may refer to the row's columns by name, as in the batched backfill's `SET`. With `record`,
 * the rows it fills are what the application wrote NULL (the batched fill too writes NULL and lets
 * the trigger fill): their keys go into `record.keys`; a value written later takes the key out.
 */
export function createFillTrigger(table: string, column: string, stamp: string, rowExpression: string, record?: FillRecord): string[] {
  const { trigger, fn } = fillTriggerNames(table, column, stamp);
  const c = quoteIdent(column);
  return [
    fillFunction(table, column, stamp, rowExpression, record),
    `CREATE TRIGGER ${quoteIdent(trigger)} BEFORE INSERT OR UPDATE OF ${c} ON ${quoteIdent(table)} FOR EACH ROW EXECUTE FUNCTION ${forgeFunction(fn)}();`,
  ];
}

export function fillFunction(table: string, column: string, stamp: string, rowExpression: string, record?: FillRecord): string {
  const { fn } = fillTriggerNames(table, column, stamp);
  const c = quoteIdent(column);
  const k = record && quoteIdent(record.key);
  return [
    `CREATE OR REPLACE FUNCTION ${forgeFunction(fn)}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
    'BEGIN',
    `  IF NEW.${c} IS NULL AND current_setting('${ROLLING_BACK}', true) IS DISTINCT FROM 'on' THEN`,
    `    SELECT (${rowExpression}) INTO NEW.${c} FROM (SELECT NEW.*) AS ${quoteIdent(table)};`,
    ...(record
      ? [
          '    -- Written NULL: the rollback makes it NULL again.',
          `    INSERT INTO ${record.keys} (${k}) VALUES (NEW.${k}) ON CONFLICT (${k}) DO NOTHING;`,
          `  ELSIF NEW.${c} IS NOT NULL AND TG_OP = 'UPDATE' THEN`,
          '    -- Written a value: the rollback keeps it.',
          `    DELETE FROM ${record.keys} WHERE ${k} = NEW.${k};`,
        ]
      : []),
    '  END IF;',
    '  RETURN NEW;',
    'END $forge$;',
  ].join('\n');
}

/**
 * The fill trigger's function while its change rolls back: NULLs written now stay NULL (the
 * column becomes optional again), and a value written now takes the row out of `record.keys`, so
 * the batched unfill leaves it alone. Replacing a function takes no lock on the table.
 * A batch of the unfill reads `record.keys` as of its start: a value the application commits on a
 * recorded row meanwhile is re-checked by PostgreSQL against the batch's condition with that old
 * view, so the unfill's own write looks again here (a query in a trigger sees what committed since)
 * and leaves a row no longer recorded as it is.
 */
export function rollbackFillFunction(table: string, column: string, stamp: string, record: FillRecord): string {
  const { fn } = fillTriggerNames(table, column, stamp);
  const c = quoteIdent(column);
  const k = quoteIdent(record.key);
  return [
    `CREATE OR REPLACE FUNCTION ${forgeFunction(fn)}() RETURNS trigger LANGUAGE plpgsql AS $forge$`,
    'BEGIN',
    '  -- Rolling back: NULLs stay NULL; a value written now is kept by the rollback.',
    `  IF NEW.${c} IS NOT NULL AND TG_OP = 'UPDATE' THEN`,
    `    DELETE FROM ${record.keys} WHERE ${k} = NEW.${k};`,
    `  ELSIF current_setting('${UNFILLING}', true) = 'on' AND NOT EXISTS (SELECT 1 FROM ${record.keys} WHERE ${k} = NEW.${k}) THEN`,
    '    -- The unfill, on a row the application wrote a value to since the batch began: keep that value.',
    '    RETURN NULL;',
    '  END IF;',
    '  RETURN NEW;',
    'END $forge$;',
  ].join('\n');
}

export function dropFillTrigger(table: string, column: string, stamp: string): string[] {
  const { trigger, fn } = fillTriggerNames(table, column, stamp);
  return [`DROP TRIGGER ${quoteIdent(trigger)} ON ${quoteIdent(table)};`, `DROP FUNCTION ${forgeFunction(fn)}();`];
}
