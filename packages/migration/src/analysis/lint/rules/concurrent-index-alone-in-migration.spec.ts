import { brief, lintSql } from '../../../testing/lint';

const rule = 'concurrent-index-alone-in-migration';
const lint = (sql: string) => lintSql(sql, { rule });

describe(rule, () => {
  it.each([
    ['after SET lock_timeout', `SET LOCAL lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY "i" ON "AuditLog"("tenantId");`, ['migration.sql:2 concurrent-index-alone-in-migration']],
    [
      'two concurrent statements',
      'CREATE INDEX CONCURRENTLY "i" ON "AuditLog"("tenantId");\nDROP INDEX CONCURRENTLY "User_tenantId_idx";',
      ['migration.sql:1 concurrent-index-alone-in-migration', 'migration.sql:2 concurrent-index-alone-in-migration'],
    ],
    ['VACUUM with other statements', 'UPDATE "User" SET "name" = NULL WHERE "id" = 1;\nVACUUM "User";', ['migration.sql:2 concurrent-index-alone-in-migration']],
  ])('flags a non-transactional statement %s', async (_, sql, expected) => {
    expect(brief(await lint(sql))).toEqual(expected);
  });

  it('explains why the migration fails', async () => {
    const [finding] = await lint(`SET LOCAL lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY "i" ON "AuditLog"("tenantId");`);
    expect(finding.message).toMatch(/cannot run inside a transaction block.*2 statements run as one transaction/);
  });

  it.each([
    ['CONCURRENTLY alone, with comments', '-- Add index\n-- CONCURRENTLY cannot run in a transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "AuditLog"("tenantId");\n'],
    ['several transactional statements', `SET LOCAL lock_timeout = '5s';\nCREATE INDEX "i" ON "AuditLog"("tenantId");`],
  ])('does not flag %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });
});
