import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { addIndexGenerator } from '../../generators/add-index/generator';
import { sampleExecutorContext } from '../../testing/disk-workspace';
import { createSampleTree, SAMPLE_MIGRATIONS, SAMPLE_PROJECT_DIR, SAMPLE_ROOT, snapshotTree } from '../../testing/sample-tree';
import migrateLintExecutor from './executor';

/** A workspace directory holding the sample project, as `nx run prisma:migrate-lint` sees it. */
let root: string;
const context = (): ExecutorContext => sampleExecutorContext(root);

function writeFolder(name: string, up: string, down?: string): void {
  const dir = join(root, SAMPLE_MIGRATIONS, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), up);
  if (down !== undefined) writeFileSync(join(dir, 'down.sql'), down);
}

/** Runs the executor; returns its result and everything it printed. */
async function run(options: Parameters<typeof migrateLintExecutor>[0]) {
  const printed: string[] = [];
  const capture = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  const spies = (['info', 'log', 'error', 'warn'] as const).map((method) => jest.spyOn(console, method).mockImplementation(capture));
  try {
    const result = await migrateLintExecutor(options, context());
    return { ...result, output: printed.join('\n') };
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'forge-lint-'));
  cpSync(SAMPLE_PROJECT_DIR, join(root, SAMPLE_ROOT), { recursive: true, filter: (src) => !src.includes('node_modules') });
  // One generated change (an index, built CONCURRENTLY) …
  const tree = createSampleTree();
  await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action', migrationName: 'audit_action' });
  for (const [path, content] of snapshotTree(tree)) {
    if (path.startsWith(`${SAMPLE_MIGRATIONS}/`) && path.includes('_audit_action/')) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
  // … and one written by hand, as Prisma would.
  writeFolder('20991231000000_hand_written', '-- CreateIndex\nCREATE INDEX "AuditLog_userId_idx" ON "AuditLog"("userId");\n', 'DROP INDEX CONCURRENTLY "AuditLog_userId_idx";\n');
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('migrate-lint executor', () => {
  it('lints every folder, hand-written ones too: a table, the fixes, a summary, and failure on errors', async () => {
    const { success, output } = await run({});
    expect(success).toBe(false);
    expect(output).toMatch(/#\s+migration\s+line\s+rule\s+severity\s+message/);
    expect(output).toMatch(/20991231000000_hand_written\s+migration\.sql:2\s+require-concurrent-index-creation\s+error\s+CREATE INDEX "AuditLog_userId_idx" takes a SHARE lock/);
    expect(output).toMatch(/Fix: CREATE INDEX CONCURRENTLY IF NOT EXISTS "AuditLog_userId_idx"/);
    expect(output).not.toMatch(/20250101000000_baseline/);
    expect(output).not.toMatch(/_audit_action\s/);
    expect(output).toMatch(/3 migrations linted \(migration\.sql and down\.sql, \d+ rules\): 2 errors, 0 warnings\./);
  });

  it('lints only the folders named by --migration (with or without the timestamp), the others being history', async () => {
    const { success, output } = await run({ migration: 'audit_action' });
    expect(success).toBe(true);
    expect(output).toMatch(/^1 migration linted .*: 0 errors, 0 warnings\./m);
  });

  it('prints JSON for machines with --format json', async () => {
    const { success, output } = await run({ migration: ['20991231000000_hand_written'], format: 'json' });
    expect(success).toBe(false);
    const report = JSON.parse(output);
    expect(report).toMatchObject({ project: 'prisma', migrations: ['20991231000000_hand_written'], errors: 2, warnings: 0 });
    expect(report.findings.map((f: { script: string; line: number; rule: string }) => `${f.script}:${f.line} ${f.rule}`)).toEqual([
      'migration.sql:2 require-lock-timeout',
      'migration.sql:2 require-concurrent-index-creation',
    ]);
    expect(report.findings[0]).toEqual(expect.objectContaining({ migration: '20991231000000_hand_written', severity: 'error', statement: expect.any(String), fix: expect.any(String) }));
  });

  it('fails on warnings beyond --maxWarnings', async () => {
    writeFolder('20991231000001_unique', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Tenant_name_key" ON "Tenant"("name");\n', 'DROP INDEX CONCURRENTLY IF EXISTS "Tenant_name_key";\n');
    try {
      expect((await run({ migration: 'unique' })).success).toBe(true);
      const { success, output } = await run({ migration: 'unique', maxWarnings: 0 });
      expect(success).toBe(false);
      expect(output).toMatch(/unique-index-on-existing-data\s+warning/);
    } finally {
      rmSync(join(root, SAMPLE_MIGRATIONS, '20991231000001_unique'), { recursive: true });
    }
  });

  it('names an unknown --migration and the folders it may have meant', async () => {
    const { success, output } = await run({ migration: 'audit' });
    expect(success).toBe(false);
    expect(output).toMatch(/No migration folder audit in packages\/prisma\/prisma\/migrations\. Did you mean \d{14}_audit_action\?/);
  });

  it('lists the rules with their peers', async () => {
    const { success, output } = await run({ listRules: true });
    expect(success).toBe(true);
    expect(output).toMatch(/require-concurrent-index-creation\s+error\s+Build indexes on existing tables CONCURRENTLY\.\s+require-concurrent-index-creation/);
  });
});
