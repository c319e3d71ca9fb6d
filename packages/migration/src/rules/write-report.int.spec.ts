import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger, type Tree } from '@nx/devkit';
import { connectReadOnly } from '../analysis/stats-source';
import { databaseAddress } from '../engine/connection';
import { addIndexGenerator } from '../generators/add-index/generator';
import { removeColumnGenerator } from '../generators/remove-column/generator';
import { databaseUrlVariable, query, useEmbeddedPostgres } from '../testing/database';
import { expectRefusedUntouched } from '../testing/refusal';
import { SAMPLE_MIGRATIONS, SAMPLE_PROJECT_DIR, createSampleTree, newMigrationFolders } from '../testing/sample-tree';

/**
 * Generators reading a live database (its URL, password included, in the variable --databaseUrlEnv
 * names; --databaseUrl without a password): the report's sizes, impact row and dependencies come from the live catalog.
 */
describe('report with statistics from a live database (--databaseUrlEnv, --databaseUrl)', () => {
  const pgServer = useEmbeddedPostgres();
  let url: string;
  let tree: Tree;
  const viaVariable = () => databaseUrlVariable(url);
  afterAll(() => {
    delete process.env.FORGE_TEST_DATABASE_URL;
  });

  beforeAll(async () => {
    url = await pgServer.freshDatabase();
    await query(url, readFileSync(join(SAMPLE_PROJECT_DIR, 'prisma/migrations/20250101000000_baseline/migration.sql'), 'utf8'));
    await query(
      url,
      `INSERT INTO "Tenant" (slug, name) SELECT 't' || g, 'Tenant ' || g FROM generate_series(1, 10) g;
       INSERT INTO "AuditLog" ("tenantId", action) SELECT 1 + g % 10, 'login' FROM generate_series(1, 50000) g;
       INSERT INTO "User" ("tenantId", email, "updatedAt") SELECT 1, 'u' || g || '@example.com', now() FROM generate_series(1, 200) g;
       INSERT INTO "Order" ("tenantId", "userId", "totalCents", note) SELECT 1, 1 + g % 200, g, 'n' FROM generate_series(1, 3000) g;
       CREATE VIEW "OrderNotes" AS SELECT id, note FROM "Order";`,
    );
    await query(url, 'VACUUM ANALYZE');
  });

  beforeEach(() => {
    tree = createSampleTree();
  });

  it('add-index: a --name the database already gives a relation the schema does not know (a view) is refused, nothing written', async () => {
    await expectRefusedUntouched(
      tree,
      () => addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action', name: 'OrderNotes', ...viaVariable() }),
      /--name OrderNotes is taken: it is a view in the database \(FORGE_TEST_DATABASE_URL \(127\.0\.0\.1:\d+\/test_\w+\)\)\..*Pass another --name/,
    );
  });

  it('add-index: the rows, sizes and dependencies of AuditLog, and its impact row', async () => {
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId,createdAt', ...viaVariable() });
    const markdown = tree.read(`${SAMPLE_MIGRATIONS}/${newMigrationFolders(tree)[0]}/report.md`, 'utf-8')!;
    expect(markdown).toContain(`Table sizes: FORGE_TEST_DATABASE_URL (${databaseAddress(url)}).`);
    expect(markdown).not.toMatch(/postgres(ql)?:\/\//);
    expect(markdown).not.toContain(new URL(url).password);
    expect(markdown).toMatch(/2 scans \+ index build of AuditLog \(50,000 rows\) \| no \(alone in its migration\) \| ~\d+ ms \|/);
    expect(markdown).toContain('| **10K – 100K** | **1–10 s** | **migration window** | ← this migration (AuditLog: 50,000 rows; writes go on: its write-blocking locks cover catalog changes only) |');
    expect(markdown).toMatch(/### AuditLog \(50,000 rows, [\d.]+ MB \+ [\d.]+ (kB|MB) of indexes; touched columns: tenantId, createdAt\)/);
    expect(markdown).toContain('- `CREATE UNIQUE INDEX "AuditLog_pkey" ON public."AuditLog" USING btree (id)`');
    expect(markdown).toContain('- AuditLog_tenantId_fkey: (tenantId) → Tenant (id) — **uses tenantId**');
    expect(markdown).toContain('Nothing in the database blocks these statements.');
  });

  it('remove-column: a view reading the column is reported, since it makes DROP COLUMN fail', async () => {
    await removeColumnGenerator(tree, { targetTable: 'Order', column: 'note', confirmDataLoss: true, ...viaVariable() });
    const removal = tree.read(`${SAMPLE_MIGRATIONS}/${newMigrationFolders(tree)[1]}/report.md`, 'utf-8')!;
    expect(removal).toContain('- view OrderNotes (columns id, note) — **uses note**');
    expect(removal).toContain('**Watch out:**\n\n- view OrderNotes uses Order.note: DROP COLUMN fails until it is dropped or changed.');
    expect(removal).toContain('← this migration (Order: 3,000 rows;');
  });

  it('--rows is ignored (with a warning) when a database is given', async () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(logger, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
    try {
      await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action', ...viaVariable(), rows: '5M' });
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toEqual(['--rows is ignored: the table sizes come from FORGE_TEST_DATABASE_URL.']);
    expect(tree.read(`${SAMPLE_MIGRATIONS}/${newMigrationFolders(tree)[0]}/report.md`, 'utf-8')).toContain('(AuditLog: 50,000 rows)');
  });

  it('reads statistics in a read-only session, closed after the analysis', async () => {
    const session = await connectReadOnly(url);
    try {
      await expect(session.query('CREATE TABLE "Sneaky" (id int)')).rejects.toThrow(/read-only transaction/);
    } finally {
      await session.end();
    }
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'userId', ...viaVariable() });
    const open = await query<{ n: string }>(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE '%analysis, read-only%'`);
    expect(Number(open[0].n)).toBe(0);
  });

  it('--databaseUrl with a password is refused before anything is read; without one (the password from PGPASSWORD) it is read', async () => {
    const password = new URL(url).password;
    await expectRefusedUntouched(
      tree,
      () => addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action', databaseUrl: url }),
      /^--databaseUrl carries a password \(postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/test_\w+\), and command lines are printed.*--databaseUrlEnv STAGING_DATABASE_URL/s,
    );
    const withoutPassword = new URL(url);
    withoutPassword.password = '';
    const saved = process.env.PGPASSWORD;
    process.env.PGPASSWORD = password;
    try {
      await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'action', databaseUrl: withoutPassword.toString() });
    } finally {
      if (saved === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = saved;
    }
    const markdown = tree.read(`${SAMPLE_MIGRATIONS}/${newMigrationFolders(tree)[0]}/report.md`, 'utf-8')!;
    expect(markdown).toContain(`Table sizes: --databaseUrl (${databaseAddress(url)}).`);
    expect(markdown).toContain('(AuditLog: 50,000 rows');
    expect(markdown).not.toContain(password);
  });
});
