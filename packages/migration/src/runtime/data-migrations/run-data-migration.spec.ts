import { query, useEmbeddedPostgres } from '../../testing/database';
import type { RuntimeLogger } from '../logger';
import { withClient } from '../pg-client';
import { readDataMigrationRecords } from './records';
import { runDataMigration, validateDataMigration } from './run-data-migration';
import type { DataMigrationContext, DataMigrationModule } from './types';

const pgServer = useEmbeddedPostgres();
const NAME = '20250101120000_add_user_locale';

async function usersDb(rows = 120): Promise<string> {
  const url = await pgServer.freshDatabase();
  await query(url, `CREATE TABLE "User" (id serial PRIMARY KEY, locale text, visits int NOT NULL DEFAULT 0);
    INSERT INTO "User" (locale) SELECT NULL FROM generate_series(1, ${rows});`);
  return url;
}

/** Backfills locale; validate() is true only when no row lacks it. */
const addLocale: DataMigrationModule = {
  async up(ctx) {
    await ctx.batchUpdate({ table: 'User', set: `locale = 'en'`, where: 'locale IS NULL', batchSize: 50 });
  },
  async down(ctx) {
    await ctx.batchUpdate({ table: 'User', set: 'locale = NULL', where: 'locale IS NOT NULL', batchSize: 50 });
  },
  async validate(ctx) {
    return (await ctx.count('User', 'locale IS NULL')) === 0;
  },
};

async function record(url: string, name = NAME) {
  const records = await withClient(url, readDataMigrationRecords);
  return records.find((r) => r.migrationName === name);
}

async function checkpointJobs(url: string): Promise<string[]> {
  return (await query<{ job: string }>(url, 'SELECT job FROM _forge.batch_checkpoints ORDER BY job')).map((r) => r.job);
}

