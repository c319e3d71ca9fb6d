import { brief, lintSql } from '../../../testing/lint';

const rule = 'unique-index-on-existing-data';
const lint = (sql: string, history?: string[]) => lintSql(sql, { rule, history });

describe(rule, () => {
  it('warns about a unique index on existing columns, with the query that finds duplicates', async () => {
    const [finding] = await lint('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "u" ON "User"("tenantId", "name");');
    expect(finding.severity).toBe('warning');
    expect(finding.message).toMatch(/fails if "User" already holds duplicate \("tenantId", "name"\) values/);
    expect(finding.fix).toMatch(/GROUP BY "tenantId", "name" HAVING count\(\*\) > 1/);
  });

  it('warns about ADD UNIQUE', async () => {
    expect(brief(await lint(`SET LOCAL lock_timeout = '5s';\nALTER TABLE "Product" ADD CONSTRAINT "t" UNIQUE ("title");`))).toEqual(['migration.sql:2 unique-index-on-existing-data']);
  });

  it('warns when a new column with a constant default is indexed (every row holds the same value)', async () => {
    const findings = await lint(`SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" ADD COLUMN "code" TEXT DEFAULT 'x';\nCREATE UNIQUE INDEX "c" ON "User"("code");`);
    expect(brief(findings)).toEqual(['migration.sql:3 unique-index-on-existing-data']);
  });

  it('warns when those new columns were filled earlier in the migration', async () => {
    const sql = `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" ADD COLUMN "code" TEXT;\nUPDATE "User" SET "code" = "name";\nCREATE UNIQUE INDEX "c" ON "User"("code");`;
    expect(brief(await lint(sql))).toEqual(['migration.sql:4 unique-index-on-existing-data']);
  });

  it.each([
    ['a non-unique index', 'CREATE INDEX CONCURRENTLY "i" ON "User"("name");'],
    ['a table created in the same migration', 'CREATE TABLE "T" ("a" TEXT);\nCREATE UNIQUE INDEX "t_a" ON "T"("a");'],
    ['columns added by this migration without a default (all NULL: no duplicates)', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" ADD COLUMN "code" TEXT;\nCREATE UNIQUE INDEX "c" ON "User"("code");`],
    ['ADD UNIQUE USING INDEX (the index exists already)', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE USING INDEX "u";`],
  ])('does not warn about %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });
});
