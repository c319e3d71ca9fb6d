import { logger, type Tree } from '@nx/devkit';
import { analyzeMigrationFolders } from '../analysis/change-folders';
import { rowsStats } from '../analysis/stats-source';
import { addIndexGenerator } from '../generators/add-index/generator';
import { analyzeChange } from '../analysis/analyze';
import { schemaFactsFromSql } from '../analysis/schema-facts';
import { removeColumnGenerator } from '../generators/remove-column/generator';
import { removeRelationGenerator } from '../generators/remove-relation/generator';
import { BASELINE } from '../testing/migrations';
import { SAMPLE_MIGRATIONS, SAMPLE_ROOT, createSampleTree, newMigrationFolders, snapshotTree } from '../testing/sample-tree';
import { treeView } from '../workspace/file-view';
import { renderReport } from './write-report';

function report(tree: Tree, folder: string): string {
  return tree.read(`${SAMPLE_MIGRATIONS}/${folder}/report.md`, 'utf-8') ?? '';
}

/** The markdown section that starts with `## {title}`. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const next = markdown.indexOf('\n## ', start + 4);
  return markdown.slice(start, next < 0 ? undefined : next);
}

/** Runs a generator and returns what it printed and warned. */
async function printed(run: () => Promise<void>): Promise<{ info: string; warn: string }> {
  const info: string[] = [];
  const warn: string[] = [];
  const spies = [
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void info.push(String(m))),
    jest.spyOn(logger, 'warn').mockImplementation((m: unknown) => void warn.push(String(m))),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return { info: info.join('\n'), warn: warn.join('\n') };
}

