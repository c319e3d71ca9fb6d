import { addColumnGenerator } from '../generators/add-column/generator';
import { addIndexGenerator } from '../generators/add-index/generator';
import { query, useEmbeddedPostgres } from './database';
import { proveGeneratedMigrations } from './round-trip';
import { seedSampleData } from './sample-data';
import { createSampleTree } from './sample-tree';

const pg = useEmbeddedPostgres();

describe('the round-trip harness', () => {
  it('proves generated migrations on seeded data and leaves the database migrated', async () => {
    const tree = createSampleTree();
    await addColumnGenerator(tree, { targetTable: 'User', name: 'preferences', type: 'Json', optional: true });
    await addIndexGenerator(tree, { targetTable: 'AuditLog', fields: 'tenantId,createdAt' });
    const { report, url } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), { seed: (u) => seedSampleData(u, { auditLogs: 3000 }) });
    expect(report.migrations.map((m) => m.verdict)).toEqual(['pass', 'pass']);
    expect(report.ok).toBe(true);
    expect(report.migrations[1].rows).toBe(3000);
    expect(await query(url, `SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'idx_AuditLog_tenantId_createdAt'`)).toEqual([{ n: 1 }]);
  });

  it('fails a migration whose down.sql does not restore the schema', async () => {
    const tree = createSampleTree();
    await addColumnGenerator(tree, { targetTable: 'User', name: 'preferences', type: 'Json', optional: true });
    const folder = tree.children('packages/prisma/prisma/migrations').find((f) => f.endsWith('_add_column_user_preferences'))!;
    tree.write(`packages/prisma/prisma/migrations/${folder}/down.sql`, 'SELECT 1;\n');
    const { report } = await proveGeneratedMigrations(tree, await pg.freshDatabase());
    expect(report.ok).toBe(false);
    expect(report.migrations[0].problems.join('\n')).toMatch(/after down, the schema differs from before:[\s\S]*DROP COLUMN "preferences"/);
  });
});
