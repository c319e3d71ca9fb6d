import { inputError } from '../errors';
import { doBlock, raiseException } from '../sql/do-block';
import { quoteLiteral } from '../sql/identifiers';
import { splitStatements, statementText } from '../sql/split-statements';
import type { MigrationPlan, RecipeOptions } from './plan';
import { transactionalScript } from './scripts';

/** `CREATE TABLE "User" (` or, with several database schemas, `CREATE TABLE "auth"."User" (`. */
const CREATE_TABLE = /^CREATE TABLE ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") \(/;

/**
 * Column types from PostgreSQL's contrib extensions (`@db.Citext`, Civitai uses it): Prisma's diff
 * uses them without creating the extension unless the schema lists it (`extensions = [citext]`),
 * so on a fresh database the baseline would stop at the first such column.
 */
const EXTENSION_TYPES: [extension: string, type: RegExp][] = [['citext', /\bCITEXT\b/]];

/**
 * The first migration of a project that has a schema but no migrations: exactly what Prisma's diff
 * from an empty database writes (`prisma migrate diff --from-empty`), so that a fresh database gets
 * the schema and a database that already has it can record it as applied without running it.
 * Its reverse is Prisma's diff back to empty, behind a check that every table is empty: rolling
 * back a baseline on a database with data would drop the data with the tables.
 */
export function baselineRecipe(naive: { up: string; down: string }, options: RecipeOptions): MigrationPlan {
  const up = splitStatements(naive.up);
  if (!up.length) {
    throw inputError('The schema defines no model, enum or other database object: there is nothing to baseline. Add models first (nx g @forge/migration:add-table).');
  }
  const tables = up.map((s) => CREATE_TABLE.exec(statementText(s))?.[1]).filter((t): t is string => !!t);
  const extensions = EXTENSION_TYPES.filter(
    ([name, type]) => up.some((s) => type.test(statementText(s))) && !up.some((s) => new RegExp(`^CREATE EXTENSION IF NOT EXISTS "?${name}"?`).test(statementText(s))),
  ).map(([name]) => name);
  return {
    migrations: [
      {
        name: options.migrationName,
        up: transactionalScript(
          `Baseline: the whole schema, created on an empty database (Prisma's diff from empty: ${tables.length} table(s))`,
          [
            '-- A database that already has these tables must not run it: record it as applied instead',
            `-- (migrate-resolve --applied <this folder>, like \`prisma migrate resolve --applied\`).`,
            ...extensions.map((name) => `CREATE EXTENSION IF NOT EXISTS ${name};`),
            ...up,
          ],
          options.lockTimeout,
        ),
        down: transactionalScript(
          'Reverse of the baseline: drops everything it created (Prisma\'s diff back to empty), only while every table is empty',
          [emptyTablesGuard(tables), ...splitStatements(naive.down)],
          options.lockTimeout,
        ),
      },
    ],
    notes: [
      `Baseline of the existing schema: ${tables.length} table(s), created as Prisma's diff from an empty database writes them.`,
      'On a database that already has the schema, do not run it: mark it applied with migrate-resolve --applied <folder> (Prisma’s baselining workflow).',
      'Its rollback drops every table it created; it refuses (changing nothing) while any of them holds a row.',
      ...extensions.map(
        (name) => `The schema uses the ${name} type without listing the extension: the baseline creates it first (IF NOT EXISTS), and its rollback leaves it, since other schemas may use it.`,
      ),
    ],
  };
}

/** Stops the rollback, changing nothing, when one of the baseline's tables holds a row. */
function emptyTablesGuard(tables: string[]): string {
  if (!tables.length) return '-- The baseline created no table: its rollback drops no rows.';
  return doBlock(
    ['tables text[] := ARRAY[', ...tables.map((t, i) => `  ${quoteLiteral(t)}${i < tables.length - 1 ? ',' : ''}`), '];', 'with_rows text[] := ARRAY[]::text[];', 'has_rows boolean;', 'name text;'],
    [
      'FOREACH name IN ARRAY tables LOOP',
      "  EXECUTE 'SELECT EXISTS (SELECT 1 FROM ' || name || ')' INTO has_rows;",
      '  IF has_rows THEN with_rows := with_rows || name; END IF;',
      'END LOOP;',
      'IF cardinality(with_rows) > 0 THEN',
      `  ${raiseException(
        'Rolling back the baseline would drop every table of the schema with its rows, and {} hold rows. Nothing was changed.',
        ["array_to_string(with_rows, ', ')"],
        'A baseline is not meant to be rolled back on a database with data. To start over, drop the tables yourself (or empty them), then roll back again.',
      )}`,
      'END IF;',
    ],
  );
}
