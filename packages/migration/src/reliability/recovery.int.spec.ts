import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markMigrationApplied } from '../engine/operations';
import { migrateSummary } from '../executors/migrate/command';
import { renderStatus, statusForMachines } from '../executors/migrate-status/command';
import { commandOptions } from '../executors/shared/project';
import { createDataMigrationRunner } from '../runtime/data-migration-runner';
import { migrate } from '../runtime/migrate';
import { migrateDown } from '../runtime/migrate-down';
import { readMigrationRecords } from '../runtime/migration-records';
import { connect, withClient } from '../runtime/pg-client';
import type { ProjectTarget } from '../runtime/project-target';
import { resolveMigration } from '../runtime/resolve';
import { migrationStatus, type StatusReport } from '../runtime/status';
import type { StatusFix } from '../runtime/status-advice';
import { query, useEmbeddedPostgres } from '../testing/database';
import { collectingLogger, migrationFolder, projectTarget, sampleDirectory } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { SAMPLE_PROJECT_DIR, SAMPLE_ROOT } from '../testing/sample-tree';
import { waitFor } from '../testing/source-process';
import { diskView } from '../workspace/file-view';
import { locatePrismaProject, readSchemaFiles } from '../workspace/prisma-project';

// Faults an operator meets on a bad day, injected against a real PostgreSQL: for each, the state
// and status line are checked, the command status suggests is run, and the state checked again.

const pgServer = useEmbeddedPostgres();
const HOLD_KEY = 4343;

const workspace = diskView(join(SAMPLE_PROJECT_DIR, '../..'));
const sampleSchema = readSchemaFiles(workspace, locatePrismaProject(workspace, SAMPLE_ROOT));
/** The sample schema plus the index the migrations below build: status checks drift against it. */
const schemaWithIndex = sampleSchema.map((f) => ({ ...f, content: f.content.replace(/(model AuditLog \{[^}]*?)\n\}/, '$1\n\n  @@index([action])\n}') }));

