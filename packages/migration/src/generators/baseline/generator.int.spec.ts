import type { Tree } from '@nx/devkit';
import { diagnoseMigrationHistory, diffDatabaseToSchema, markMigrationApplied } from '../../engine/operations';
import { migrate } from '../../runtime/migrate';
import { migrateDown } from '../../runtime/migrate-down';
import { migrationStatus } from '../../runtime/status';
import { validateMigrations } from '../../runtime/validate/validate';
import { query, rowChecksums, useEmbeddedPostgres } from '../../testing/database';
import { collectingLogger, projectTarget } from '../../testing/migrations';
import { seedSampleData } from '../../testing/sample-data';
import { createSampleTree, SAMPLE_MIGRATIONS, SAMPLE_ROOT, SAMPLE_SCHEMA } from '../../testing/sample-tree';
import { treeView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { readSchemaFiles, locatePrismaProject } from '../../workspace/prisma-project';
import { addColumnGenerator } from '../add-column/generator';
import { baselineGenerator } from './generator';

const pg = useEmbeddedPostgres();

/** The sample project as a Prisma 6 project made with `prisma db push`: a schema with url/directUrl, no migrations. */
async function baselinedTree(): Promise<Tree> {
  const tree = createSampleTree();
  tree.delete(SAMPLE_MIGRATIONS);
  tree.delete(`${SAMPLE_ROOT}/prisma.config.ts`);
  const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
  tree.write(SAMPLE_SCHEMA, schema.replace('provider = "postgresql"', 'provider  = "postgresql"\n  url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")'));
  await baselineGenerator(tree, {});
  return tree;
}

const directoryOf = (tree: Tree) => readMigrationsDirectory(treeView(tree), SAMPLE_MIGRATIONS);
const schemaOf = (tree: Tree) => readSchemaFiles(treeView(tree), locatePrismaProject(treeView(tree), SAMPLE_ROOT));
const tables = (url: string) => query<{ t: string }>(url, `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`);

describe('baseline on a real PostgreSQL', () => {
  it('proves itself like any migration on a fresh database: up, down to empty, up again, no drift', async () => {
    const tree = await baselinedTree();
    const url = await pg.freshDatabase();
    const directory = directoryOf(tree);
    const report = await validateMigrations(projectTarget(url, directory), [directory.migrations[0].name], schemaOf(tree));
    expect(report.migrations.map((m) => [m.verdict, m.problems])).toEqual([['pass', []]]);
    expect(report.ok).toBe(true);
  });

  it('refuses to roll back while a table holds rows, and changes nothing', async () => {
    const tree = await baselinedTree();
    const url = await pg.freshDatabase();
    const target = projectTarget(url, directoryOf(tree), { logger: collectingLogger() });
    expect((await migrate(target)).error).toBeUndefined();
    await seedSampleData(url, { orders: 200, auditLogs: 20 });
    const before = await rowChecksums(url, 'Order');

    const result = await migrateDown(target, 1);
    expect(result.rolledBack).toEqual([]);
    expect(result.error?.message).toMatch(/Rolling back the baseline would drop every table of the schema with its rows, and "Tenant", "User", "Product", "Order", "OrderItem", "AuditLog" hold rows\. Nothing was changed\./);
    expect(await rowChecksums(url, 'Order')).toEqual(before);
    expect((await tables(url)).map((r) => r.t)).toEqual(['AuditLog', 'Order', 'OrderItem', 'Product', 'Tenant', 'User']);
  });

  it('is recorded as applied, without running, on a database that already has the schema; the next change then deploys alone', async () => {
    const tree = await baselinedTree();
    const url = await pg.freshDatabase();
    // What `prisma db push` left behind: the tables and rows, no migration history.
    await query(url, directoryOf(tree).migrations[0].sql);
    await seedSampleData(url, { orders: 300, auditLogs: 30 });
    const before = await rowChecksums(url, 'User');
    const folder = directoryOf(tree).migrations[0].name;

    await markMigrationApplied({ url }, directoryOf(tree), folder);
    const history = await diagnoseMigrationHistory({ url }, directoryOf(tree));
    expect(history.history).toBeNull();
    expect(history.failedMigrationNames).toEqual([]);
    const status = await migrationStatus(projectTarget(url, directoryOf(tree)), schemaOf(tree));
    expect(status.rows.map((r) => [r.name, r.state])).toEqual([[folder, 'applied']]);
    expect(status.drift).toEqual({ checked: true, sql: '' });
    const nothing = await migrate(projectTarget(url, directoryOf(tree)));
    expect([nothing.steps, nothing.upToDate, nothing.error]).toEqual([[], 1, undefined]);

    await addColumnGenerator(tree, { targetTable: 'User', name: 'locale', type: 'String', optional: true });
    const change = await migrate(projectTarget(url, directoryOf(tree)));
    expect(change.error).toBeUndefined();
    expect(change.steps.map((s) => s.migration)).toEqual([expect.stringMatching(/^\d{14}_add_column_user_locale$/)]);
    expect(await diffDatabaseToSchema({ url }, schemaOf(tree))).toBe('');
    expect((await migrateDown(projectTarget(url, directoryOf(tree)), 1)).error).toBeUndefined();
    expect(await rowChecksums(url, 'User')).toEqual(before);
  });
});
