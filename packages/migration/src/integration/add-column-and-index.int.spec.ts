import { applyMigrations, diffDatabaseToSchema } from '../engine/operations';
import { addColumnGenerator } from '../generators/add-column/generator';
import { addIndexGenerator } from '../generators/add-index/generator';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { query, rowChecksums, useEmbeddedPostgres } from '../testing/database';
import { seedSampleData } from '../testing/sample-data';
import { SAMPLE_MIGRATIONS, SAMPLE_ROOT, createSampleTree } from '../testing/sample-tree';
import { treeView } from '../workspace/file-view';
import { readMigrationsDirectory } from '../workspace/migrations-directory';
import { locatePrismaProject, readSchemaFiles } from '../workspace/prisma-project';

const pgServer = useEmbeddedPostgres();

describe('add-column and add-index on a real PostgreSQL with rows', () => {
  it('applies, rolls back to the exact "before" schema with every row intact, and re-applies', async () => {
    const tree = createSampleTree();
    const schemaBefore = readSchemaFiles(treeView(tree), locatePrismaProject(treeView(tree), SAMPLE_ROOT));
    await addColumnGenerator(tree, { targetTable: 'User', name: 'preferences', type: 'Json', optional: true });
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId,createdAt' });
    const schemaAfter = readSchemaFiles(treeView(tree), locatePrismaProject(treeView(tree), SAMPLE_ROOT));
    const directory = readMigrationsDirectory(treeView(tree), SAMPLE_MIGRATIONS);
    const [baseline, ...added] = directory.migrations;
    expect(added.map((m) => m.name)).toEqual([expect.stringMatching(/_add_column_user_preferences$/), expect.stringMatching(/_add_index_audit_log/)]);

    const db = { url: await pgServer.freshDatabase() };
    await applyMigrations(db, directory, [baseline]);
    await seedSampleData(db.url, { users: 300, auditLogs: 20_000 });
    const usersBefore = await rowChecksums(db.url, 'User');
    const logsBefore = await rowChecksums(db.url, 'AuditLog');

    // up
    expect(await applyMigrations(db, directory)).toEqual(added.map((m) => m.name));
    const [{ total, without }] = await query<{ total: string; without: string }>(
      db.url,
      'SELECT count(*) AS total, count(*) FILTER (WHERE preferences IS NULL) AS without FROM "User"',
    );
    expect(Number(total)).toBe(300);
    expect(Number(without)).toBe(300);
    const indexes = await query<{ valid: boolean }>(
      db.url,
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'idx_AuditLog_tenantId_createdAt'`,
    );
    expect(indexes).toEqual([{ valid: true }]);
    expect(await diffDatabaseToSchema(db, toEngineSchema(schemaAfter))).toBe('');
    const checksums = await query<{ migration_name: string; checksum: string }>(db.url, 'SELECT migration_name, checksum FROM _prisma_migrations ORDER BY 1');
    expect(checksums.map((r) => r.checksum)).toEqual(directory.migrations.map((m) => m.checksum));

    // down, newest first
    for (const migration of [...added].reverse()) {
      await query(db.url, migration.downSql!);
      await query(db.url, 'DELETE FROM _prisma_migrations WHERE migration_name = $1', [migration.name]);
    }
    expect(await diffDatabaseToSchema(db, toEngineSchema(schemaBefore))).toBe('');
    expect(await rowChecksums(db.url, 'User')).toEqual(usersBefore);
    expect(await rowChecksums(db.url, 'AuditLog')).toEqual(logsBefore);

    // up again
    expect(await applyMigrations(db, directory)).toEqual(added.map((m) => m.name));
    expect(await rowChecksums(db.url, 'AuditLog')).toEqual(logsBefore);
  });
});
