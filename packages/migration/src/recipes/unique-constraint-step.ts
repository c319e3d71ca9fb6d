import { FORGE_SCHEMA } from '../runtime/forge-schema';
import { quoteIdent, quoteLiteral, tableRef } from '../sql/identifiers';
import { transactionalScript } from './scripts';

/** A unique that may be an index (as Prisma creates it) or a UNIQUE constraint (hand-written SQL). */
export interface UniqueOnTable {
  table: string;
  schema: string | null;
  /** Name of the index, and of the constraint when it is one. */
  name: string;
}

/** Where step 1 remembers a constraint it dropped, so the rollback can put a constraint (not an index) back. */
const REMOVED = `${quoteIdent(FORGE_SCHEMA)}.removed_unique_constraints`;

function schemaExpression(unique: UniqueOnTable): string {
  return unique.schema ? quoteLiteral(unique.schema) : 'current_schema()';
}

function rowMatch(unique: UniqueOnTable): string {
  return `table_schema = ${schemaExpression(unique)} AND table_name = ${quoteLiteral(unique.table)} AND constraint_name = ${quoteLiteral(unique.name)}`;
}

/**
 * Step 1 of removing a unique: when the database holds it as a UNIQUE constraint, DROP INDEX
 * (even CONCURRENTLY) refuses it, so drop the constraint here (brief ACCESS EXCLUSIVE under
 * lock_timeout) and record its definition. When it is a plain unique index, do nothing: step 2
 * drops it concurrently.
 */
export function dropUniqueConstraintIfAny(unique: UniqueOnTable, lockTimeout: string): string {
  const table = tableRef(unique.table, unique.schema);
  const body = [
    'DO $forge$',
    'DECLARE',
    '  existing record;',
    'BEGIN',
    '  SELECT pg_get_constraintdef(k.oid) AS definition, k.condeferrable, k.condeferred INTO existing',
    '    FROM pg_constraint k',
    `   WHERE k.conrelid = ${quoteLiteral(table)}::regclass AND k.conname = ${quoteLiteral(unique.name)} AND k.contype = 'u';`,
    '  IF NOT FOUND THEN',
    '    RETURN; -- a unique index, as Prisma creates it: the next migration drops it',
    '  END IF;',
    `  CREATE SCHEMA IF NOT EXISTS ${quoteIdent(FORGE_SCHEMA)};`,
    `  CREATE TABLE IF NOT EXISTS ${REMOVED} (`,
    '    table_schema text NOT NULL,',
    '    table_name text NOT NULL,',
    '    constraint_name text NOT NULL,',
    '    definition text NOT NULL,',
    '    is_deferrable boolean NOT NULL,',
    '    initially_deferred boolean NOT NULL,',
    '    removed_at timestamptz NOT NULL DEFAULT now(),',
    '    PRIMARY KEY (table_schema, table_name, constraint_name)',
    '  );',
    `  INSERT INTO ${REMOVED} (table_schema, table_name, constraint_name, definition, is_deferrable, initially_deferred)`,
    `  VALUES (${schemaExpression(unique)}, ${quoteLiteral(unique.table)}, ${quoteLiteral(unique.name)}, existing.definition, existing.condeferrable, existing.condeferred)`,
    '  ON CONFLICT (table_schema, table_name, constraint_name) DO UPDATE',
    '    SET definition = EXCLUDED.definition, is_deferrable = EXCLUDED.is_deferrable, initially_deferred = EXCLUDED.initially_deferred, removed_at = now();',
    `  ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(unique.name)};`,
    'END',
    '$forge$;',
  ].join('\n');
  return transactionalScript(
    `Remove unique ${unique.name} from ${unique.table}, step 1 of 2: drop it here if the database holds it as a UNIQUE constraint`,
    [body],
    lockTimeout,
  );
}

/**
 * Reverse of step 1: if step 1 dropped a constraint, put it back. Normally the rollback of step 2
 * has already rebuilt the index (without blocking writes), and the constraint takes it over
 * (USING INDEX: no scan). If step 2 never ran, the constraint is re-created from its definition.
 */
export function restoreUniqueConstraintIfRemoved(unique: UniqueOnTable, lockTimeout: string): string {
  const table = tableRef(unique.table, unique.schema);
  const indexRef = unique.schema ? `${quoteIdent(unique.schema)}.${quoteIdent(unique.name)}` : quoteIdent(unique.name);
  const addConstraint = `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(unique.name)} `;
  const body = [
    'DO $forge$',
    'DECLARE',
    '  removed record;',
    'BEGIN',
    `  IF to_regclass(${quoteLiteral(REMOVED)}) IS NULL THEN`,
    '    RETURN;',
    '  END IF;',
    `  SELECT definition, is_deferrable, initially_deferred INTO removed FROM ${REMOVED}`,
    `   WHERE ${rowMatch(unique)};`,
    '  IF NOT FOUND THEN',
    '    RETURN; -- it was a unique index: the rollback of step 2 rebuilt it',
    '  END IF;',
    `  IF to_regclass(${quoteLiteral(indexRef)}) IS NOT NULL THEN`,
    `    EXECUTE ${quoteLiteral(`${addConstraint}UNIQUE USING INDEX ${quoteIdent(unique.name)}`)}`,
    "      || CASE WHEN removed.is_deferrable THEN ' DEFERRABLE' ELSE '' END",
    "      || CASE WHEN removed.initially_deferred THEN ' INITIALLY DEFERRED' ELSE '' END;",
    '  ELSE',
    `    EXECUTE ${quoteLiteral(addConstraint)} || removed.definition;`,
    '  END IF;',
    `  DELETE FROM ${REMOVED} WHERE ${rowMatch(unique)};`,
    'END',
    '$forge$;',
  ].join('\n');
  return transactionalScript(`Reverse of: remove unique ${unique.name}, step 1: put the UNIQUE constraint back if step 1 dropped one`, [body], lockTimeout);
}
