import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import migrateLintExecutor from '../executors/migrate-lint/executor';
import migrateValidateExecutor from '../executors/migrate-validate/executor';
import { addColumnGenerator } from '../generators/add-column/generator';
import { addIndexGenerator } from '../generators/add-index/generator';
import { capturedOutput } from '../testing/captured-output';
import { useEmbeddedPostgres } from '../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { createSampleTree, SAMPLE_MIGRATIONS } from '../testing/sample-tree';
import { diskView } from '../workspace/file-view';
import { readSchemaFiles } from '../workspace/prisma-project';
import { runChecklist } from './checklist/run-checklist';
import { migrate } from './migrate';
import { migrationStatus } from './status';

// An adopted project: two migrations `prisma migrate dev` wrote (no down.sql, Prisma's plain
// CREATE INDEX), then the first change the tool generated. The history ran long ago: validate
// starts from it, lint leaves it alone, and an allowance for it never edits its migration.sql.
const pg = useEmbeddedPostgres();
const HISTORY_INDEX = '20250102000000_audit_action_index';
const PRISMA_INDEX_SQL = '-- CreateIndex\nCREATE INDEX "idx_AuditLog_action" ON "AuditLog"("action");\n';
let ws: DiskWorkspace;
let generated: string;
const saved = process.env.DATABASE_URL;

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  const tree = createSampleTree();
  await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action', migrationName: 'audit_action_index' });
  await addColumnGenerator(tree, { targetTable: 'User', name: 'nickname', type: 'String', optional: true, migrationName: 'user_nickname' });
  ws = writeDiskWorkspace(tree, 'forge-history-');
  // What `prisma migrate dev` would have left: no down.sql anywhere, its own SQL for the index.
  rmSync(join(ws.root, SAMPLE_MIGRATIONS, BASELINE, 'down.sql'));
  const written = ws.directory().migrations.find((m) => m.name.endsWith('_audit_action_index'))!.name;
  rmSync(join(ws.root, SAMPLE_MIGRATIONS, written), { recursive: true });
  mkdirSync(join(ws.root, SAMPLE_MIGRATIONS, HISTORY_INDEX));
  ws.write(`${SAMPLE_MIGRATIONS}/${HISTORY_INDEX}/migration.sql`, PRISMA_INDEX_SQL);
  generated = ws.directory().migrations.at(-1)!.name;
}, 120_000);
afterAll(() => {
  ws?.remove();
  if (saved !== undefined) process.env.DATABASE_URL = saved;
});

