import { quoteIdent } from '../../sql/identifiers';
import type { TableInfo, TypeInfo } from './catalog';

/**
 * Why seeding could not produce rows: the message names the table (and column or constraint) and
 * what to change. migrate-validate prints it as is, so it must make sense without a stack trace.
 */
export class SeedError extends Error {
  /** The statement that failed, when a database error caused this (for debugging, not for users). */
  readonly sql?: string;

  constructor(message: string, options: { cause?: unknown; sql?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SeedError';
    this.sql = options.sql;
  }
}

/** The fields node-postgres copies from PostgreSQL's error report. */
export interface PgErrorFields {
  code?: string;
  message?: string;
  detail?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
}

export function pgErrorFields(error: unknown): PgErrorFields {
  return typeof error === 'object' && error !== null ? (error as PgErrorFields) : { message: String(error) };
}

/**
 * A database error from a seeding statement, retold with the table and the constraint (with its
 * definition, so the reader sees what the generated values failed), plus what to do about it.
 */
export function insertFailure(error: unknown, table: TableInfo, types: Map<number, TypeInfo>, sql: string): SeedError {
  const e = pgErrorFields(error);
  const where = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
  const constraint = e.constraint ? quoteIdent(e.constraint) : 'a constraint';
  const definition = (name?: string) => {
    const check = [...table.checks, ...[...types.values()].flatMap((t) => t.checks)].find((c) => c.name === name);
    return check ? ` ${check.definition}` : '';
  };
  const detail = e.detail ? ` (${e.detail})` : '';
  let what: string;
  switch (e.code) {
    case '23514':
      if (!e.constraint) {
        what = `PostgreSQL refused the generated rows: ${e.message ?? String(error)}`; // e.g. no partition for the row
        break;
      }
      what =
        `the generated rows violate CHECK constraint ${constraint}${definition(e.constraint)}. The seeder satisfies IN-lists and ` +
        'simple ranges (col >= 1 AND col <= 10) and makes numbers positive and strings non-empty; other checks need rows you provide';
      break;
    case '23505':
      what = `the generated rows violate unique constraint ${constraint}${detail}. Rows already in the table may use the same values`;
      break;
    case '23503':
      what = `the generated rows violate foreign key ${constraint}${detail}. Foreign keys that share columns with another foreign key cannot always be satisfied together`;
      break;
    case '23502':
      what = `column ${quoteIdent(e.column ?? '?')} got NULL but is NOT NULL (a trigger or a sequence may be missing)`;
      break;
    case '23P01':
      what = `the generated rows violate exclusion constraint ${constraint}${detail}`;
      break;
    default:
      what = `PostgreSQL refused the generated rows: ${e.message ?? String(error)}${detail}`;
  }
  return new SeedError(`Cannot seed ${where}: ${what}. Give ${where} rows before validating, or relax the constraint.`, { cause: error, sql });
}
