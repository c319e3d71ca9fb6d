import { brief, lintSql } from '../../../testing/lint';

const rule = 'rename-as-drop-and-add';
const lint = (sql: string) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule });

describe(rule, () => {
  it("flags Prisma's rename of a field: DROP COLUMN + ADD COLUMN", async () => {
    const [finding] = await lint('ALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN "displayName" TEXT;');
    expect(finding.message).toMatch(/DROP COLUMN "name" and ADD COLUMN "displayName" on "User".*rename/);
    expect(finding.fix).toMatch(/RENAME COLUMN "name" TO "displayName"/);
  });

  it("flags Prisma's type change: the same column dropped and added", async () => {
    const [finding] = await lint(`ALTER TABLE "Order" DROP COLUMN "status",\nADD COLUMN "status" TEXT NOT NULL DEFAULT 'PENDING';`);
    expect(finding.message).toMatch(/"Order"\."status" is dropped and added again/);
  });

  it("flags Prisma's rename of a model: DROP TABLE + CREATE TABLE", async () => {
    const findings = await lint('DROP TABLE "Product";\nCREATE TABLE "Item" ("id" SERIAL NOT NULL);');
    expect(brief(findings)).toEqual(['migration.sql:2 rename-as-drop-and-add']);
    expect(findings[0].fix).toMatch(/RENAME TO "Item"/);
  });

  it('flags drop and add in separate statements', async () => {
    expect(await lint('ALTER TABLE "User" DROP COLUMN "name";\nALTER TABLE "User" ADD COLUMN "fullName" TEXT;')).toHaveLength(1);
  });

  it.each([
    ['RENAME COLUMN', 'ALTER TABLE "User" RENAME COLUMN "name" TO "displayName";'],
    ['drop and add on different tables', 'ALTER TABLE "User" DROP COLUMN "name";\nALTER TABLE "Order" ADD COLUMN "x" TEXT;'],
    [
      'a dropped column backed up first (expand/contract swap)',
      'CREATE TABLE "_forge_backup"."b" AS SELECT "id", "name" FROM "User" WITH NO DATA;\nALTER TABLE "User" DROP COLUMN "name";\nALTER TABLE "User" ADD COLUMN "x" TEXT;',
    ],
    ['a table moved to _forge_backup, another created', 'ALTER TABLE "Product" SET SCHEMA "_forge_backup";\nCREATE TABLE "Item" ("id" SERIAL NOT NULL);'],
  ])('does not flag %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });
});
