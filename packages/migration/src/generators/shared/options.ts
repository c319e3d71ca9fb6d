import type { PgMajor } from '../../engine/postgres-releases';
import { inputError } from '../../errors';
import { snakeCaseMigrationName } from '../../prisma-schema/names';
import { DEFAULT_LOCK_TIMEOUT, type RecipeOptions } from '../../recipes/plan';
import { assertDuration } from '../../recipes/scripts';
import { assertJsonBounds } from './json-input';

/** Options every change generator takes. */
export interface ChangeGeneratorOptions {
  /** Nx project holding the Prisma schema (default: prisma). */
  project?: string;
  /** Name of the migration folder after its timestamp (snake_cased). */
  migrationName?: string;
  /** lock_timeout for transactional migrations, e.g. 5s. */
  lockTimeout?: string;
  /** Table statistics for the report from this database (catalog reads only, read-only session); no password in it. */
  databaseUrl?: string;
  /** The name of the environment variable holding that URL, password included. */
  databaseUrlEnv?: string;
  /** Rows of the touched tables when no database is read (e.g. 50000, 2M). */
  rows?: number | string;
}

export function recipeOptions(options: ChangeGeneratorOptions, defaultName: string, pgVersion?: PgMajor): RecipeOptions {
  const migrationName = snakeCaseMigrationName(options.migrationName ?? defaultName);
  if (!migrationName) {
    throw inputError(`Invalid --migrationName ${JSON.stringify(options.migrationName)}: use letters and digits, e.g. add_user_preferences.`);
  }
  return { migrationName, lockTimeout: assertDuration(String(options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT)), ...(pgVersion ? { pgVersion } : {}) };
}

/** `a,b` or `["a","b"]` or an array → a list of trimmed names. */
export function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : String(value).split(',');
  return items.map((s) => String(s).trim()).filter(Boolean);
}

/** A JSON option that may arrive as a string (CLI) or already parsed (programmatic use). */
export function parseJsonOption<T>(value: string | T | undefined, option: string, example: string): T | undefined {
  if (value === undefined) return value;
  if (typeof value !== 'string') {
    assertJsonBounds(option, value);
    return value;
  }
  assertJsonBounds(option, undefined, value);
  let parsed: T;
  try {
    parsed = JSON.parse(value) as T;
  } catch (error) {
    throw inputError(`--${option} is not valid JSON (${clippedMessage((error as Error).message)}). Example: --${option} '${example}'`);
  }
  assertJsonBounds(option, parsed);
  return parsed;
}

/** JSON.parse quotes the text around the error: keep a long one short. */
function clippedMessage(message: string): string {
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
