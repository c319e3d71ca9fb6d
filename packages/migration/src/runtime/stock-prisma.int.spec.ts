import { applyMigrations, diagnoseMigrationHistory } from '../engine/operations';
import { removeColumnGenerator } from '../generators/remove-column/generator';
import { query, useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { createSampleTree, SAMPLE_MIGRATIONS } from '../testing/sample-tree';
import { diskView } from '../workspace/file-view';
import { readSchemaFiles } from '../workspace/prisma-project';
import { migrate } from './migrate';
import { resolveMigration } from './resolve';
import { migrationStatus } from './status';

// Stock Prisma and this tool on the same database. "Stock" is Prisma's own schema engine called as
// the CLI calls it (`prisma migrate deploy` = applyMigrations, `migrate status` / `migrate dev` =
// diagnoseMigrationHistory): the CLI itself cannot run here, it downloads its native engine first.
const pg = useEmbeddedPostgres();
let ws: DiskWorkspace;
let backupStep: string;
let removal: string;

beforeAll(async () => {
  const tree = createSampleTree();
  await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true });
  ws = writeDiskWorkspace(tree, 'forge-stock-');
  [backupStep, removal] = ws.directory().migrations.slice(1).map((m) => m.name);
}, 60_000);
afterAll(() => ws?.remove());

const schemaFiles = () => readSchemaFiles(diskView(ws.root), ws.layout);

async function databaseAtBaseline(): Promise<string> {
  const url = await pg.freshDatabase();
  expect((await migrate(ws.target(url), { to: BASELINE })).error).toBeUndefined();
  await seedSampleData(url, { users: 20, orders: 5, auditLogs: 5 });
  return url;
}

describe('stock prisma migrate deploy, then ours', () => {
  it('a data migration whose SQL chain stock deploy completed is reported with its resolve path, not run late; nothing runs', async () => {
    const url = await databaseAtBaseline();
    const directory = ws.directory();
    expect(await applyMigrations({ url }, directory)).toEqual([backupStep, removal]);

    const result = await migrate(ws.target(url));
    expect(result.steps).toEqual([]);
    expect(result.error?.message).toBe(
      [
        '1 data migration(s) never ran although their SQL and the migrations after it are applied (deployed with stock `prisma migrate deploy`, which runs only migration.sql?):',
        `  ${backupStep} (${removal} is applied after it)`,
        'Running them now would work on a schema they were not written for, so nothing was run. For each: check the data it was to move',
        '(its src/migrations file says what), put it right by hand if needed, then record it as done with `migrate-resolve --applied <name>`.',
      ].join('\n'),
    );
    const [{ n }] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "_forge".data_migrations`).catch(() => [{ n: 0 }]);
    expect(n).toBe(0);
    // The removal's data migration (it restores on the way down; its up() has nothing to do) never ran either.
    expect((await migrationStatus(ws.target(url), schemaFiles())).unfinishedData).toEqual([backupStep, removal]);

    // The way out, migrate-resolve --applied (after checking the data); then migrate and status agree it is done.
    expect(await resolveMigration(ws.target(url), { applied: backupStep })).toEqual({ migration: backupStep, recorded: 'applied', dataOnly: true });
    await expect(resolveMigration(ws.target(url), { applied: backupStep })).rejects.toThrow(`${backupStep} is already recorded as applied. Nothing was changed.`);
    const again = await migrate(ws.target(url));
    expect(again.error).toBeUndefined();
    // Baseline and backup step were up to date; the removal's data migration ran (nothing to do on the way up).
    expect(again.upToDate).toBe(2);
    const status = await migrationStatus(ws.target(url), schemaFiles());
    expect(status.unfinishedData).toEqual([]);
    expect(status.unhealthy).toBe(false);
  }, 60_000);
});

describe('an applied migration edited afterwards, as the stock CLI sees it', () => {
  it('deploy applies nothing and reports nothing; only the history diagnosis (migrate dev) names it', async () => {
    const url = await databaseAtBaseline();
    const edited = `${SAMPLE_MIGRATIONS}/${BASELINE}/migration.sql`;
    const original = ws.directory().migrations[0].sql;
    ws.write(edited, `${original}\n-- edited after it was applied\n`);
    try {
      const directory = ws.directory();
      expect(await applyMigrations({ url }, directory, directory.migrations.slice(0, 1))).toEqual([]);
      const diagnosis = await diagnoseMigrationHistory({ url }, { ...directory, migrations: directory.migrations.slice(0, 1) });
      expect(diagnosis.editedMigrationNames).toEqual([BASELINE]);
    } finally {
      ws.write(edited, original);
    }
  }, 60_000);
});
