import { DEFAULT_PG_MAJOR, isSupportedMajor, SUPPORTED_PG_MAJORS, type PgMajor } from '../engine/postgres-releases';
import { inputError } from '../errors';

/**
 * A `pgVersion` setting (nx.json plugin option, --pgVersion, FORGE_PG_VERSION) as a supported
 * major version; undefined when not set. `source` names where it came from in the error.
 */
export function parsePgVersion(value: unknown, source: string): PgMajor | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  const major = /^\d+$/.test(text) ? Number(text) : NaN;
  if (isSupportedMajor(major)) return major;
  const minor = /^(\d+)\.\d+/.exec(text)?.[1];
  const hint = minor && isSupportedMajor(Number(minor)) ? ` Give the major version only: ${minor}.` : '';
  throw inputError(
    `Invalid ${source} ${JSON.stringify(value)}: expected a PostgreSQL major version, one of ${SUPPORTED_PG_MAJORS.join(', ')} ` +
      `(default ${DEFAULT_PG_MAJOR}).${hint}`,
  );
}