const plain = (text: string) => text.replace(/\x1b\[[\d;]*m/g, '');
/** The test server as the shadow, named by variable: a URL with a password is refused on a command line. */
function shadowServer() {
  process.env.FORGE_TEST_SHADOW_URL = pg.serverUrl;
  return { shadowDatabaseUrlEnv: 'FORGE_TEST_SHADOW_URL' };
}

describe('history the tool did not write', () => {
  it('migrate-validate applies it as the starting state and proves only what follows the adoption point', async () => {
    expect(ws.directory().migrations.map((m) => [m.name, m.downSql !== null])).toEqual([
      [BASELINE, false],
      [HISTORY_INDEX, false],
      [generated, true],
    ]);
    const { result, output } = await capturedOutput(() => migrateValidateExecutor(shadowServer(), ws.executorContext()));
    expect(plain(output)).toContain(`2 migration(s) written before the adoption point (${BASELINE} … ${HISTORY_INDEX}, no down.sql) are history: applied as they are, never rolled back or linted.`);
    expect(plain(output)).toContain(`Proving 1 migration(s): ${generated}`);
    expect(plain(output)).toMatch(new RegExp(`✓ ${generated}`));
    expect(result).toEqual({ success: true });

    // The checklist agrees: the proof covers every pending migration that is not history.
    const url = await pg.freshDatabase();
    const target = ws.target(url);
    const checklist = await runChecklist({ projectName: 'prisma', workspaceRoot: ws.root, layout: ws.layout, directory: target.directory, url, dataMigrations: target.dataMigrations, phase: 'before' });
    expect(checklist.items.find((i) => i.id === 'rollback-tested')).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/for the 1 pending migration\(s\); migration.sql and down.sql checksums match$/),
    });
  }, 120_000);

  it('a pending migration after the adoption point without down.sql fails validate, naming the file to write, and is not run', async () => {
    const hand = '20991231000000_hand_written';
    mkdirSync(join(ws.root, SAMPLE_MIGRATIONS, hand));
    ws.write(`${SAMPLE_MIGRATIONS}/${hand}/migration.sql`, 'ALTER TABLE "User" ADD COLUMN "extra" TEXT;\n');
    try {
      const { result, output } = await capturedOutput(() => migrateValidateExecutor(shadowServer(), ws.executorContext()));
      expect(result).toEqual({ success: false });
      expect(plain(output)).toContain(`✗ ${hand}: has no down.sql, so it cannot be rolled back. Write its reverse in ${hand}/down.sql`);
      expect(plain(output)).not.toContain('migrate-down again');
    } finally {
      rmSync(join(ws.root, SAMPLE_MIGRATIONS, hand), { recursive: true });
    }
  }, 120_000);

  it('migrate-lint checks what follows the adoption point; the history only when named, with allowances kept beside migration.sql', async () => {
    const all = await capturedOutput(() => migrateLintExecutor({ format: 'json' }, ws.executorContext()));
    expect(all.result).toEqual({ success: true });
    expect(JSON.parse(all.output)).toMatchObject({ migrations: [generated], errors: 0 });

    const named = await capturedOutput(() => migrateLintExecutor({ migration: HISTORY_INDEX, format: 'json' }, ws.executorContext()));
    expect(named.result).toEqual({ success: false });
    const findings = JSON.parse(named.output).findings.map((f: { script: string; line: number; rule: string }) => `${f.script}:${f.line} ${f.rule}`);
    expect(findings).toEqual(['migration.sql:2 require-lock-timeout', 'migration.sql:2 require-concurrent-index-creation']);

    const allowances = `${SAMPLE_MIGRATIONS}/${HISTORY_INDEX}/lint-allowances.txt`;
    ws.write(allowances, '# migration.sql stays as it was applied\nmigration.sql:2 allow require-concurrent-index-creation, require-lock-timeout -- AuditLog was empty when this ran\n');
    const allowed = await capturedOutput(() => migrateLintExecutor({ migration: HISTORY_INDEX, format: 'json' }, ws.executorContext()));
    expect(JSON.parse(allowed.output)).toMatchObject({ errors: 0, warnings: 0 });
    expect(allowed.result).toEqual({ success: true });

    ws.write(allowances, 'migration.sql:3 allow require-lock-timeout -- wrong line\nmigration.sql allow require-concurrent-index-creation\n');
    const bad = await capturedOutput(() => migrateLintExecutor({ migration: HISTORY_INDEX, format: 'json' }, ws.executorContext()));
    const messages = JSON.parse(bad.output).findings.filter((f: { rule: string }) => f.rule === 'invalid-suppression').map((f: { message: string }) => f.message);
    expect(messages).toEqual([
      'lint-allowances.txt line 2 gives no reason for allowing require-concurrent-index-creation.',
      'lint-allowances.txt line 1 names migration.sql:3, where no statement starts.',
    ]);
    rmSync(join(ws.root, allowances));
  }, 60_000);

  it('migrate-status does not take an allowance for an edit: migration.sql keeps the checksum Prisma recorded', async () => {
    const url = await pg.freshDatabase();
    expect((await migrate(ws.target(url))).error).toBeUndefined();
    const allowances = `${SAMPLE_MIGRATIONS}/${HISTORY_INDEX}/lint-allowances.txt`;
    ws.write(allowances, 'migration.sql:2 allow require-concurrent-index-creation -- AuditLog was empty when this ran\n');
    try {
      const status = await migrationStatus(ws.target(url), readSchemaFiles(diskView(ws.root), ws.layout));
      expect(status.rows.map((r) => r.state)).toEqual(['applied', 'applied', 'applied']);
      expect(status.unhealthy).toBe(false);
    } finally {
      rmSync(join(ws.root, allowances));
    }
  }, 60_000);
});
