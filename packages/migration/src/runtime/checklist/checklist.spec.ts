import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationFolder } from '../../engine/migrations';
import { modifyColumnGenerator } from '../../generators/modify-column/generator';
import { removeColumnGenerator } from '../../generators/remove-column/generator';
import { removeTableGenerator } from '../../generators/remove-table/generator';
import { withCoupon } from '../../testing/coupon-schema';
import { writeDiskWorkspace, type DiskWorkspace } from '../../testing/disk-workspace';
import { extendSampleBaseline } from '../../testing/extend-baseline';
import { BASELINE, migrationFolder } from '../../testing/migrations';
import { createSampleTree, SAMPLE_MIGRATIONS } from '../../testing/sample-tree';
import { noDataMigrations } from '../project-target';
import { checkBackup } from './backup';
import { checkCommitted } from './committed';
import { destructiveStatements } from './destructive';
import { checkHealth } from './health-check';
import { checkMonitoring } from './monitoring';
import type { ChecklistInput, ChecklistState } from './types';

/** Every migration after the baseline pending; no database needed by the items tested here. */
function stateOf(ws: DiskWorkspace, input: Partial<ChecklistInput> = {}, extra: MigrationFolder[] = []): ChecklistState {
  const directory = ws.directory();
  directory.migrations.push(...extra);
  return {
    input: { projectName: 'prisma', workspaceRoot: ws.root, layout: ws.layout, directory, url: 'postgresql://unused@localhost/none', dataMigrations: noDataMigrations, ...input },
    now: new Date(),
    pending: directory.migrations.filter((m) => m.name !== BASELINE),
    applied: [],
    recent: [],
  };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });

describe('checklist: schema changes reviewed (committed)', () => {
  it('passes when the schema, migrations and data migrations are committed; fails on an uncommitted or untracked change, and outside a git repository', async () => {
    const tree = createSampleTree();
    await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true });
    const ws = writeDiskWorkspace(tree);
    try {
      const outside = checkCommitted(stateOf(ws));
      expect(outside).toMatchObject({ id: 'committed', phase: 'before', status: 'fail', required: true });
      expect(outside.detail).toMatch(/is not a git repository.*Commit them in a repository/);

      git(ws.root, 'init', '-q', '-b', 'main');
      git(ws.root, 'add', '.');
      git(ws.root, 'commit', '-q', '-m', 'remove User.name');
      const clean = checkCommitted(stateOf(ws));
      expect(clean.status).toBe('pass');
      expect(clean.detail).toMatch(/^no uncommitted change under packages\/prisma\/prisma, packages\/prisma\/prisma\/migrations, packages\/prisma\/src\/migrations, packages\/prisma\/prisma.config.ts \(HEAD [0-9a-f]+\)$/);

      const [folder] = ws.directory().migrations.filter((m) => m.name !== BASELINE);
      ws.write(`${SAMPLE_MIGRATIONS}/${folder.name}/down.sql`, `${folder.downSql}\n-- edited after review\n`);
      ws.write('packages/prisma/src/migrations/extra.ts', 'export {};\n');
      ws.write('packages/prisma/README.md', 'not part of the schema change\n');
      const dirty = checkCommitted(stateOf(ws));
      expect(dirty.status).toBe('fail');
      expect(dirty.detail.split('\n')).toEqual([
        expect.stringMatching(/^2 uncommitted change\(s\) under /),
        `   M ${SAMPLE_MIGRATIONS}/${folder.name}/down.sql`,
        '  ?? packages/prisma/src/migrations/extra.ts',
        'Commit them (after review) before migrating.',
      ]);
    } finally {
      ws.remove();
    }
  });
});

