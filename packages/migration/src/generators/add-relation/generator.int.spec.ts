import { migrate } from '../../runtime/migrate';
import { query, rowChecksums, useEmbeddedPostgres } from '../../testing/database';
import { BASELINE, collectingLogger, projectTarget } from '../../testing/migrations';
import { defaultTraffic, proveGeneratedMigrations } from '../../testing/round-trip';
import { seedSampleData } from '../../testing/sample-data';
import { SAMPLE_MIGRATIONS, createSampleTree } from '../../testing/sample-tree';
import { treeView } from '../../workspace/file-view';
import { readMigrationsDirectory } from '../../workspace/migrations-directory';
import { removeRelationGenerator } from '../remove-relation/generator';
import { addRelationGenerator } from './generator';
import { rowCount, rowsFor } from '../../testing/test-size';

const pg = useEmbeddedPostgres();

/**
 * The sample has every relation already; AuditLog.userId (nullable, not indexed) is freed with
 * remove-relation first, so add-relation works on a column that holds real keys in 100,000 rows.
 */
async function relateAuditLogToUserAgain() {
  const tree = createSampleTree();
  await removeRelationGenerator(tree, { targetTable: 'AuditLog', field: 'user' });
  await addRelationGenerator(tree, { targetTable: 'AuditLog', field: 'user', references: 'User', fields: 'userId' });
  return tree;
}

const constraintState = (url: string) =>
  query<{ validated: boolean }>(url, `SELECT convalidated AS validated FROM pg_constraint WHERE conname = 'AuditLog_userId_fkey'`);

const AUDIT_LOGS = rowsFor(20_000, 100_000);

describe('add-relation on a real PostgreSQL', () => {
  it(`proves index, NOT VALID and VALIDATE migrations on ${rowCount(AUDIT_LOGS)} referencing rows`, async () => {
    const tree = await relateAuditLogToUserAgain();
    let before = new Map<string, string>();
    const { report, url, log, workloadKeys, untouched } = await proveGeneratedMigrations(tree, await pg.freshDatabase(), {
      seed: async (u) => {
        await seedSampleData(u, { orders: AUDIT_LOGS / 2, auditLogs: AUDIT_LOGS });
        before = await rowChecksums(u, 'AuditLog');
      },
    });
    expect(log.join('\n')).not.toMatch(/✗/);
    expect(report.migrations.map((m) => [m.migration.replace(/^\d+_/, ''), m.verdict])).toEqual([
      ['remove_relation_audit_log_user', 'pass'],
      ['add_relation_audit_log_user_index', 'pass'],
      ['add_relation_audit_log_user_not_valid', 'pass'],
      ['add_relation_audit_log_user_validate', 'pass'],
    ]);
    expect(report.migrations[3].rows).toBeGreaterThanOrEqual(AUDIT_LOGS);
    expect(report.drift).toBe('');
    expect(report.ok).toBe(true);
    expect(await constraintState(url)).toEqual([{ validated: true }]);
    expect(await query(url, `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'idx_AuditLog_userId'`)).toEqual([
      { valid: true },
    ]);
    // Under traffic (nightly, FORGE_TRAFFIC=1) the application wrote to AuditLog throughout the proof, each write checked by
    // validate; every other row is as seeded.
    expect(workloadKeys('AuditLog').size > 0).toBe(defaultTraffic());
    expect(untouched('AuditLog', await rowChecksums(url, 'AuditLog'))).toEqual(untouched('AuditLog', before));
  }, 240_000);

  it('stops at the validate migration with the orphan rows listed, and changes no data', async () => {
    const tree = await relateAuditLogToUserAgain();
    const directory = readMigrationsDirectory(treeView(tree), SAMPLE_MIGRATIONS);
    const [removed, index, notValid, validate] = directory.migrations.slice(1).map((m) => m.name);
    const url = await pg.freshDatabase();
    const target = projectTarget(url, directory, { logger: collectingLogger() });
    expect((await migrate(target, { to: BASELINE })).error).toBeUndefined();
    await seedSampleData(url, { auditLogs: 20_000 });
    expect((await migrate(target, { to: removed })).error).toBeUndefined();
    // Written while no foreign key guarded the column: keys of users that do not exist.
    await query(url, `UPDATE "AuditLog" SET "userId" = 900000 + id WHERE id IN (17, 4242, 19999)`);
    const before = await rowChecksums(url, 'AuditLog');

    const result = await migrate(target);
    expect(result.steps.map((s) => [s.migration, s.status])).toEqual([
      [index, 'applied'],
      [notValid, 'applied'],
      [validate, 'failed'],
    ]);
    expect(result.error?.message).toMatch(
      /Cannot validate foreign key AuditLog_userId_fkey: 3 row\(s\) of AuditLog have userId values not found in User\.id, for example: id=17 userId=900017; id=4242 userId=904242; id=19999 userId=919999\. Nothing was changed\./,
    );
    expect(await rowChecksums(url, 'AuditLog')).toEqual(before);
    expect(await constraintState(url)).toEqual([{ validated: false }]);

    // Fixed as the message says, migrate finishes.
    await query(url, `UPDATE "AuditLog" SET "userId" = NULL WHERE "userId" > 900000`);
    const retry = await migrate(target);
    expect(retry.error).toBeUndefined();
    expect(await constraintState(url)).toEqual([{ validated: true }]);
  });
});
