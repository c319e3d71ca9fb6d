import { brief, lintSql } from '../../../testing/lint';

const rule = 'drop-table-without-backup';
const lint = (sql: string, options: { history?: string[]; down?: string } = {}) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule, ...options });

describe(rule, () => {
  it('flags DROP TABLE of an existing table', async () => {
    const [finding] = await lint('DROP TABLE "AuditLog";');
    expect(finding.message).toMatch(/deletes the table and every row/);
    expect(finding.fix).toMatch(/SET SCHEMA "_forge_backup"/);
  });

  it('flags each table of a multi-table DROP', async () => {
    expect(brief(await lint('DROP TABLE "AuditLog", "OrderItem";'))).toEqual(['migration.sql:2 drop-table-without-backup', 'migration.sql:2 drop-table-without-backup']);
  });

  it.each([
    ['a table created in the same migration', 'CREATE TABLE "tmp" ("a" INTEGER);\nDROP TABLE "tmp";', []],
    ['a table copied whole into _forge_backup before', 'DROP TABLE "AuditLog";', ['CREATE TABLE "_forge_backup"."AuditLog_copy" AS SELECT * FROM "AuditLog";']],
  ])('does not flag %s', async (_, sql, history) => {
    expect(await lint(sql, { history })).toEqual([]);
  });

  it('does not flag ALTER TABLE … SET SCHEMA (the safe form): nothing is dropped', async () => {
    expect(await lint('ALTER TABLE "AuditLog" SET SCHEMA "_forge_backup";')).toEqual([]);
  });

  it("does not flag a down.sql dropping the table (or backup table) its migration created", async () => {
    const up = 'CREATE TABLE "Setting" ("id" SERIAL NOT NULL);\nCREATE TABLE "_forge_backup"."b" AS SELECT "id", "name" FROM "User" WITH NO DATA;';
    expect(await lint(up, { down: 'DROP TABLE "Setting";\nDROP TABLE IF EXISTS "_forge_backup"."b";' })).toEqual([]);
  });
});
