import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import migrateChecklistExecutor from '../../executors/migrate-checklist/executor';
import { removeColumnGenerator } from '../../generators/remove-column/generator';
import { databaseUrlVariable, query, useEmbeddedPostgres } from '../../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../../testing/disk-workspace';
import { BASELINE, migrationFolder } from '../../testing/migrations';
import { printedBy } from '../../testing/printed';
import { seedSampleData } from '../../testing/sample-data';
import { createSampleTree, SAMPLE_MIGRATIONS } from '../../testing/sample-tree';
import { diskView } from '../../workspace/file-view';
import { readSchemaFiles } from '../../workspace/prisma-project';
import { migrate } from '../migrate';
import { validateMigrations } from '../validate/validate';
import { validationRecordPath, writeValidationRecord } from '../validate/validation-record';
import { runChecklist, type ChecklistReport } from './run-checklist';
import type { ChecklistInput } from './types';

const pg = useEmbeddedPostgres();

const itemOf = (report: ChecklistReport, id: string) => report.items.find((i) => i.id === id)!;
const statuses = (report: ChecklistReport) => Object.fromEntries(report.items.map((i) => [i.id, i.status]));

/** A `prisma` project with remove-column User.name generated and committed, and a database at its baseline. */
let ws: DiskWorkspace;
let removal: string;
beforeAll(async () => {
  const tree = createSampleTree();
  await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true });
  ws = writeDiskWorkspace(tree);
  removal = ws.directory().migrations.at(-1)!.name;
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '.'], ['commit', '-q', '-m', 'remove User.name']]) execFileSync('git', args, { cwd: ws.root, env });
});
afterAll(() => ws?.remove());

async function databaseAtBaseline(users: number): Promise<string> {
  const url = await pg.freshDatabase();
  const result = await migrate(ws.target(url), { to: BASELINE });
  if (result.error) throw result.error;
  await seedSampleData(url, { users, orders: 10, auditLogs: 10 });
  return url;
}

function input(url: string, extra: Partial<ChecklistInput> = {}): ChecklistInput {
  const target = ws.target(url);
  return { projectName: 'prisma', workspaceRoot: ws.root, layout: ws.layout, directory: target.directory, url, dataMigrations: target.dataMigrations, ...extra };
}

/** What `nx run prisma:migrate-validate` does, for real: prove the pending migrations on a throwaway database, record it. */
async function validatePending(): Promise<void> {
  const directory = ws.directory();
  const pending = directory.migrations.map((m) => m.name).filter((n) => n !== BASELINE);
  const report = await validateMigrations(ws.target(await pg.freshDatabase()), pending, readSchemaFiles(diskView(ws.root), ws.layout));
  expect(report.ok).toBe(true);
  writeValidationRecord(validationRecordPath(ws.root, 'prisma'), 'prisma', directory, report);
}