const upperRoles = migrationFolder('20250201000000_upper_roles', 'SELECT 1;\n', 'SELECT 1;\n');
const indexAction = migrationFolder(
  '20250202000000_index_action',
  'CREATE INDEX CONCURRENTLY IF NOT EXISTS "AuditLog_action_idx" ON "AuditLog"("action");\n',
  'DROP INDEX CONCURRENTLY IF EXISTS "AuditLog_action_idx";\n',
);
// remove-index's migration: the index goes CONCURRENTLY, and comes back the same way on rollback.
const removeAction = migrationFolder('20250204000000_remove_index_action', indexAction.downSql!, indexAction.sql);
const uniqueAction = migrationFolder(indexAction.name, indexAction.sql.replace('CREATE INDEX', 'CREATE UNIQUE INDEX'), indexAction.downSql);
const broken = migrationFolder('20250203000000_broken', 'ALTER TABLE "User" ADD COLUMN "score" INTEGER CHECK ("score" > 0);\nUPDATE "User" SET "score" = 0;\n', 'ALTER TABLE "User" DROP COLUMN "score";\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'forge-recovery-'));
  writeFileSync(
    join(dir, 'index.ts'),
    `import type { DataMigrationRegistry } from '@forge/migration/runtime';\nexport const dataMigrations: DataMigrationRegistry = { '${upperRoles.name}': () => import('./upper_roles') };\n`,
  );
  // down() in two jobs with a pause between, where the test kills its session: a rollback half done.
  // A database setting injects a failure of up() (forge.fail_up = on).
  writeFileSync(
    join(dir, 'upper_roles.ts'),
    `import type { DataMigrationContext } from '@forge/migration/runtime';
export async function up(ctx: DataMigrationContext) {
  const [fault] = await ctx.query<{ on: string | null }>("SELECT current_setting('forge.fail_up', true) AS on");
  if (fault.on === 'on') throw new Error('injected fault');
  await ctx.batchUpdate({ table: 'User', set: 'role = upper(role)', where: 'role <> upper(role)', batchSize: 40 });
}
export async function down(ctx: DataMigrationContext) {
  await ctx.batchUpdate({ table: 'User', name: 'even', set: 'role = lower(role)', where: 'role <> lower(role) AND id % 2 = 0', batchSize: 40 });
  await ctx.query('SELECT pg_advisory_lock_shared(${HOLD_KEY}), pg_advisory_unlock_shared(${HOLD_KEY})');
  await ctx.batchUpdate({ table: 'User', name: 'odd', set: 'role = lower(role)', where: 'role <> lower(role)', batchSize: 40 });
}
export async function validate(ctx: DataMigrationContext) {
  return (await ctx.count('User', 'role <> upper(role)')) === 0;
}
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function target(url: string, directory = sampleDirectory(upperRoles, indexAction), overrides: Partial<ProjectTarget> = {}): ProjectTarget {
  const logger = collectingLogger();
  return projectTarget(url, directory, { logger, dataMigrations: createDataMigrationRunner(url, dir, logger), command: nxCommand, ...overrides });
}

const nxCommand = (name: string, options?: Record<string, string>) => `nx run prisma:${name}${commandOptions(options)}`;

/** A database with the sample's baseline and rows. */
async function seeded(): Promise<string> {
  const url = await pgServer.freshDatabase();
  expect((await migrate(projectTarget(url, sampleDirectory()))).error).toBeUndefined();
  await seedSampleData(url, { users: 200, auditLogs: 600 });
  return url;
}

/** Runs what a status suggestion names, through the same runtime functions the target runs. */
async function runFix(fix: StatusFix, on: ProjectTarget): Promise<void> {
  if ('sql' in fix) return void (await query(on.url, fix.sql));
  const options = fix.options ?? {};
  if (fix.target === 'migrate') {
    const result = await migrate(on);
    if (result.error) throw result.error;
  } else if (fix.target === 'migrate-down') {
    const result = await migrateDown(on, Number(options.count ?? 1));
    if (result.error) throw result.error;
  } else if (fix.target === 'migrate-resolve') {
    await resolveMigration(on, options);
  } else {
    throw new Error(`No runner for ${fix.target}`);
  }
}

async function status(on: ProjectTarget, schema = schemaWithIndex): Promise<StatusReport & { text: string }> {
  const report = await migrationStatus(on, schema);
  return { ...report, text: renderStatus(report, nxCommand) };
}

async function roles(url: string) {
  return query<{ role: string; n: number }>(url, `SELECT role, count(*)::int AS n FROM "User" GROUP BY 1 ORDER BY 1`);
}

describe('a failed migration has a way out', () => {
  it('migrate-down refuses to pass a failed newest migration, naming migrate-resolve; resolve and migrate then work', async () => {
    const url = await seeded();
    const withBroken = target(url, sampleDirectory(upperRoles, indexAction, broken));
    const first = await migrate(withBroken);
    expect(first.steps.map((s) => [s.migration, s.kind, s.status])).toEqual([
      [upperRoles.name, 'sql', 'applied'],
      [upperRoles.name, 'data', 'applied'],
      [indexAction.name, 'sql', 'applied'],
      [broken.name, 'sql', 'failed'],
    ]);
    const before = await roles(url);

    const failed = await status(withBroken);
    expect(failed.unhealthy).toBe(true);
    expect(failed.text).toMatch(/3 applied, 0 pending, 1 failed, 0 edited after apply/);
    expect(failed.text).toContain(`✗ ${broken.name} failed: PostgreSQL undid its statements`);
    expect(failed.text).toContain(`→ \`nx run prisma:migrate-resolve --rolledBack ${broken.name}\` only records the failed attempt rolled back`);

    // Before: migrate-down rolled back index_action (the good one) and exited 0.
    await expect(migrateDown(withBroken)).rejects.toThrow(
      new RegExp(`Cannot roll back: ${broken.name} failed .*Nothing was changed\\. Record the failed attempt as rolled back with \`nx run prisma:migrate-resolve --rolledBack ${broken.name}\``),
    );
    expect(await query(url, `SELECT to_regclass('"AuditLog_action_idx"') IS NOT NULL AS kept`)).toEqual([{ kept: true }]);
    expect(await roles(url)).toEqual(before);

    const resolveFix = failed.advice[0].fixes.find((f) => 'target' in f && f.target === 'migrate-resolve')!;
    await runFix(resolveFix, withBroken);
    const resolved = await status(withBroken);
    expect(resolved.rows.find((r) => r.name === broken.name)?.state).toBe('pending');
    expect(resolved.advice).toEqual([]);
    // Now migrate-down reaches the migration before it, and migrate applies the fixed one.
    expect((await migrateDown(withBroken)).rolledBack.map((r) => r.migration)).toEqual([indexAction.name]);
    const fixed = target(url, sampleDirectory(upperRoles, indexAction, migrationFolder(broken.name, broken.sql.replace('= 0', '= 1'), broken.downSql)));
    const again = await migrate(fixed);
    expect(again.error).toBeUndefined();
    expect(migrateSummary(again)).toBe('Applied 2 migration(s); 2 were already applied.');
  });

  it('resolve refuses what it cannot resolve, changing nothing', async () => {
    const url = await seeded();
    const on = target(url);
    await migrate(on);
    await expect(resolveMigration(on, { rolledBack: indexAction.name })).rejects.toThrow(/is applied, not failed: --rolledBack only resolves a failed migration\. Nothing was changed\. .*migrate-down/);
    await expect(resolveMigration(on, { applied: indexAction.name })).rejects.toThrow(/already recorded as applied\. Nothing was changed/);
    await expect(resolveMigration(on, { rolledBack: '20250202000000_index_actoin' })).rejects.toThrow(/No migration folder named .*Did you mean "20250202000000_index_action"\?/);
    await expect(resolveMigration(on, {})).rejects.toThrow(/exactly one of --rolledBack <migration> .* or --applied <migration>/);
    expect((await withClient(url, readMigrationRecords)).every((r) => r.finishedAt && !r.rolledBackAt)).toBe(true);
  });

  it('a failed unique build: resolve --rolledBack drops its INVALID index; --applied (as the stock CLI would) is reported unhealthy with a working way out', async () => {
    const url = await seeded();
    const on = target(url, sampleDirectory(upperRoles, uniqueAction));
    const result = await migrate(on);
    expect(result.error?.message).toMatch(/could not create unique index "AuditLog_action_idx"/);
    const invalid = await status(on);
    expect(invalid.invalidIndexes).toEqual([expect.objectContaining({ name: 'AuditLog_action_idx', table: 'AuditLog', migration: uniqueAction.name })]);
    expect(invalid.text).toContain(`✗ Index AuditLog_action_idx on AuditLog is INVALID`);
    await runFix(invalid.advice[0].fixes[1], on); // migrate-resolve --rolledBack
    expect(await query(url, `SELECT to_regclass('"AuditLog_action_idx"') AS idx`)).toEqual([{ idx: null }]);
    expect((await status(on)).rows.find((r) => r.name === uniqueAction.name)?.state).toBe('pending');
    expect((await migrate(on)).error?.message).toMatch(/could not create unique index/);

    // Recorded applied by hand (the index stays INVALID): before, status said "No drift" and exit 0.
    // migrate-resolve --applied does what `prisma migrate resolve --applied` does.
    await resolveMigration(on, { applied: uniqueAction.name });
    expect(await markMigrationApplied({ url }, on.directory, uniqueAction.name).catch((e: Error) => e.message)).toMatch(/already recorded as applied/);
    const applied = await status(on);
    expect(applied.unhealthy).toBe(true);
    expect(applied.text).toMatch(/✗ Index AuditLog_action_idx on AuditLog is INVALID .*: a concurrent build or drop of 20250202000000_index_action was interrupted/);
    expect(applied.text).toContain(`→ \`nx run prisma:migrate-down\` rolls ${uniqueAction.name} back (dropping the index)`);
    // The rebuild fails on the duplicates, clearly; rolling back works.
    const rebuild = await migrate(on);
    expect(rebuild.error?.message).toMatch(/Rebuilding the INVALID index AuditLog_action_idx of 20250202000000_index_action failed: could not create unique index/);
    await runFix(applied.advice[0].fixes[1], on);
    const after = await status(on);
    expect(after.invalidIndexes).toEqual([]);
    expect(after.rows.find((r) => r.name === uniqueAction.name)?.state).toBe('pending');
  });
});

