import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { renderStatus } from '../executors/migrate-status/executor';
import { createDataMigrationRunner } from '../runtime/data-migration-runner';
import { migrate } from '../runtime/migrate';
import { readMigrationRecords } from '../runtime/migration-records';
import { connect, withClient } from '../runtime/pg-client';
import type { ProjectTarget } from '../runtime/project-target';
import { migrationStatus } from '../runtime/status';
import { query, useEmbeddedPostgres } from '../testing/database';
import { BASELINE, collectingLogger, migrationFolder, projectTarget, sampleDirectory } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { SAMPLE_PROJECT_DIR, SAMPLE_ROOT } from '../testing/sample-tree';
import { startSourceProcess, waitFor } from '../testing/source-process';
import { diskView } from '../workspace/file-view';
import { locatePrismaProject, readSchemaFiles } from '../workspace/prisma-project';

const pgServer = useEmbeddedPostgres();
const USERS = 300;
/** The advisory lock the test holds to stop the data migration at its start (see up() below). */
const HOLD_KEY = 4242;

// A SQL migration and its data migration whose SET is wrong if applied twice: each must run once.
const addLogins = migrationFolder(
  '20250201000000_add_login_count',
  `ALTER TABLE "User" ADD COLUMN "loginCount" INTEGER NOT NULL DEFAULT 0;\n`,
  `ALTER TABLE "User" DROP COLUMN "loginCount";\n`,
);
const indexAction = migrationFolder(
  '20250202000000_index_action',
  'CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_AuditLog_action" ON "AuditLog"("action");\n',
  'DROP INDEX CONCURRENTLY IF EXISTS "idx_AuditLog_action";\n',
);
const directory = sampleDirectory(addLogins, indexAction);
/** The sample's schema.prisma (the drift check of a status on an up-to-date database needs one). */
const workspace = diskView(join(SAMPLE_PROJECT_DIR, '../..'));
const schemaFiles = readSchemaFiles(workspace, locatePrismaProject(workspace, SAMPLE_ROOT));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forge-between-'));
  writeDataMigration();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeDataMigration(): void {
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(
    join(dir, 'migrations/index.ts'),
    `import type { DataMigrationRegistry } from '@forge/migration/runtime';\n` +
      `export const dataMigrations: DataMigrationRegistry = { '${addLogins.name}': () => import('./count_logins') };\n`,
  );
  writeFileSync(
    join(dir, 'migrations/count_logins.ts'),
    `import type { DataMigrationContext } from '@forge/migration/runtime';
export async function up(ctx: DataMigrationContext) {
  // Waits while the test holds the lock: the kill then lands after the SQL step, before any data work.
  await ctx.query('SELECT pg_advisory_lock(${HOLD_KEY}), pg_advisory_unlock(${HOLD_KEY})');
  await ctx.batchUpdate({ table: 'User', set: '"loginCount" = "loginCount" + 1', batchSize: 100 });
}
export async function down(ctx: DataMigrationContext) {
  await ctx.batchUpdate({ table: 'User', set: '"loginCount" = 0', batchSize: 100 });
}
export async function validate(ctx: DataMigrationContext) {
  return (await ctx.count('User', '"loginCount" <> 1')) === 0;
}
`,
  );
}

function target(url: string, logger = collectingLogger()): ProjectTarget {
  return projectTarget(url, directory, { logger, dataMigrations: createDataMigrationRunner(url, join(dir, 'migrations'), logger) });
}

/** `migrate` in a process of its own (the deploy the test kills), with the same migrations and data migrations. */
function startMigrateProcess(url: string) {
  writeFileSync(join(dir, 'directory.json'), JSON.stringify(directory));
  writeFileSync(
    join(dir, 'deploy.ts'),
    `import { readFileSync } from 'node:fs';
import { createDataMigrationRunner } from ${JSON.stringify(join(__dirname, '../runtime/data-migration-runner'))};
import { migrate } from ${JSON.stringify(join(__dirname, '../runtime/migrate'))};
const url = process.env.DATABASE_URL!;
const logger = { info: (m: string) => console.log(m), warn: (m: string) => console.log(m) };
const directory = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'directory.json'))}, 'utf8'));
const dataMigrations = createDataMigrationRunner(url, ${JSON.stringify(join(dir, 'migrations'))}, logger);
migrate({ url, directory, dataMigrations, logger }).then((r) => process.exit(r.error ? 1 : 0));
`,
  );
  return startSourceProcess(join(dir, 'deploy.ts'), { DATABASE_URL: url });
}

