import { brief, lintSql } from '../../../testing/lint';

const rule = 'require-concurrent-index-deletion';
const lint = (sql: string, history?: string[]) => lintSql(sql, { rule, history });

describe(rule, () => {
  it('flags DROP INDEX of an index of an existing table, naming the table from the history', async () => {
    const [finding, ...rest] = await lint('DROP INDEX "User_tenantId_idx";');
    expect(rest).toEqual([]);
    expect(finding.message).toMatch(/ACCESS EXCLUSIVE lock on "User"/);
    expect(finding.fix).toMatch(/DROP INDEX CONCURRENTLY IF EXISTS "User_tenantId_idx"/);
  });

  it('flags an index the history does not know', async () => {
    const [finding] = await lint('DROP INDEX "mystery";');
    expect(finding.message).toMatch(/the table of "mystery"/);
  });

  it('follows renames: an index of a renamed table', async () => {
    const findings = await lint('DROP INDEX "Item_sku_key";', [
      'CREATE TABLE "Product" ("id" INTEGER, "sku" TEXT);\nCREATE UNIQUE INDEX "Product_sku_key" ON "Product"("sku");',
      'ALTER TABLE "Product" RENAME TO "Item";\nALTER INDEX "Product_sku_key" RENAME TO "Item_sku_key";',
    ]);
    expect(findings[0].message).toMatch(/on "Item"/);
  });

  it.each([
    ['DROP INDEX CONCURRENTLY', 'DROP INDEX CONCURRENTLY IF EXISTS "User_tenantId_idx";'],
    [
      'a drop in a transaction that locks the table exclusively anyway (DROP COLUMN of the indexed column)',
      `SET LOCAL lock_timeout = '5s';\nDROP INDEX "User_email_key";\nALTER TABLE "User" DROP COLUMN "email";`,
    ],
    ['an index of a table created in the same migration', 'CREATE TABLE "T" ("a" INTEGER);\nCREATE INDEX "t_a" ON "T"("a");\nDROP INDEX "t_a";'],
  ])('does not flag %s', async (_, sql) => {
    expect(brief(await lint(sql))).toEqual([]);
  });

  it('does flag it when the exclusive lock is on another table', async () => {
    const findings = await lint(`SET LOCAL lock_timeout = '5s';\nDROP INDEX "User_email_key";\nALTER TABLE "Order" DROP COLUMN "note";`);
    expect(brief(findings)).toEqual(['migration.sql:2 require-concurrent-index-deletion']);
  });
});