describe('an interrupted rollback', () => {
  it('a DROP INDEX CONCURRENTLY stopped by lock_timeout: status reports the INVALID index; migrate rebuilds it', async () => {
    const url = await seeded();
    const on = target(url);
    expect((await migrate(on)).error).toBeUndefined();
    expect((await status(on)).unhealthy).toBe(false);
    const reader = await connect(url);
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM "AuditLog"'); // a long reader: the drop waits for it, then times out
      const down = await migrateDown(target(url, on.directory, { lockTimeout: '300ms', lockRetries: 0 }));
      expect(down.error?.message).toMatch(/Rolling back 20250202000000_index_action failed/);
      expect(down.error?.message).toMatch(/Index "AuditLog_action_idx" on "AuditLog" is left INVALID .*It waited for: pid \d+ \(idle in transaction.*run `nx run prisma:migrate-down` to finish the drop/);
    } finally {
      await reader.end();
    }
    const half = await status(on);
    expect(half.invalidIndexes.map((i) => i.name)).toEqual(['AuditLog_action_idx']);
    expect(half.drift).toEqual({ checked: true, sql: '' }); // Prisma sees nothing wrong
    expect(half.unhealthy).toBe(true);
    expect(half.text).toContain(`→ \`nx run prisma:migrate\` rebuilds it as ${indexAction.name} defines it`);

    await runFix(half.advice[0].fixes[0], on);
    expect(await query(url, `SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = '"AuditLog_action_idx"'::regclass`)).toEqual([{ indisvalid: true, indisready: true }]);
    expect((await status(on)).unhealthy).toBe(false);
  });

  it("remove-index's DROP INDEX CONCURRENTLY stopped by lock_timeout behind a long reader: the error and status say the index is left INVALID and whom it waited for; migrate finishes the drop", async () => {
    const url = await seeded();
    expect((await migrate(target(url))).error).toBeUndefined();
    const removing = sampleDirectory(upperRoles, indexAction, removeAction);
    const reader = await connect(url);
    let half: Awaited<ReturnType<typeof status>>;
    try {
      await reader.query('BEGIN');
      const { pid } = (await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0];
      await reader.query('SELECT count(*) FROM "AuditLog"'); // a long reader: the drop marks the index INVALID, then waits for it
      const stopped = await migrate(target(url, removing, { lockTimeout: '300ms', lockRetries: 0 }));
      expect(stopped.error?.message).toMatch(
        new RegExp(
          `Index "AuditLog_action_idx" on "AuditLog" is left INVALID \\(reads ignore it, writes still maintain it\\): DROP INDEX CONCURRENTLY marked it .*` +
            `It waited for: pid ${pid} \\(idle in transaction, transaction open \\d+ s: SELECT count\\(\\*\\) FROM "AuditLog"\\)\\. .*run \`nx run prisma:migrate\` to finish the drop`,
        ),
      );
      half = await status(target(url, removing), sampleSchema);
    } finally {
      await reader.end();
    }
    expect(half.invalidIndexes).toEqual([{ name: 'AuditLog_action_idx', table: 'AuditLog', ready: true, migration: indexAction.name, droppedBy: removeAction.name }]);
    expect(half.unhealthy).toBe(true);
    expect(half.text).toContain(`✗ Index AuditLog_action_idx on AuditLog is INVALID (writes maintain it, reads ignore it): the DROP INDEX CONCURRENTLY of ${removeAction.name} was stopped`);
    // Not "rebuilds it as index_action defines it": that would build the whole index only to drop it again.
    expect(half.text).toContain(`→ \`nx run prisma:migrate\` finishes the drop with ${removeAction.name}`);

    const fix = half.advice.find((a) => /INVALID/.test(a.problem))!.fixes[0];
    const on = target(url, removing);
    await runFix(fix, on);
    expect((on.logger as ReturnType<typeof collectingLogger>).lines.filter((l) => /rebuilding it/.test(l))).toEqual([]);
    expect(await query(url, `SELECT to_regclass('"AuditLog_action_idx"') IS NULL AS gone`)).toEqual([{ gone: true }]);
    expect((await status(on, sampleSchema)).unhealthy).toBe(false);
  });

  it('a down() killed half-way: status says the rollback was interrupted; migrate-down finishes it, or migrate re-applies', async () => {
    for (const way of [0, 1]) {
      const url = await seeded();
      const on = target(url);
      expect((await migrate(on)).error).toBeUndefined();
      await migrate(on); // up to date
      expect(await roles(url)).toEqual([
        { role: 'ADMIN', n: 20 },
        { role: 'MEMBER', n: 180 },
      ]);
      const holder = await connect(url);
      try {
        await holder.query(`SELECT pg_advisory_lock(${HOLD_KEY})`);
        // Roll back both migrations: the index goes, then down() stops at its pause and its session is killed.
        const rollback = migrateDown(on, 2);
        const pid = await waitFor('down() to pause', async () => {
          const { rows } = await holder.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE application_name = '@forge/migration data migration' AND wait_event_type = 'Lock'`,
          );
          return rows[0]?.pid;
        });
        await holder.query('SELECT pg_terminate_backend($1)', [pid]);
        expect((await rollback).error?.message).toMatch(/Rolling back 20250201000000_upper_roles failed/);
      } finally {
        await holder.end();
      }
      // Half the rows rolled back; before, status said "run migrate", which then failed forever.
      expect((await roles(url)).reduce((n, r) => n + (r.role === r.role.toLowerCase() ? r.n : 0), 0)).toBe(100);
      const half = await status(on);
      expect(half.rows.find((r) => r.name === upperRoles.name)).toMatchObject({ state: 'applied', data: 'rollback interrupted' });
      expect(half.unfinishedRollbacks).toEqual([upperRoles.name]);
      expect(half.unhealthy).toBe(true);
      expect(half.text).toMatch(/2 applied, 1 pending, 0 failed, 0 edited after apply, 1 interrupted/);
      expect(half.text).toContain(`✗ Rolling back ${upperRoles.name} stopped half-way: its data migration's down() was interrupted.`);
      expect(half.text).toContain('→ `nx run prisma:migrate-down` finishes the rollback');
      expect(half.text).toContain("→ `nx run prisma:migrate` re-applies 20250201000000_upper_roles's data migration instead");

      await runFix(half.advice[0].fixes[way], on);
      const after = await status(on);
      expect(after.advice).toEqual([]);
      if (way === 0) {
        expect(await roles(url)).toEqual([
          { role: 'admin', n: 20 },
          { role: 'member', n: 180 },
        ]);
        expect(after.rows.find((r) => r.name === upperRoles.name)).toMatchObject({ state: 'pending', data: 'rolled_back' });
      } else {
        expect(await roles(url)).toEqual([
          { role: 'ADMIN', n: 20 },
          { role: 'MEMBER', n: 180 },
        ]);
        expect(after.rows.map((r) => [r.state, r.data])).toEqual([
          ['applied', undefined],
          ['applied', 'applied'],
          ['applied', undefined],
        ]);
      }
    }
  });
});

describe('INVALID indexes of migrations not applied, or of none', () => {
  it("status names each with a command that works: migrate rebuilds a pending migration's index, SQL drops an index no migration builds", async () => {
    const url = await seeded();
    const on = target(url);
    expect((await migrate(on, { to: upperRoles.name })).error).toBeUndefined();
    // Two interrupted builds (a unique build failing on duplicates leaves its index INVALID, not even
    // ready for writes): one under the name the pending index_action builds, one under a name no
    // migration has.
    for (const name of ['AuditLog_action_idx', 'AuditLog_action_key']) {
      await query(url, `CREATE UNIQUE INDEX CONCURRENTLY "${name}" ON "AuditLog"("action")`).catch(() => undefined);
    }
    const invalid = await status(on);
    expect(invalid.invalidIndexes.map((i) => [i.name, i.migration])).toEqual([
      ['AuditLog_action_idx', indexAction.name],
      ['AuditLog_action_key', undefined],
    ]);
    expect(invalid.unhealthy).toBe(true);
    expect(invalid.text).toContain(`✗ Index AuditLog_action_idx on AuditLog is INVALID and not maintained by writes: left by an interrupted build of ${indexAction.name}, which is not applied.`);
    expect(invalid.text).toContain(`→ \`nx run prisma:migrate\` drops it and builds it again with ${indexAction.name}`);
    expect(invalid.text).toContain('✗ Index AuditLog_action_key on AuditLog is INVALID and not maintained by writes, and no migration builds it.');
    expect(invalid.text).toContain('→ DROP INDEX CONCURRENTLY IF EXISTS "AuditLog_action_key"; drops it');
    // --format json: each fix as the command line (or SQL) that runs it, for pipelines.
    expect(statusForMachines(invalid, nxCommand).advice.map((a) => a.fixes.map((f) => ('sql' in f ? f.sql : f.command)))).toEqual([
      ['nx run prisma:migrate'],
      ['DROP INDEX CONCURRENTLY IF EXISTS "AuditLog_action_key";'],
    ]);

    for (const advice of invalid.advice) await runFix(advice.fixes[0], on);
    expect(await query(url, `SELECT c.relname AS name, i.indisvalid AS valid, i.indisunique AS "unique" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'AuditLog_action%'`)).toEqual([
      { name: 'AuditLog_action_idx', valid: true, unique: false },
    ]);
    const after = await status(on);
    expect(after.advice).toEqual([]);
    expect(after.unhealthy).toBe(false);
  });
});

describe('migrations applied that are not on disk', () => {
  it('status names them; migrate and migrate-down refuse, changing nothing; from the folder that has them, status is clean and migrate-down rolls them back', async () => {
    const url = await pgServer.freshDatabase();
    const full = target(url, sampleDirectory(indexAction));
    expect((await migrate(full)).error).toBeUndefined();
    // A checkout that lacks index_action (another branch deployed it).
    const behind = target(url, sampleDirectory());
    const report = await status(behind, sampleSchema);
    expect(report.unknownApplied).toEqual([indexAction.name]);
    expect(report.unhealthy).toBe(true);
    expect(report.text).toContain(`✗ Applied in the database but missing on disk: ${indexAction.name}.`);
    expect(report.text).toContain('→ `nx run prisma:migrate-status` from the branch that has these folders');

    const records = await withClient(url, readMigrationRecords);
    await expect(migrate(behind)).rejects.toThrow(new RegExp(`The database has applied migrations that are not in .*: ${indexAction.name}\\. Pull the missing migration folders`));
    await expect(migrateDown(behind)).rejects.toThrow(`Migration ${indexAction.name} is applied but its folder is not in`);
    expect(await withClient(url, readMigrationRecords)).toEqual(records);
    expect(await query(url, `SELECT to_regclass('"AuditLog_action_idx"') IS NOT NULL AS kept`)).toEqual([{ kept: true }]);

    // The suggested way: from the folder that has it, all is clean, and migrate-down rolls it back.
    expect((await status(full)).advice).toEqual([]);
    expect((await migrateDown(full)).rolledBack.map((r) => r.migration)).toEqual([indexAction.name]);
    expect((await status(behind, sampleSchema)).unhealthy).toBe(false);
  });
});

describe('a rollback stopped between down() and down.sql', () => {
  it('status names the state and both ways out; migrate-down finishes it without running down() twice', async () => {
    const url = await seeded();
    // The same migration, with a down.sql that needs a lock a reader holds (ALTER TABLE: ACCESS EXCLUSIVE).
    const locking = migrationFolder(upperRoles.name, upperRoles.sql, `ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'member';\n`);
    const on = target(url, sampleDirectory(locking));
    expect((await migrate(on)).error).toBeUndefined();
    const reader = await connect(url);
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM "User"');
      const down = await migrateDown(target(url, on.directory, { lockTimeout: '300ms', lockRetries: 0 }));
      expect(down.error?.message).toMatch(/Rolling back 20250201000000_upper_roles failed: .*gave up after 1 attempts/s);
    } finally {
      await reader.end();
    }
    const half = await status(on, sampleSchema);
    expect(half.rows.find((r) => r.name === upperRoles.name)).toMatchObject({ state: 'applied', data: 'rolled_back' });
    expect(half.text).toContain(`✗ ${upperRoles.name} is applied but its data migration is rolled back (a rollback stopped before down.sql, or a deploy before the data step).`);
    expect(half.text).toContain('→ `nx run prisma:migrate-down` rolls 20250201000000_upper_roles back');
    const lastRun = () => query(url, `SELECT started_at FROM _forge.data_migrations WHERE migration_name = $1`, [upperRoles.name]);
    const before = await lastRun();
    await runFix(half.advice[0].fixes[1], on);
    expect(await lastRun()).toEqual(before); // down() did not run again
    expect(await roles(url)).toEqual([
      { role: 'admin', n: 20 },
      { role: 'member', n: 180 },
    ]);
    const after = await status(on, sampleSchema);
    expect(after.rows.find((r) => r.name === upperRoles.name)).toMatchObject({ state: 'pending', data: 'rolled_back' });
    expect(after.advice).toEqual([]);
  });
});

describe('a data migration whose changes are in already', () => {
  it('migrate-resolve --applied records it done without running it (the path a stock deploy needs)', async () => {
    const url = await seeded();
    const on = target(url);
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    await query(url, `ALTER DATABASE "${name}" SET forge.fail_up = 'on'`);
    expect((await migrate(on)).error?.message).toMatch(/injected fault/);
    const failed = await status(on);
    expect(failed.text).toContain(`→ \`nx run prisma:migrate-resolve --applied ${upperRoles.name}\` records the data migration done without running it`);
    const resolved = await resolveMigration(on, { applied: upperRoles.name });
    expect(resolved).toEqual({ migration: upperRoles.name, recorded: 'applied', dataOnly: true });
    expect(await on.dataMigrations.state(upperRoles.name)).toBe('applied');
    expect(await roles(url)).toEqual([
      { role: 'admin', n: 20 },
      { role: 'member', n: 180 },
    ]); // up() did not run
    await expect(resolveMigration(on, { applied: upperRoles.name })).rejects.toThrow(/already recorded as applied/);
    expect((await status(on)).advice).toEqual([]);
  });
});

describe('summaries and counts add up', () => {
  it('a failed data migration counts as failed; the run that finishes it says so, and the numbers add up to the folders', async () => {
    const url = await seeded();
    const on = target(url);
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    await query(url, `ALTER DATABASE "${name}" SET forge.fail_up = 'on'`);
    const failed = await migrate(on);
    expect(failed.error?.message).toMatch(/injected fault/);
    const report = await status(on);
    expect(report.rows.find((r) => r.name === upperRoles.name)).toMatchObject({ state: 'applied', data: 'failed' });
    // Before: "0 failed" above a table showing the failed data migration.
    expect(report.text).toMatch(/2 applied, 1 pending, 1 failed, 0 edited after apply/);
    expect(report.text).toContain(`→ \`nx run prisma:migrate\` runs the data migration, resuming from its last checkpoint`);

    await query(url, `ALTER DATABASE "${name}" RESET forge.fail_up`);
    const finished = await migrate(on);
    expect(finished.error).toBeUndefined();
    expect(migrateSummary(finished)).toBe('Applied 1 migration(s); 1 were already applied; finished the data migration of 1 applied earlier.');
    const partial = await migrate(target(url, sampleDirectory(upperRoles, indexAction, broken)), { to: indexAction.name });
    expect(migrateSummary(partial, indexAction.name)).toBe('Applied 0 migration(s); 3 were already applied; 1 after 20250202000000_index_action not applied (--to).');
  });
});

describe('CREATE INDEX CONCURRENTLY and old snapshots', () => {
  /** A REPEATABLE READ transaction idle on another table: its snapshot is what the build waits for. */
  async function oldSnapshot(url: string) {
    const holder = await connect(url, { applicationName: 'report job' });
    const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await holder.query('SELECT count(*) FROM "Tenant"');
    return { holder, pid: rows[0].pid };
  }
  const indexState = (url: string) => query(url, `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('"AuditLog_action_idx"')`);

  it('waits for the snapshot without rebuilding (lock_timeout does not cut it), naming the session; past the bound it stops and names it', async () => {
    const url = await seeded();
    expect((await migrate(target(url, sampleDirectory(upperRoles)))).error).toBeUndefined();
    const { holder, pid } = await oldSnapshot(url);
    try {
      const logger = collectingLogger();
      const run = migrate(target(url, undefined, { logger, lockTimeout: '300ms', lockRetries: 2, concurrentWaitMs: 60_000 }));
      const told = await waitFor('the build to say what it waits for', async () => logger.lines.find((l) => /waiting for older transactions/.test(l)));
      expect(told).toContain(`${indexAction.name}: waiting for older transactions to end (waiting for old snapshots). Waiting for 1 session(s): [pid ${pid}, idle in transaction, for `);
      expect(told).toContain(': SELECT count(*) FROM "Tenant"]');
      await new Promise((resolve) => setTimeout(resolve, 1000)); // > lock_timeout: before, each attempt was cut and built again
      await holder.query('COMMIT');
      const result = await run;
      expect(result.error).toBeUndefined();
      expect(result.steps.find((s) => s.migration === indexAction.name)).toMatchObject({ status: 'applied', retries: 0 });
      expect(logger.lines.filter((l) => /lock timeout/.test(l))).toEqual([]);
      expect(await indexState(url)).toEqual([{ valid: true }]);

      // Bounded: with the snapshot kept, the build stops after the bound and names the session.
      await migrateDown(target(url));
      await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await holder.query('SELECT count(*) FROM "Tenant"');
      const bounded = await migrate(target(url, undefined, { logger, concurrentWaitMs: 700 }));
      expect(bounded.error?.message).toMatch(
        new RegExp(`${indexAction.name}: waited \\d+ s for older transactions to end \\(build phase: waiting for old snapshots\\) and was cancelled .*\\[pid ${pid}, idle in transaction, for \\d+ s: SELECT count\\(\\*\\) FROM "Tenant"\\]`),
      );
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    const left = await status(target(url));
    expect(left.text).toContain('→ `nx run prisma:migrate` records the failed attempt rolled back and applies it again');
    await runFix(left.advice[0].fixes[0], target(url));
    expect(await indexState(url)).toEqual([{ valid: true }]);
  });

  it("a re-run while a killed run's build is still going waits for it (no deadlock), or refuses clearly past the bound", async () => {
    const url = await seeded();
    expect((await migrate(target(url, sampleDirectory(upperRoles)))).error).toBeUndefined();
    const { holder } = await oldSnapshot(url);
    // The killed run's backend: PostgreSQL goes on building after its client is gone.
    const orphan = await connect(url, { applicationName: 'killed deploy' });
    const building = orphan.query(`-- 20250202000000_index_action\n${indexAction.sql}`).catch((error: Error) => error);
    try {
      const rows = await query<{ pid: number }>(url, `SELECT pid FROM pg_stat_activity WHERE application_name = 'killed deploy'`);
      await waitFor('the orphan build to create its index', async () => ((await query(url, `SELECT to_regclass('"AuditLog_action_idx"') AS i`))[0].i ? true : undefined));

      const refused = await migrate(target(url, undefined, { concurrentWaitMs: 500 }));
      expect(refused.error?.message).toMatch(
        new RegExp(`An earlier run's CREATE INDEX CONCURRENTLY of AuditLog_action_idx is still building after \\d+ s \\(pid ${rows[0].pid}, active, .*SELECT pg_cancel_backend\\(${rows[0].pid}\\); and run the command again\\. Nothing was changed\\.`),
      );
      const logger = collectingLogger();
      const rerun = migrate(target(url, undefined, { logger, concurrentWaitMs: 60_000 }));
      await waitFor('the re-run to wait for the build', async () => logger.lines.find((l) => /still building .*waiting for it to finish/.test(l)));
      await holder.query('COMMIT');
      expect(await building).not.toBeInstanceOf(Error);
      const result = await rerun;
      expect(result.error).toBeUndefined();
      expect(await indexState(url)).toEqual([{ valid: true }]);
    } finally {
      await holder.end();
      await orphan.end();
    }
  });
});

describe("the engine's errors read as one sentence with the fix, never its trace", () => {
  const TRACE = /schema_engine_wasm::|\.rs:\d+|^\s*\d+: \w+::/m;

  it('a user that does not own schema public: named, with the GRANT that fixes it (which then works)', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'forge_app') THEN CREATE ROLE forge_app LOGIN PASSWORD 'app-pw'; END IF; END $$`);
    const appUrl = url.replace(/\/\/[^@]*@/, '//forge_app:app-pw@');
    const refused = await migrate(projectTarget(appUrl, sampleDirectory()));
    expect(refused.error?.message).not.toMatch(TRACE);
    expect(refused.error?.message).toContain('The database user "forge_app" may not create tables in schema "public"');
    await query(url, /As its owner, run (GRANT CREATE ON SCHEMA "public" TO "forge_app";)/.exec(refused.error!.message)![1]);
    // Next: the baseline's CREATE SCHEMA IF NOT EXISTS "public" needs CREATE on the database.
    const next = await migrate(projectTarget(appUrl, sampleDirectory()));
    expect(next.error?.message).toContain('The database user "forge_app" may not create schemas in database');
    await query(url, /run (GRANT CREATE ON DATABASE "\w+" TO "forge_app";)/.exec(next.error!.message)![1]);
    expect((await migrate(projectTarget(appUrl, sampleDirectory()))).error).toBeUndefined();
  });

  it('an empty schema and a non-PostgreSQL provider', async () => {
    const url = await pgServer.freshDatabase();
    await migrate(projectTarget(url, sampleDirectory()));
    await expect(migrationStatus(projectTarget(url, sampleDirectory()), [{ path: 'schema.prisma', content: '' }])).rejects.toThrow(
      /^The Prisma schema has no datasource block \(is schema\.prisma empty\?\)\. Add one: datasource db \{ provider = "postgresql" \}\.$/,
    );
    const mysql = sampleSchema.map((f) => ({ ...f, content: f.content.replace('provider = "postgresql"', 'provider = "mysql"') }));
    await expect(migrationStatus(projectTarget(url, sampleDirectory()), mysql)).rejects.toThrow(
      /^@forge\/migration supports PostgreSQL only, but the schema's datasource says provider = "mysql"\. Set provider = "postgresql"/,
    );
  });
});
