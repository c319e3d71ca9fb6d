import { carriesPassword, maskDatabaseUrl } from '../engine/connection';
import { inputError } from '../errors';

/** How a pair of connection options is spelt where it was given (Nx options or forge-migrate flags). */
export interface UrlOptionNames {
  /** The option that takes a URL: `--databaseUrl`. */
  url: string;
  /** The option that takes the name of a variable holding the URL: `--databaseUrlEnv`. */
  env: string;
}

export const DATABASE_URL_OPTIONS: UrlOptionNames = { url: '--databaseUrl', env: '--databaseUrlEnv' };
export const SHADOW_URL_OPTIONS: UrlOptionNames = { url: '--shadowDatabaseUrl', env: '--shadowDatabaseUrlEnv' };

/**
 * The URL a pair of options gives, and where it came from (for messages): the URL option, which
 * must carry no password — command lines are printed and kept (Nx echoes `nx run … --databaseUrl …`
 * and stores it in its cache; `ps` shows it to every user) — or the variable the env option names.
 */
export function urlFromOptions(url: string | undefined, variable: string | undefined, names: UrlOptionNames): { url: string; from: string } | undefined {
  if (url) {
    if (carriesPassword(url)) {
      throw inputError(
        `${names.url} carries a password (${maskDatabaseUrl(url)}), and command lines are printed and cached: Nx echoes the command and keeps it in its cache. ` +
          `Put the URL in DATABASE_URL, or in another variable and pass its name: ${names.env} STAGING_DATABASE_URL. ` +
          `(${names.url} without a password is fine: the password then comes from PGPASSWORD.)`,
      );
    }
    return { url, from: names.url };
  }
  if (variable === undefined || variable === '') return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    // Most likely the URL itself: never echo it.
    throw inputError(`${names.env} takes the name of an environment variable that holds the URL (e.g. ${names.env} STAGING_DATABASE_URL), not a URL or other text.`);
  }
  const value = process.env[variable];
  if (!value) throw inputError(`${names.env} ${variable}: the environment variable ${variable} is not set. Set it to the PostgreSQL URL, or leave ${names.env} out.`);
  return { url: value, from: variable };
}