describe('checklist: backup', () => {
  let ws: DiskWorkspace;
  let evidenceDir: string;
  beforeAll(async () => {
    // remove-column, remove-table and modify-column as the generators write them.
    const tree = createSampleTree();
    await extendSampleBaseline(tree, withCoupon);
    await removeColumnGenerator(tree, { targetTable: 'User', column: 'name', confirmDataLoss: true });
    await removeTableGenerator(tree, { targetTable: 'Coupon', confirmDataLoss: true });
    await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'note', type: 'Int', cast: 'trim("note")::integer', confirmDataLoss: true });
    ws = writeDiskWorkspace(tree);
    evidenceDir = mkdtempSync(join(tmpdir(), 'forge-evidence-'));
  });
  afterAll(() => {
    ws.remove();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  it("finds every statement of our recipes that drops data, and where the data is kept", async () => {
    const state = stateOf(ws);
    const found = await destructiveStatements(state.pending, state.input.directory.migrations);
    expect(found.map((d) => [d.action, d.keptIn?.replace(/\d{14}/, 'STAMP')])).toEqual([
      ['ALTER TABLE "User" DROP COLUMN "name"', '_forge_backup.User__name__STAMP'],
      [expect.stringMatching(/^moves "Coupon__removed__\d{14}" to _forge_backup$/), expect.stringMatching(/^_forge_backup\.Coupon__removed__STAMP$/)],
      [expect.stringMatching(/^moves "_CouponToTag__removed__\d{14}" to _forge_backup$/), expect.stringMatching(/^_forge_backup\._CouponToTag__removed__STAMP$/)],
      ['ALTER TABLE "Order" DROP COLUMN "note"', '_forge_backup.Order__note__STAMP'],
    ]);
  });

  it('passes with the data kept in _forge_backup and a backup command that exits 0; fails when the command fails or none is given', async () => {
    const ok = await checkBackup(stateOf(ws, { backupCommand: 'node -e "console.log(\'dumped\')"' }));
    expect(ok).toMatchObject({ id: 'backup', status: 'pass', required: true });
    expect(ok.detail).toMatch(/✓ \d{14}_remove_column_user_name line \d+: ALTER TABLE "User" DROP COLUMN "name" — kept in _forge_backup\.User__name__\d{14}/);
    expect(ok.detail).toMatch(/✓ backup command `node -e .*` exited 0 in/);

    const failing = await checkBackup(stateOf(ws, { backupCommand: 'echo "pg_dump: connection refused" >&2; exit 3' }));
    expect(failing.status).toBe('fail');
    expect(failing.detail).toMatch(/✗ backup command `echo .*` exited 3 in \d+ ms:\n\s+pg_dump: connection refused/);

    const none = await checkBackup(stateOf(ws));
    expect(none.status).toBe('fail');
    expect(none.detail).toMatch(/✗ a pending migration drops data: give --backupCommand "<command>" .* or --backupEvidence <file>/);
  });

  it('accepts recent backup evidence, refuses a stale or missing file', async () => {
    const evidence = join(evidenceDir, 'last-backup.txt');
    writeFileSync(evidence, 'backup 42 done\n');
    expect((await checkBackup(stateOf(ws, { backupEvidence: evidence }))).status).toBe('pass');
    const old = new Date(Date.now() - 30 * 3_600_000);
    utimesSync(evidence, old, old);
    const stale = await checkBackup(stateOf(ws, { backupEvidence: evidence }));
    expect(stale.status).toBe('fail');
    expect(stale.detail).toMatch(/backup evidence .*last-backup.txt is 1 d 6 h old, older than 1 d: take a new backup/);
    expect((await checkBackup(stateOf(ws, { backupEvidence: evidence, backupEvidenceMaxAgeMs: 48 * 3_600_000 }))).status).toBe('pass');
    expect((await checkBackup(stateOf(ws, { backupEvidence: join(evidenceDir, 'missing') }))).detail).toMatch(/missing does not exist/);
  });

  it("fails on a hand-written DROP that keeps nothing, naming it, and does not run the backup command", async () => {
    const marker = join(evidenceDir, 'ran');
    const naive = migrationFolder('29990101000000_drop_role', 'ALTER TABLE "User" DROP COLUMN "role";\nDROP TABLE "AuditLog";\n', null);
    const item = await checkBackup(stateOf(ws, { backupCommand: `touch ${marker}` }, [naive]));
    expect(item.status).toBe('fail');
    expect(item.detail).toContain('✗ 29990101000000_drop_role line 1: ALTER TABLE "User" DROP COLUMN "role" — not copied to _forge_backup first: its data would be lost');
    expect(item.detail).toContain('✗ 29990101000000_drop_role line 2: DROP TABLE "AuditLog" — not copied to _forge_backup first');
    expect(item.detail).toContain('The backup command was not run: fix the above first.');
    expect(() => execFileSync('test', ['-e', marker])).toThrow();

    // Copied into _forge_backup first (by hand): kept.
    const copied = migrationFolder(
      '29990101000000_drop_role',
      'CREATE TABLE "_forge_backup"."User__role__manual" AS SELECT "id", "role" FROM "User";\nALTER TABLE "User" DROP COLUMN "role";\n',
      null,
    );
    expect((await checkBackup(stateOf(ws, { backupCommand: 'true' }, [copied]))).status).toBe('pass');
  });

  it('is not needed when no pending migration drops data', async () => {
    const add = migrationFolder('29990101000000_add_nickname', 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n', 'ALTER TABLE "User" DROP COLUMN "nickname";\n');
    const state = stateOf(ws, {}, [add]);
    state.pending = [add];
    expect(await checkBackup(state)).toMatchObject({ status: 'pass', detail: 'not needed: no pending migration drops data (1 analysed)' });
  });
});

describe('checklist: health check and monitoring', () => {
  const ws = { root: tmpdir() } as DiskWorkspace;
  const state = (healthCheck?: string) =>
    ({ input: { workspaceRoot: ws.root, url: 'postgresql://u:secret-pw@localhost/db', healthCheck }, pending: [] }) as unknown as ChecklistState;

  it('runs the health check: exit 0 passes, anything else fails with its output (secrets masked); not given → skipped, not required', async () => {
    expect(await checkHealth(state('exit 0'))).toMatchObject({ id: 'health-check', phase: 'after', status: 'pass', required: true });
    const failed = await checkHealth(state('echo "GET /health 503 via postgresql://u:secret-pw@localhost/db"; exit 1'));
    expect(failed).toMatchObject({ status: 'fail', required: true });
    expect(failed.detail).toMatch(/exited 1 in \d+ ms:\n\s+GET \/health 503 via postgresql:\/\/u:\*\*\*\*@localhost\/db/);
    expect(await checkHealth(state())).toMatchObject({ status: 'skip', required: false });
  });

  it('monitoring is a manual item saying what to watch', () => {
    const item = checkMonitoring(state());
    expect(item).toMatchObject({ id: 'monitoring', status: 'manual', required: false });
    expect(item.detail).toMatch(/wait_event_type = 'Lock'/);
    expect(item.detail).toMatch(/pg_stat_replication/);
    expect(item.detail).toMatch(/error rate/);
  });
});