describe('runDataMigration', () => {
  it('records up as applied, down as rolled back, and a re-apply starts fresh', async () => {
    const url = await usersDb();
    expect(await withClient(url, readDataMigrationRecords)).toEqual([]);
    expect(await query(url, `SELECT to_regnamespace('_forge') AS s`)).toEqual([{ s: null }]); // reading created nothing

    expect(await withClient(url, (db) => validateDataMigration(db, NAME, addLocale))).toBe(false);
    expect(await withClient(url, (db) => runDataMigration(db, NAME, addLocale, 'up'))).toMatchObject({ rows: 120 });
    expect(await withClient(url, (db) => validateDataMigration(db, NAME, addLocale))).toBe(true);
    expect(await record(url)).toMatchObject({ status: 'applied', rowsAffected: 120, lastError: null, finishedAt: expect.any(Date) });
    expect(await checkpointJobs(url)).toEqual([`${NAME}:User`]);

    expect(await withClient(url, (db) => runDataMigration(db, NAME, addLocale, 'down'))).toMatchObject({ rows: 120 });
    expect(await record(url)).toMatchObject({ status: 'rolled_back', rowsAffected: 120 });
    expect(await checkpointJobs(url)).toEqual([]);
    expect(await query(url, 'SELECT count(*)::int AS n FROM "User" WHERE locale IS NULL')).toEqual([{ n: 120 }]);

    // Had up's checkpoint survived, it would say "finished" and this run would do nothing.
    expect(await withClient(url, (db) => runDataMigration(db, NAME, addLocale, 'up', { verify: false }))).toMatchObject({ rows: 120 });
    expect(await query(url, 'SELECT count(*)::int AS n FROM "User" WHERE locale IS NULL')).toEqual([{ n: 0 }]);
    expect(await record(url)).toMatchObject({ status: 'applied', rowsAffected: 120 });
  });

  it('records a failure with its error, rethrows it, and resumes from the checkpoints on the next run', async () => {
    const url = await usersDb();
    let failSecondStep = true;
    const twoSteps: DataMigrationModule = {
      async up(ctx) {
        await ctx.batchUpdate({ table: 'User', set: 'visits = visits + 1', batchSize: 40 });
        if (failSecondStep) throw new Error('step 2 exploded');
        await ctx.batchUpdate({ table: 'User', name: 'locale', set: `locale = 'en'`, where: 'locale IS NULL', batchSize: 40 });
      },
      down: async () => undefined,
      validate: async (ctx) => (await ctx.count('User', 'locale IS NULL OR visits <> 1')) === 0,
    };
    await expect(withClient(url, (db) => runDataMigration(db, NAME, twoSteps, 'up'))).rejects.toThrow('step 2 exploded');
    expect(await record(url)).toMatchObject({ status: 'failed', lastError: 'step 2 exploded' });

    failSecondStep = false;
    const run = await withClient(url, (db) => runDataMigration(db, NAME, twoSteps, 'up'));
    // The first job had finished: not run again, so every row was incremented exactly once.
    expect(await query(url, 'SELECT visits, locale, count(*)::int AS n FROM "User" GROUP BY 1, 2')).toEqual([{ visits: 1, locale: 'en', n: 120 }]);
    expect(run.rows).toBe(240);
    expect(await record(url)).toMatchObject({ status: 'applied', rowsAffected: 240, lastError: null });
    expect(await checkpointJobs(url)).toEqual([`${NAME}:User`, `${NAME}:User:locale`]);
  });

  it('fails up() whose validate() is still false afterwards, unless verification is off', async () => {
    const url = await usersDb(10);
    const forgetful: DataMigrationModule = { ...addLocale, up: async () => undefined };
    await expect(withClient(url, (db) => runDataMigration(db, NAME, forgetful, 'up'))).rejects.toThrow(
      'validate() returned false after up(): some rows are not in the migrated state.',
    );
    expect(await record(url)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('validate() returned false') });
    await withClient(url, (db) => runDataMigration(db, NAME, forgetful, 'up', { verify: false }));
    expect(await record(url)).toMatchObject({ status: 'applied' });
  });

  it('runs validate() read-only and insists on a boolean', async () => {
    const url = await usersDb(5);
    const writes: DataMigrationModule = {
      ...addLocale,
      validate: async (ctx) => (await ctx.query(`UPDATE "User" SET locale = 'x' RETURNING id`)).length > 0,
    };
    await expect(withClient(url, (db) => validateDataMigration(db, NAME, writes))).rejects.toThrow('cannot execute UPDATE in a read-only transaction');
    const batches: DataMigrationModule = { ...addLocale, validate: async (ctx) => !!(await ctx.batchUpdate({ table: 'User', set: 'visits = 1' })) };
    await expect(withClient(url, (db) => validateDataMigration(db, NAME, batches))).rejects.toThrow('validate() must only read');
    const vague = { ...addLocale, validate: async (ctx: DataMigrationContext) => ctx.count('User') } as unknown as DataMigrationModule;
    await expect(withClient(url, (db) => validateDataMigration(db, NAME, vague))).rejects.toThrow('validate() must return true or false, but returned a number.');
    expect(await query(url, 'SELECT count(*)::int AS n FROM "User" WHERE locale IS NULL AND visits = 0')).toEqual([{ n: 5 }]);
  });

  // What `--backfillSql "E'\\''); DROP TABLE \"Tenant\" CASCADE; --'"` becomes in a data migration
  // written by hand: PostgreSQL reads E'\'' as one quote, so the text closes the expression and
  // starts a statement. Every statement embedding it goes through the extended protocol, which
  // runs one statement only: the migration fails and the table survives.
  const DROP_TENANT = `E'\\''); DROP TABLE "Tenant" CASCADE; --'`;
  /** The same for a condition, which the runtime wraps in parentheses itself. */
  const WHERE_DROP_TENANT = `locale IS DISTINCT FROM ${DROP_TENANT}`;
  it.each<[string, (ctx: DataMigrationContext) => Promise<unknown>]>([
    ['set of batchUpdate', (ctx) => ctx.batchUpdate({ table: 'User', set: `locale = (${DROP_TENANT})`, where: 'locale IS NULL' })],
    ['where of batchUpdate', (ctx) => ctx.batchUpdate({ table: 'User', set: `locale = 'en'`, where: WHERE_DROP_TENANT })],
    ['where of batchCopy', (ctx) => ctx.batchCopy({ table: 'User', columns: ['locale'], into: '"User"', where: WHERE_DROP_TENANT })],
    ['where of count', (ctx) => ctx.count('User', WHERE_DROP_TENANT)],
  ])('cannot run a second statement smuggled into the %s', async (_label, up) => {
    const url = await usersDb(3);
    await query(url, 'CREATE TABLE "Tenant" (id int PRIMARY KEY); INSERT INTO "Tenant" VALUES (1)');
    const smuggled: DataMigrationModule = { ...addLocale, up: async (ctx) => void (await up(ctx)) };
    await expect(withClient(url, (db) => runDataMigration(db, NAME, smuggled, 'up'))).rejects.toThrow(/cannot insert multiple commands into a prepared statement/);
    expect(await query(url, 'SELECT id FROM "Tenant"')).toEqual([{ id: 1 }]);
    expect(await query(url, 'SELECT count(*)::int AS n FROM "User" WHERE locale IS NOT NULL')).toEqual([{ n: 0 }]);
  });

  it('gives the migration a context: query with parameters, count, log, and one checkpoint per job', async () => {
    const url = await usersDb(3);
    const infos: string[] = [];
    const logger: RuntimeLogger = { info: (m) => infos.push(m), warn: (m) => infos.push(m) };
    const seen: unknown[] = [];
    const probe: DataMigrationModule = {
      async up(ctx) {
        seen.push(ctx.migrationName);
        seen.push(await ctx.query<{ id: number }>('SELECT id FROM "User" WHERE id > $1 ORDER BY id', [1]));
        // One statement only (extended protocol): a second one is refused, not run.
        seen.push(await ctx.query('SELECT 1 AS a; SELECT 2 AS b').catch((error: Error) => error.message));
        seen.push(await ctx.count('User'), await ctx.count('User', 'id = 2'));
        ctx.log('hello');
        await ctx.batchUpdate({ table: 'User', set: 'visits = 1' });
        await ctx.batchUpdate({ table: 'User', set: 'visits = 2' });
      },
      down: async () => undefined,
      validate: async () => true,
    };
    await expect(withClient(url, (db) => runDataMigration(db, NAME, probe, 'up', { logger }))).rejects.toThrow(
      `${NAME}: two batch jobs on "User" would share the checkpoint "${NAME}:User". Give each a distinct name`,
    );
    expect(seen).toEqual([NAME, [{ id: 2 }, { id: 3 }], 'cannot insert multiple commands into a prepared statement', 3, 1]);
    expect(infos).toContain(`[${NAME}] hello`);
  });
});
