import type pg from 'pg';
import { withDatabase } from '../../engine/connection';
import type { RuntimeLogger } from '../logger';
import { connect } from '../pg-client';

// migrate-validate proves migrations on a database it creates on the given server and drops
// afterwards. A run killed in between cannot drop it: every run holds a session advisory lock
// named after its database while it lives, so the next run can tell a dead run's database (lock
// free) from a live one's (lock held), and drops only the former.

const PREFIX = 'forge_validate_';

export interface ThrowawayDatabase {
  url: string;
  name: string;
  /** Drops the database and ends the session that marks it alive. Safe to call twice. */
  drop(): Promise<void>;
}

/** Creates a fresh database on the server of `serverUrl`, after dropping those left by killed runs. */
export async function createThrowawayDatabase(serverUrl: string, logger: RuntimeLogger): Promise<ThrowawayDatabase> {
  const keeper = await connect(serverUrl, { applicationName: '@forge/migration validate' });
  try {
    await dropStaleThrowawayDatabases(keeper, logger);
    const name = `${PREFIX}${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await keeper.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    await keeper.query(`CREATE DATABASE "${name}"`);
    let dropped: Promise<void> | undefined;
    return {
      url: withDatabase(serverUrl, name),
      name,
      drop: () =>
        (dropped ??= (async () => {
          try {
            await keeper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          } finally {
            await keeper.end().catch(() => undefined);
          }
        })()),
    };
  } catch (error) {
    await keeper.end().catch(() => undefined);
    throw error;
  }
}

/** Drops every throwaway database whose run is gone (its advisory lock is free); returns their names. */
export async function dropStaleThrowawayDatabases(db: pg.Client, logger: RuntimeLogger): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(`SELECT datname AS name FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1`, [PREFIX]);
  const dropped: string[] = [];
  for (const { name } of rows) {
    const { rows: lock } = await db.query<{ free: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS free', [name]);
    if (!lock[0].free) continue; // a live run's
    try {
      await db.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
      dropped.push(name);
    } finally {
      await db.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  }
  if (dropped.length) logger.info(`Dropped ${dropped.length} throwaway database(s) left by killed migrate-validate runs: ${dropped.join(', ')}.`);
  return dropped;
}