async function sessionsOf(db: pg.Client, applicationName: string): Promise<{ waiting: boolean }[]> {
  const { rows } = await db.query<{ waiting: boolean }>(
    `SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [applicationName],
  );
  return rows;
}

async function loginCounts(url: string) {
  return query(url, `SELECT "loginCount" AS n, count(*)::int AS users FROM "User" GROUP BY 1 ORDER BY 1`);
}

describe('a deploy that stops between a SQL migration and its data migration', () => {
  it('killed with SIGKILL after the SQL step: status shows it interrupted, migrate finishes it, nothing runs twice', async () => {
    const url = await pgServer.freshDatabase();
    expect((await migrate(projectTarget(url, sampleDirectory()))).error).toBeUndefined();
    await seedSampleData(url, { users: USERS });
    const holder = await connect(url);
    try {
      await holder.query(`SELECT pg_advisory_lock(${HOLD_KEY})`);
      const deploy = startMigrateProcess(url);
      // The SQL migration is recorded as applied and the data migration waits at its start.
      await waitFor('the data migration to start', async () => {
        if (deploy.child.exitCode !== null) throw new Error(`The deploy exited early: ${JSON.stringify(deploy.output())}`);
        const records = await readMigrationRecords(holder);
        const sqlDone = records.some((r) => r.name === addLogins.name && r.finishedAt);
        const waiting = (await sessionsOf(holder, '@forge/migration data migration')).some((s) => s.waiting);
        return sqlDone && waiting ? true : undefined;
      });
      // While the deploy is alive its data migration is running, not broken.
      const during = await migrationStatus(target(url), schemaFiles);
      expect(during.rows.find((r) => r.name === addLogins.name)).toMatchObject({ state: 'applied', data: 'running' });
      expect(during.unfinishedData).toEqual([]);

      deploy.child.kill('SIGKILL');
      expect({ exit: await deploy.exited, ...deploy.output() }).toMatchObject({ exit: { signal: 'SIGKILL' } });
      // A backend blocked on a lock notices its dead client only once granted: let it go, then
      // PostgreSQL drops the dead process's sessions (and with them its deploy lock).
      await holder.query(`SELECT pg_advisory_unlock(${HOLD_KEY})`);
      await waitFor('the killed sessions to end', async () => {
        const left = [...(await sessionsOf(holder, '@forge/migration data migration')), ...(await sessionsOf(holder, '@forge/migration deploy lock'))];
        return left.length ? undefined : true;
      });
    } finally {
      await holder.end();
    }

    // The half state: SQL applied, data not, the next migration not attempted; status says so and fails.
    const half = await migrationStatus(target(url), schemaFiles);
    expect(half.rows.map((r) => [r.name, r.state, r.data])).toEqual([
      [BASELINE, 'applied', undefined],
      [addLogins.name, 'applied', 'interrupted'],
      [indexAction.name, 'pending', undefined],
    ]);
    expect(half).toMatchObject({ unfinishedData: [addLogins.name], unhealthy: true });
    // The phase column comes before the state (a migration without a phase line counts as expand).
    expect(renderStatus(half)).toMatch(new RegExp(`${addLogins.name} +expand +applied .* +interrupted`));
    expect(renderStatus(half)).toContain(`✗ ${addLogins.name} is applied but its data migration was interrupted.\n  → \`migrate\` runs the data migration, resuming from its last checkpoint`);
    expect(await loginCounts(url)).toEqual([{ n: 0, users: USERS }]);

    await expectMigrateFinishes(url);
  });

  it('SQL applied by a run that never started the data migration: status shows it pending, migrate runs it', async () => {
    const url = await pgServer.freshDatabase();
    expect((await migrate(projectTarget(url, sampleDirectory()))).error).toBeUndefined();
    await seedSampleData(url, { users: USERS });
    // The state a deploy leaves when it dies between recording the SQL migration and starting the data step.
    await migrate(projectTarget(url, directory), { to: addLogins.name });
    const half = await migrationStatus(target(url), schemaFiles);
    expect(half.rows.find((r) => r.name === addLogins.name)).toMatchObject({ state: 'applied', data: 'pending' });
    expect(half).toMatchObject({ unfinishedData: [addLogins.name], unhealthy: true });

    await expectMigrateFinishes(url);
  });
});

/** `migrate` again: the data step runs (once), the SQL is not re-applied, the rest follows, status is healthy. */
async function expectMigrateFinishes(url: string): Promise<void> {
  const again = target(url);
  const result = await migrate(again);
  expect(result.error).toBeUndefined();
  expect(result.steps.map((s) => [s.migration, s.kind, s.status])).toEqual([
    [addLogins.name, 'data', 'applied'],
    [indexAction.name, 'sql', 'applied'],
  ]);
  expect(result.steps[0].rows).toBe(USERS);
  expect(await loginCounts(url)).toEqual([{ n: 1, users: USERS }]);
  expect(await again.dataMigrations.validate(addLogins.name)).toBe(true);
  const records = await withClient(url, readMigrationRecords);
  expect(records.map((r) => [r.name, r.finishedAt !== null, r.rolledBackAt])).toEqual(directory.migrations.map((m) => [m.name, true, null]));
  const after = await migrationStatus(again, schemaFiles);
  expect(after.rows.map((r) => [r.state, r.data])).toEqual([
    ['applied', undefined],
    ['applied', 'applied'],
    ['applied', undefined],
  ]);
  expect(after.unfinishedData).toEqual([]);
  expect(after.rows.some((r) => r.state !== 'applied')).toBe(false);
}