describe('migrate-checklist before the deploy', () => {
  it('rollback tested: fails without a validation record, passes for exactly the validated files, fails naming a file edited since', async () => {
    const url = await databaseAtBaseline(100);
    const before = async () => itemOf(await runChecklist(input(url, { phase: 'before' })), 'rollback-tested');
    expect(await before()).toMatchObject({ status: 'fail', required: true, detail: expect.stringMatching(/^no validation record \(\.forge\/validation\/prisma\.json\): migrate-validate never ran here\. Run nx run prisma:migrate-validate\.$/) });

    await validatePending();
    expect(await before()).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^migrate-validate passed at .* for the 2 pending migration\(s\); migration.sql and down.sql checksums match$/) });

    const down = `${SAMPLE_MIGRATIONS}/${removal}/down.sql`;
    const original = readFileSync(join(ws.root, down), 'utf8');
    ws.write(down, original.replace('SET LOCAL lock_timeout', '-- tweaked after validation\nSET LOCAL lock_timeout'));
    try {
      expect(await before()).toMatchObject({ status: 'fail', detail: `${down} changed after validation. Run nx run prisma:migrate-validate.` });
    } finally {
      ws.write(down, original);
    }
    const up = `${SAMPLE_MIGRATIONS}/${removal}/migration.sql`;
    const sql = readFileSync(join(ws.root, up), 'utf8');
    ws.write(up, `${sql}\n-- one more line\n`);
    try {
      expect((await before()).detail).toBe(`${up} changed after validation. Run nx run prisma:migrate-validate.`);
    } finally {
      ws.write(up, sql);
    }
    expect((await before()).status).toBe('pass');

    // A migration generated after the validation is not covered by it.
    const directory = ws.directory();
    directory.migrations.push(migrationFolder('29990101000000_add_nickname', 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n', 'ALTER TABLE "User" DROP COLUMN "nickname";\n'));
    const later = itemOf(await runChecklist(input(url, { phase: 'before', directory })), 'rollback-tested');
    expect(later).toMatchObject({ status: 'fail', detail: '29990101000000_add_nickname was not validated. Run nx run prisma:migrate-validate.' });
  });

  it('maintenance window: an online recipe needs none on a 50K-row table; a migration that blocks writes while it builds asks for one, acknowledged by --window', async () => {
    const big = await databaseAtBaseline(50_000);
    const window = async (url: string, extra: Partial<ChecklistInput> = {}) => itemOf(await runChecklist(input(url, { phase: 'before', ...extra })), 'maintenance-window');
    // remove-column: a batched backup, then a DROP COLUMN that touches the catalog only.
    expect(await window(big)).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/^not needed: tables touched: "User" ~50,000 rows \(\d+\.\d MB \+ \d+\.\d MB indexes\); impact row 10K – 100K rows → online migration, expected lock brief: catalog changes only \(User: 50,000 rows; writes go on/),
    });
    // The same database with a hand-written plain CREATE INDEX pending after it: writes wait for the build.
    const directory = ws.directory();
    directory.migrations.push(migrationFolder('29990101000000_index_name', 'CREATE INDEX "User_name_idx" ON "User"("name");\n', 'DROP INDEX "User_name_idx";\n'));
    const refused = await window(big, { directory });
    expect(refused).toMatchObject({ status: 'fail', required: true });
    expect(refused.detail).toMatch(
      /^tables touched: "User" ~50,000 rows .*; impact row 10K – 100K rows → migration window, expected lock 1–10 s \(User: 50,000 rows; blocks writes: SHARE on User during the scan \+ index build of User\)\. Announce a migration window for the run, then pass --window to acknowledge it\.$/,
    );
    expect(await window(big, { directory, window: true })).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^acknowledged \(--window\): tables touched: "User" ~50,000 rows/) });
    const small = await window(await databaseAtBaseline(100), { directory });
    expect(small).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^not needed: tables touched: "User" ~100 rows .*impact row < 10K rows → direct migration, expected lock < 1 s/) });
  });

  it('the executor prints ✓ / ✗ / manual / – per item and exits non-zero when a required item fails; --format json', async () => {
    const url = await databaseAtBaseline(100);
    if (!(await runChecklist(input(url, { phase: 'before' }))).items.some((i) => i.id === 'rollback-tested' && i.status === 'pass')) await validatePending();

    const text = await printedBy(() => migrateChecklistExecutor({ ...databaseUrlVariable(url) }, ws.executorContext()));
    expect(text.result).toEqual({ success: false });
    expect(text.printed).toMatch(/Deploy checklist of prisma: 2 migration\(s\) pending, 1 applied in the last 24 h\./);
    expect(text.printed).toMatch(/✓ Schema changes reviewed \(committed\): no uncommitted change/);
    expect(text.printed).toMatch(/✓ Rollback tested .*: migrate-validate passed/);
    expect(text.printed).toMatch(/✗ Backup .*\n\s+✓ \d{14}_remove_column_user_name line \d+: ALTER TABLE "User" DROP COLUMN "name" — kept in _forge_backup\.User__name__\d{14}\n\s+✗ a pending migration drops data: give --backupCommand/);
    expect(text.printed).toMatch(/✓ Maintenance window .*: not needed/);
    expect(text.printed).toMatch(/manual Monitoring during and after the run\n\s+While the 2 pending migration\(s\) run, watch:\n\s+• lock waits/);
    expect(text.printed).toMatch(/– Data migrations' validate\(\) .*: after migrate: 2 migration\(s\) pending/);
    expect(text.printed).toMatch(/✗ 1 required item\(s\) failed: backup\./);
    expect(text.printed).not.toMatch(/postgres:[^*@\s]+@/);

    const json = await printedBy(() => migrateChecklistExecutor({ ...databaseUrlVariable(url), format: 'json', backupCommand: 'exit 0' }, ws.executorContext()));
    expect(json.result).toEqual({ success: true });
    const report = JSON.parse(json.logged) as ChecklistReport;
    expect(report).toMatchObject({ project: 'prisma', phase: 'both', pending: [expect.stringMatching(/_backup$/), removal], ok: true });
    expect(statuses(report)).toEqual({
      committed: 'pass',
      'rollback-tested': 'pass',
      backup: 'pass',
      'maintenance-window': 'pass',
      monitoring: 'manual',
      'data-validated': 'skip',
      'health-check': 'skip',
      'rollback-ready': 'skip',
    });
    const bad = await printedBy(() => migrateChecklistExecutor({ ...databaseUrlVariable(url), phase: 'during' as never }, ws.executorContext()));
    expect(bad.result).toEqual({ success: false });
    expect(bad.printed).toContain('--phase must be one of before, after, both (got "during").');
  });
});