describe('report.md beside each generated migration', () => {
  let tree: Tree;
  const savedUrl = process.env.DATABASE_URL;
  beforeEach(() => {
    tree = createSampleTree();
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
  });

  describe('add-index with --rows 2M', () => {
    let markdown: string;
    let folder: string;
    beforeEach(async () => {
      await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId,createdAt', rows: '2M' });
      [folder] = newMigrationFolders(tree);
      markdown = report(tree, folder);
    });

    it('has every section, in order', () => {
      const titles = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(titles).toEqual(['Rolling deploy', 'Schema', 'What runs', 'Data dependencies', 'Rollback plan', 'Impact', 'Checklist']);
      expect(markdown).toMatch(new RegExp(`^# ${folder}\\n`));
      expect(markdown).toContain('Table sizes: --rows 2,000,000');
      // An index build changes nothing the previous application version reads or writes.
      expect(markdown).toMatch(/## Rolling deploy\n\n\*\*Phase: expand: the previous application version keeps working after it/);
      expect(markdown).toMatch(/calibrated by `node bench\/calibrate\.mjs` on the embedded PostgreSQL 15.*they hold for a similar machine/);
    });

    it('shows the model BEFORE and AFTER', () => {
      const schema = section(markdown, 'Schema');
      expect(schema).toContain('### model AuditLog');
      expect(schema).toMatch(/BEFORE\n\n```prisma\n[^`]*model AuditLog \{[^`]*createdAt DateTime @default\(now\(\)\)\n\}\n```/);
      expect(schema).toMatch(/AFTER\n\n```prisma\n[^`]*@@index\(\[tenantId, createdAt\], map: "idx_AuditLog_tenantId_createdAt"\)\n\}\n```/);
    });

    it('lists the statement with its lock, what it blocks, its scans and its estimate', () => {
      const runs = section(markdown, 'What runs');
      expect(runs).toMatch(
        /\| 1 \| \d+ \| `CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_AuditLog_tenantId_createdAt" ON "AuditLog"` \| SHARE UPDATE EXCLUSIVE on "AuditLog" \| — \| 2 scans \+ index build of AuditLog \(2,000,000 rows\) \| no \(alone in its migration\) \| ~\d+(\.\d)? s \|/,
      );
      expect(runs).toMatch(/\*\*Estimated duration: ~\d+(\.\d)? s\.\*\* Nothing blocks the application/);
    });

    it('says the dependencies are unknown without a database', () => {
      expect(section(markdown, 'Data dependencies')).toMatch(/Not checked: table sizes came from --rows.*depend on AuditLog are \*\*unknown\*\*.*--databaseUrl/s);
    });

    it('gives the rollback and its estimate', () => {
      const rollback = section(markdown, 'Rollback plan');
      expect(rollback).toContain('`nx run prisma:migrate-down` rolls this migration back with its down.sql');
      expect(rollback).toMatch(/`DROP INDEX CONCURRENTLY IF EXISTS "idx_AuditLog_tenantId_createdAt"` \| SHARE UPDATE EXCLUSIVE on "AuditLog" \| — \|/);
      expect(rollback).toMatch(/\*\*Estimated rollback duration: (< 1 ms|~[\d.]+ ms)\.\*\*/);
    });

    it('marks its row of the impact table, and says an online recipe needs no window at that size', () => {
      const impact = section(markdown, 'Impact');
      expect(impact).toContain('| < 10K | < 1 s | direct migration |  |');
      expect(impact).toContain('| **> 1M** | **minutes** | **online migration** | ← this migration (AuditLog: 2,000,000 rows; writes go on: its write-blocking locks cover catalog changes only) |');
      expect(impact).toContain('This migration is online (its locks that block writes cover catalog changes only; rows are worked through while writes go on): **online migration**, no window at any size.');
    });

    it('ends with the checklist the migrate-checklist target checks', () => {
      const checklist = section(markdown, 'Checklist');
      expect(checklist.match(/^- \[ \] \*\*(.+?)\*\*/gm)!.map((l) => l.replace(/^- \[ \] \*\*|\*\*$/g, ''))).toEqual([
        'Schema changes reviewed',
        'Rollback tested',
        'Backup',
        'Maintenance window',
        'Monitoring',
        'Data migrations validate',
        'Health check',
        'Rollback kept ready for 24 hours',
      ]);
      expect(checklist).toContain('**Backup** — not required by this migration (it removes no data)');
      expect(checklist).toContain('**Maintenance window** — not required (online migration: AuditLog: 2,000,000 rows; writes go on: its write-blocking locks cover catalog changes only).');
    });
  });

  describe('remove-column with --rows 50k', () => {
    let backup: string;
    let removal: string;
    beforeEach(async () => {
      await removeColumnGenerator(tree, { targetTable: 'Order', column: 'note', confirmDataLoss: true, rows: 50_000 });
      const [first, second] = newMigrationFolders(tree);
      backup = report(tree, first);
      removal = report(tree, second);
    });

    it('writes one report per migration of the change', () => {
      expect(backup).toMatch(/migration 1 of 2 of this change/);
      expect(removal).toMatch(/migration 2 of 2 of this change/);
    });

    it('the backup step: the batched copy of the data migration, a lock only on the new backup table', () => {
      const runs = section(backup, 'What runs');
      expect(runs).toMatch(/then the data migration `packages\/prisma\/src\/migrations\/remove_column_order_note_backup\.ts` up\(\)/);
      expect(runs).toMatch(/\| batched copy of Order \| row locks, one short batch at a time \| no \| 50,000 \| ~\d+ ms \|/);
      // A schema-qualified name is quoted per part.
      expect(runs).toMatch(/\| `CREATE TABLE "_forge_backup"\."Order__note__\d{14}" AS SELECT … WITH NO DATA` \| ACCESS EXCLUSIVE on "_forge_backup"\."Order__note__\d{14}" \(new\)<br>ACCESS SHARE on "Order" \| — \(new table\) \|/);
      // The capture trigger: a brief SHARE ROW EXCLUSIVE on Order, nothing held through the copy.
      expect(runs).toMatch(/\| `CREATE TRIGGER "note__forge_backup" ON "Order"` \| SHARE ROW EXCLUSIVE on "Order" \| writes \| no \(catalog only\) \| yes \| < 1 ms \|/);
      expect(runs).toMatch(/Longest blocking lock: SHARE ROW EXCLUSIVE on "Order" \(blocks writes\) from statement \d+ to the commit, < 1 ms\./);
      expect(runs).not.toContain('create the index CONCURRENTLY first'); // a new, empty table: no alarm
    });

    it('the removal: ACCESS EXCLUSIVE on Order blocks reads and writes (briefly); the rollback restores every value in batches', () => {
      const runs = section(removal, 'What runs');
      expect(runs).toMatch(/`ALTER TABLE "Order" DROP COLUMN "note"` \| ACCESS EXCLUSIVE on "Order" \| reads \+ writes \| no \(catalog only\) \| yes \|/);
      // No catch-up copy: the capture trigger kept the backup complete; it goes with the column.
      expect(runs).toMatch(/`DROP TRIGGER IF EXISTS "note__forge_backup" ON "Order"` \| ACCESS EXCLUSIVE on "Order" \|/);
      expect(runs).not.toMatch(/INSERT INTO/);
      const rollback = section(removal, 'Rollback plan');
      // The rollback restores in batches (the data migration's down()); down.sql only re-adds the column.
      expect(rollback).toMatch(/\| batched updates of Order \| row locks, one short batch at a time \| no \| 50,000 \| ~\d+ ms \|/);
      expect(rollback).toMatch(/`ALTER TABLE "Order" ADD COLUMN "note"` \| ACCESS EXCLUSIVE on "Order" \| reads \+ writes \| no \(catalog only\) \|/);
      expect(rollback).not.toMatch(/UPDATE "Order"/);
      expect(rollback).toMatch(/\*\*Estimated rollback duration: ~\d+ ms\.\*\* Longest blocking lock: ACCESS EXCLUSIVE on "Order" \(blocks reads and writes\) from statement \d+ to the commit, ~[\d.]+ ms\./);
      expect(rollback).toMatch(/The whole change \(2 migrations\) rolls back newest first: `nx run prisma:migrate-down --count 2`, estimated ~\d+ ms\./);
    });

    it('impact, backup and window items follow from the size, the recipe and the data removed: an online recipe needs no window', () => {
      expect(section(removal, 'Impact')).toContain('| **10K – 100K** | **1–10 s** | **migration window** | ← this migration (Order: 50,000 rows; writes go on: its write-blocking locks cover catalog changes only) |');
      const checklist = section(removal, 'Checklist');
      expect(checklist).toMatch(/\*\*Backup\*\* — required .*`_forge_backup\.Order__note__\d{14}`.*backup command, or its evidence/);
      expect(checklist).toMatch(/\*\*Maintenance window\*\* — not required \(online migration: Order: 50,000 rows; writes go on/);
      expect(checklist).toContain('`packages/prisma/src/migrations/remove_column_order_note_backup.ts`');
    });
  });

  it('unknown size: no row of the impact table (not "> 1M"), "unknown" instead of a duration, and no window for an online recipe', async () => {
    const { info } = await printed(() => addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId' }));
    const [folder] = newMigrationFolders(tree);
    const markdown = report(tree, folder);
    expect(markdown).toContain('Table sizes: unknown (no database was read and no --rows given).');
    expect(markdown).toMatch(/\| unknown \(~\d+ ms per 1M rows\) \|/);
    const impact = section(markdown, 'Impact');
    expect(impact).not.toContain('← this migration');
    expect(impact).toContain('| > 1M | minutes | online migration |  |');
    expect(impact).toContain('The size of AuditLog is unknown: no row of the table applies (give `--databaseUrl` or `--rows`).');
    expect(section(markdown, 'Checklist')).toContain('**Maintenance window** — not required (online migration: size of AuditLog unknown; writes go on');
    expect(section(markdown, 'Data dependencies')).toContain('\n\nNot checked: no database was read');
    expect(info).toMatch(/impact size unknown → online migration \(size of AuditLog unknown; writes go on: its write-blocking locks cover catalog changes only\)/);
  });

  it('prints a compact version: per migration its statements with lock and estimate, totals and impact row', async () => {
    const { info } = await printed(() => removeColumnGenerator(tree, { targetTable: 'Order', column: 'note', confirmDataLoss: true, rows: '50k' }));
    const [first, second] = newMigrationFolders(tree);
    const summary = info.slice(info.indexOf('\nSafety'));
    const lines = summary.trim().split('\n');
    expect(lines[0]).toBe('Safety (table sizes: --rows 50,000 (applied to every existing table the change touches); full report: report.md beside each migration)');
    expect(lines[1]).toBe(`  ${first}`);
    expect(summary).toMatch(/\n {4}data migration: batched copy of Order +row locks, one batch at a time +~\d+ ms\n/);
    expect(summary).toMatch(new RegExp(`\\n  ${second}\\n`));
    expect(summary).toMatch(/\n {4}ALTER TABLE "Order" DROP COLUMN "note" +ACCESS EXCLUSIVE on "Order" +< 1 ms\n/);
    expect(summary).toMatch(/\n {4}total ~[\d.]+ ms; rollback ~[\d.]+ ms; impact 10K – 100K → online migration \(Order: 50,000 rows; writes go on: its write-blocking locks cover catalog changes only\)$/);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(summary).not.toContain('SET LOCAL'); // statements that lock nothing are left out
  });

  it('an unreachable --databaseUrl fails, and writes nothing', async () => {
    const before = snapshotTree(tree);
    const error = await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId', databaseUrl: 'postgresql://app@127.0.0.1:1/app' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^Cannot read table statistics from --databaseUrl \(127\.0\.0\.1:1\/app\): .*ECONNREFUSED.*Check --databaseUrl, or leave it out/s);
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('an unreachable database named by --databaseUrlEnv fails with the variable named, the password nowhere, and writes nothing', async () => {
    const before = snapshotTree(tree);
    process.env.STATS_DATABASE_URL = 'postgresql://app:s3cret-pw@127.0.0.1:1/app';
    try {
      const error = await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId', databaseUrlEnv: 'STATS_DATABASE_URL' }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/^Cannot read table statistics from STATS_DATABASE_URL \(127\.0\.0\.1:1\/app\): .*ECONNREFUSED.*Check the URL in STATS_DATABASE_URL \(--databaseUrlEnv\)/s);
      expect(error?.message).not.toContain('s3cret-pw');
    } finally {
      delete process.env.STATS_DATABASE_URL;
    }
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('an unreachable DATABASE_URL only warns: the report says the size is unknown (or uses --rows, which wins over it)', async () => {
    process.env.DATABASE_URL = 'postgresql://app:s3cret-pw@127.0.0.1:1/app';
    const { warn } = await printed(() => addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId' }));
    expect(warn).toMatch(/Cannot read table statistics from DATABASE_URL \(127\.0\.0\.1:1\/app\).*Table sizes are unknown/s);
    expect(warn).not.toContain('s3cret-pw');
    expect(report(tree, newMigrationFolders(tree)[0])).toContain('Table sizes: unknown');

    const other = createSampleTree();
    const quiet = await printed(() => addIndexGenerator(other, { targetTable: 'AuditLog', fields: 'tenantId', rows: 500 }));
    expect(quiet.warn).toBe('');
    expect(report(other, newMigrationFolders(other)[0])).toContain('← this migration (AuditLog: 500 rows;');
  });

  it('analyzes migration folders as they are in the tree (a whole change)', async () => {
    await removeColumnGenerator(tree, { targetTable: 'Order', column: 'note', confirmDataLoss: true });
    const folders = newMigrationFolders(tree);
    const change = await analyzeMigrationFolders(treeView(tree), { migrationsDir: SAMPLE_MIGRATIONS, projectRoot: SAMPLE_ROOT, folders, stats: rowsStats(2_000_000) });
    expect(change.migrations.map((m) => m.name)).toEqual(folders);
    expect(change.migrations[0].dataMigration!.up).toEqual([expect.objectContaining({ kind: 'batch-copy', table: 'Order', rows: 2_000_000 })]);
    expect(change.impact.approach).toBe('online migration');
    expect(change.rollbackEstimateMs).toBeGreaterThan(1000);
  });

  describe('locks per statement: every table, with its lock, named by the SQL', () => {
    it('dropping a foreign key locks the referenced table too; its rollback validates in a step of its own', async () => {
      await removeRelationGenerator(tree, { targetTable: 'Order', field: 'user' });
      const markdown = report(tree, newMigrationFolders(tree)[0]);
      expect(section(markdown, 'What runs')).toMatch(/\| `ALTER TABLE "Order" DROP CONSTRAINT "Order_userId_fkey"` \| ACCESS EXCLUSIVE on "Order"<br>ACCESS EXCLUSIVE on "User" \| reads \+ writes \|/);
      const rollback = section(markdown, 'Rollback plan');
      expect(rollback).toMatch(/\| `ALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY \("userId"\) REFERENCES "User" NOT VALID` \| SHARE ROW EXCLUSIVE on "Order"<br>SHARE ROW EXCLUSIVE on "User" \| writes \|/);
      expect(rollback).toMatch(/\| `ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_userId_fkey"` \| SHARE UPDATE EXCLUSIVE on "Order"<br>ROW SHARE on "User" \|/);
      // VALIDATE commits on its own, after the ADD's step: the ADD's locks are not held during the scan.
      expect(rollback).toContain('rolls this migration back in steps, each committed on its own');
      expect(rollback).not.toContain('runs in the transaction that added it');
      // A DO block is named by what it runs.
      expect(rollback).toMatch(/\| `DO \$\$ … \$\$: SELECT … FROM "Order"/);
      expect(markdown).not.toMatch(/DropConstraint|AT_|ValidateConstraint|TABCONSTRAINT/);
    });

    /** The report of hand-written SQL, analyzed on the sample schema (or on nothing). */
    async function handWritten(sql: string, options: { schema?: boolean; rows?: number } = {}): Promise<string> {
      const baseline = tree.read(`${SAMPLE_MIGRATIONS}/${BASELINE}/migration.sql`, 'utf-8')!;
      const analysis = await analyzeChange({
        migrations: [{ name: '20300101000000_hand_written', sql, downSql: null }],
        ...(options.schema === false ? {} : { schema: await schemaFactsFromSql(baseline) }),
        ...(options.rows ? { stats: rowsStats(options.rows) } : {}),
      });
      return renderReport({ project: 'prisma', folders: ['20300101000000_hand_written'], titles: ['Hand-written'], excerpts: [], dataMigrationFiles: [undefined], notes: [], analysis }, 0);
    }

    it('a table the statement does not name and no fact tells is reported unknown, never left out', async () => {
      const markdown = await handWritten('ALTER TABLE "Order" DROP CONSTRAINT "Order_userId_fkey";', { schema: false });
      expect(section(markdown, 'What runs')).toContain('ACCESS EXCLUSIVE on "Order"<br>ACCESS EXCLUSIVE on unknown (table "Order_userId_fkey" references, if a foreign key) (on some runs)');
    });

    it('the foreign-key checks of written rows are marked as taken on some runs', async () => {
      const markdown = await handWritten(`INSERT INTO "Order" ("tenantId", "userId", "totalCents") VALUES (1, 1, 5);`);
      expect(section(markdown, 'What runs')).toContain('ROW EXCLUSIVE on "Order"<br>ROW SHARE on "Tenant" (on some runs)<br>ROW SHARE on "User" (on some runs)');
    });

    it('a migration that blocks writes while it works through rows asks for the window of its size', async () => {
      const markdown = await handWritten(`SET LOCAL lock_timeout = '5s';\nCREATE INDEX "i" ON "AuditLog"("action");`, { rows: 50_000 });
      expect(section(markdown, 'Impact')).toContain('This migration blocks writes while it works through rows: **migration window** (announce a window), expected lock 1–10 s.');
      expect(section(markdown, 'Checklist')).toContain(
        '**Maintenance window** — required (migration window, AuditLog: 50,000 rows; blocks writes: SHARE on AuditLog during the scan + index build of AuditLog): announce it',
      );
    });
  });
});
