import { query, rowChecksums, useEmbeddedPostgres } from '../testing/database';
import { BASELINE, collectingLogger, migrationFolder, projectTarget, sampleDirectory } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataMigrationRunner } from './data-migration-runner';
import { migrate } from './migrate';
import { migrateDown } from './migrate-down';
import { readMigrationRecords } from './migration-records';
import { withClient } from './pg-client';

const pg = useEmbeddedPostgres();

const addNickname = migrationFolder(
  '20250201000000_add_nickname',
  `SET LOCAL lock_timeout = '1s';\nALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n`,
  `SET LOCAL lock_timeout = '1s';\nALTER TABLE "User" DROP COLUMN "nickname";\n`,
);
const indexAction = migrationFolder(
  '20250202000000_index_action',
  'CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_AuditLog_action" ON "AuditLog"("action");\n',
  'DROP INDEX CONCURRENTLY IF EXISTS "idx_AuditLog_action";\n',
);

describe('migrate and migrate-down', () => {
  it('applies pending migrations in order, records them as the Prisma CLI does, and is a no-op when up to date', async () => {
    const url = await pg.freshDatabase();
    const directory = sampleDirectory(addNickname, indexAction);
    const first = await migrate(projectTarget(url, directory));
    expect(first.error).toBeUndefined();
    expect(first.steps.map((s) => [s.migration, s.status])).toEqual([
      [BASELINE, 'applied'],
      [addNickname.name, 'applied'],
      [indexAction.name, 'applied'],
    ]);
    const records = await withClient(url, readMigrationRecords);
    expect(records.map((r) => [r.name, r.checksum])).toEqual(directory.migrations.map((m) => [m.name, m.checksum]));
    const again = await migrate(projectTarget(url, directory));
    expect(again).toEqual({ steps: [], upToDate: 3, notAttempted: 0, heldBack: [] });
  });

  it('stops at a failing migration with the SQL error and statement, leaves the database as before it, and retries once fixed', async () => {
    const url = await pg.freshDatabase();
    await migrate(projectTarget(url, sampleDirectory()));
    await seedSampleData(url, { users: 50 });
    const before = await rowChecksums(url, 'User');
    const broken = migrationFolder(
      '20250203000000_broken',
      `ALTER TABLE "User" ADD COLUMN "score" INTEGER;\nUPDATE "User" SET "score" = 1;\nALTER TABLE "User" ADD CONSTRAINT "bad" CHECK ("score" > 5);\n`,
      'ALTER TABLE "User" DROP COLUMN "score";\n',
    );
    const result = await migrate(projectTarget(url, sampleDirectory(broken, addNickname)));
    expect(result.steps.map((s) => [s.migration, s.status])).toEqual([[broken.name, 'failed']]);
    expect(result.error?.message).toMatch(/check constraint "bad".*violated/s);
    expect(result.error?.message).toContain('Failing statement: ALTER TABLE "User" ADD CONSTRAINT "bad" CHECK ("score" > 5)');
    // all or nothing: the column added by the first statement is gone, the rows are untouched
    expect(await query(url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'score'`)).toEqual([]);
    expect(await rowChecksums(url, 'User')).toEqual(before);
    const records = await withClient(url, readMigrationRecords);
    expect(records.find((r) => r.name === broken.name)).toMatchObject({ finishedAt: null, rolledBackAt: null });

    const fixed = migrationFolder(broken.name, broken.sql.replace('> 5', '> 0'), broken.downSql);
    const retry = await migrate(projectTarget(url, sampleDirectory(fixed, addNickname)));
    expect(retry.error).toBeUndefined();
    expect(retry.steps.map((s) => s.migration)).toEqual([broken.name, addNickname.name]);
  });

  it('retries on lock timeout with backoff, then gives up with a clear error instead of queueing', async () => {
    const url = await pg.freshDatabase();
    await migrate(projectTarget(url, sampleDirectory()));
    const logger = collectingLogger();
    await withClient(url, async (holder) => {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE "User" IN ACCESS SHARE MODE'); // a long reader
      const started = Date.now();
      const result = await migrate(projectTarget(url, sampleDirectory(addNickname), { logger, lockRetries: 2, retryDelayMs: 100 }));
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(result.error?.message).toMatch(/gave up after 3 attempts.*lock_timeout.*pg_stat_activity/s);
      expect(logger.lines.filter((l) => /lock timeout.*retry \d\/2/.test(l))).toHaveLength(2);
      await holder.query('ROLLBACK');
    });
    // the lock is gone: the same migration now applies
    const result = await migrate(projectTarget(url, sampleDirectory(addNickname)));
    expect(result.steps.map((s) => [s.migration, s.status])).toEqual([[addNickname.name, 'applied']]);
  });

  it('lets one of two concurrent runs wait; nothing is applied twice', async () => {
    const url = await pg.freshDatabase();
    const directory = sampleDirectory(addNickname, indexAction);
    const [logA, logB] = [collectingLogger(), collectingLogger()];
    const [a, b] = await Promise.all([
      migrate(projectTarget(url, directory, { logger: logA })),
      migrate(projectTarget(url, directory, { logger: logB })),
    ]);
    expect([a.error, b.error]).toEqual([undefined, undefined]);
    expect([...logA.lines, ...logB.lines].filter((l) => /holds the deploy lock.*waiting/.test(l))).toHaveLength(1);
    expect([...a.steps, ...b.steps].map((s) => s.migration).sort()).toEqual(directory.migrations.map((m) => m.name).sort());
    const records = await withClient(url, readMigrationRecords);
    expect(records).toHaveLength(3);
  });

  it('drops an INVALID index left by an interrupted concurrent build before building it again', async () => {
    const url = await pg.freshDatabase();
    await migrate(projectTarget(url, sampleDirectory()));
    await seedSampleData(url, { auditLogs: 2000 });
    // an interrupted CREATE INDEX CONCURRENTLY leaves an invalid index: simulate with a unique build that fails on duplicates
    await query(url, `CREATE UNIQUE INDEX CONCURRENTLY "idx_AuditLog_action" ON "AuditLog"("action")`).catch(() => undefined);
    expect(await query(url, `SELECT indisvalid FROM pg_index WHERE indexrelid = '"idx_AuditLog_action"'::regclass`)).toEqual([{ indisvalid: false }]);
    const logger = collectingLogger();
    const result = await migrate(projectTarget(url, sampleDirectory(indexAction), { logger }));
    expect(result.error).toBeUndefined();
    expect(logger.lines.some((l) => /Dropping the INVALID index idx_AuditLog_action/.test(l))).toBe(true);
    expect(await query(url, `SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = '"idx_AuditLog_action"'::regclass`)).toEqual([
      { indisvalid: true, indisunique: false },
    ]);
  });

  it('rolls back the last migration(s) with down.sql, forgets them, and migrate re-applies them', async () => {
    const url = await pg.freshDatabase();
    const directory = sampleDirectory(addNickname, indexAction);
    await migrate(projectTarget(url, sampleDirectory()));
    await seedSampleData(url);
    const before = await rowChecksums(url, 'User');
    await migrate(projectTarget(url, directory));

    const down = await migrateDown(projectTarget(url, directory), 2);
    expect(down.error).toBeUndefined();
    expect(down.rolledBack.map((r) => r.migration)).toEqual([indexAction.name, addNickname.name]);
    expect((await withClient(url, readMigrationRecords)).map((r) => r.name)).toEqual([BASELINE]);
    expect(await rowChecksums(url, 'User')).toEqual(before);
    expect(await query(url, `SELECT to_regclass('"idx_AuditLog_action"') AS idx`)).toEqual([{ idx: null }]);

    const again = await migrate(projectTarget(url, directory));
    expect(again.steps.map((s) => s.migration)).toEqual([addNickname.name, indexAction.name]);
  });

  it('refuses to roll back a migration without down.sql and changes nothing', async () => {
    const url = await pg.freshDatabase();
    const noDown = migrationFolder('20250204000000_no_down', 'ALTER TABLE "User" ADD COLUMN "x" TEXT;\n', null);
    const directory = sampleDirectory(addNickname, noDown);
    await migrate(projectTarget(url, directory));
    await expect(migrateDown(projectTarget(url, directory), 2)).rejects.toThrow(/20250204000000_no_down has no down\.sql\. Nothing was changed/);
    expect((await withClient(url, readMigrationRecords)).map((r) => r.name)).toEqual([BASELINE, addNickname.name, noDown.name]);
    expect(await query(url, `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'User' AND column_name IN ('x', 'nickname')`)).toEqual([{ n: 2 }]);
  });

  it('runs each data migration right after its SQL migration, and its down() on rollback', async () => {
    const url = await pg.freshDatabase();
    await migrate(projectTarget(url, sampleDirectory()));
    await seedSampleData(url, { users: 120 });
    const dir = mkdtempSync(join(tmpdir(), 'forge-data-'));
    try {
      writeFileSync(
        join(dir, 'index.ts'),
        `import type { DataMigrationRegistry } from '@forge/migration/runtime';\nexport const dataMigrations: DataMigrationRegistry = {\n  '${addNickname.name}': () => import('./fill_nickname'),\n};\n`,
      );
      writeFileSync(
        join(dir, 'fill_nickname.ts'),
        `import type { DataMigrationContext } from '@forge/migration/runtime';
export async function up(ctx: DataMigrationContext): Promise<void> {
  await ctx.batchUpdate({ table: 'User', set: \`"nickname" = split_part(email, '@', 1)\`, where: '"nickname" IS NULL', batchSize: 50 });
}
export async function down(ctx: DataMigrationContext): Promise<void> {
  await ctx.batchUpdate({ table: 'User', set: '"nickname" = NULL', where: '"nickname" IS NOT NULL', batchSize: 50 });
}
export async function validate(ctx: DataMigrationContext): Promise<boolean> {
  return (await ctx.count('User', '"nickname" IS NULL')) === 0;
}
`,
      );
      const logger = collectingLogger();
      const target = projectTarget(url, sampleDirectory(addNickname, indexAction), { logger, dataMigrations: createDataMigrationRunner(url, dir, logger) });
      const result = await migrate(target);
      expect(result.error).toBeUndefined();
      expect(result.steps.map((s) => [s.migration, s.kind])).toEqual([
        [addNickname.name, 'sql'],
        [addNickname.name, 'data'],
        [indexAction.name, 'sql'],
      ]);
      expect(result.steps[1].rows).toBe(120);
      expect(await query(url, `SELECT count(*)::int AS n FROM "User" WHERE nickname = split_part(email, '@', 1)`)).toEqual([{ n: 120 }]);
      expect(await target.dataMigrations.state(addNickname.name)).toBe('applied');

      const down = await migrateDown(target, 2);
      expect(down.error).toBeUndefined();
      expect(await target.dataMigrations.state(addNickname.name)).toBe('rolled_back');
      expect((await migrate(target)).steps.map((s) => s.kind)).toEqual(['sql', 'data', 'sql']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