describe('migrate-checklist after the deploy', () => {
  it('data migrations validate and the rollback is ready for 24 hours; each fails when broken; --phase after fails while migrations are pending', async () => {
    const url = await databaseAtBaseline(300);
    const pendingAfter = await runChecklist(input(url, { phase: 'after' }));
    expect(pendingAfter.ok).toBe(false);
    expect(itemOf(pendingAfter, 'rollback-ready')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^2 migration\(s\) pending .*: run migrate first$/) });

    const deployed = await migrate(ws.target(url));
    expect(deployed.error).toBeUndefined();
    const after = (extra: Partial<ChecklistInput> = {}) => runChecklist(input(url, { phase: 'after', ...extra }));
    const good = await after({ healthCheck: 'exit 0' });
    expect(statuses(good)).toEqual({ 'data-validated': 'pass', 'health-check': 'pass', 'rollback-ready': 'pass' });
    expect(itemOf(good, 'data-validated').detail).toMatch(/^✓ \d{14}_remove_column_user_name_backup: validate\(\) returned true$/);
    expect(itemOf(good, 'rollback-ready').detail.split('\n')).toEqual([
      `✓ ${BASELINE}: its rollback needs no backup`,
      expect.stringMatching(/^✓ \d{14}_remove_column_user_name_backup: _forge_backup\.User__name__\d{14} present; migrate-prune keeps it until at least \d{4}-/),
      expect.stringMatching(new RegExp(`^✓ ${removal}: _forge_backup\\.User__name__\\d{14} present; migrate-prune keeps it until at least `)),
    ]);
    expect(good.ok).toBe(true);

    // Pruning with a retention shorter than the 24 hours would break the rollback before its time.
    const short = itemOf(await after({ retentionMs: 3_600_000 }), 'rollback-ready');
    expect(short.status).toBe('fail');
    expect(short.detail).toMatch(new RegExp(`✗ ${removal}: migrate-prune --retention 1 h would drop _forge_backup\\.User__name__\\d{14} before .* \\(24 h after it was applied\\); its rollback needs it`));

    // The backup dropped by hand: validate() of the backup step is false, and the rollback is no longer ready.
    const [{ table }] = await query<{ table: string }>(url, `SELECT relname AS table FROM pg_class WHERE relnamespace = '_forge_backup'::regnamespace AND relkind = 'r'`);
    await query(url, `DROP TABLE "_forge_backup"."${table}"`);
    const broken = await after();
    expect(broken.ok).toBe(false);
    expect(itemOf(broken, 'data-validated')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/_backup: validate\(\) returned false — the data is not as the migration promised$/) });
    expect(itemOf(broken, 'rollback-ready').detail).toContain(`✗ ${removal}: its rollback restores from _forge_backup.${table}, which is gone`);
    expect(itemOf(broken, 'health-check')).toMatchObject({ status: 'skip', required: false });
  });
});
