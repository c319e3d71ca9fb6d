import { brief, lintSql } from '../../../testing/lint';

const rule = 'drop-column-without-backup';
const lint = (sql: string, options: { history?: string[]; down?: string } = {}) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule, ...options });
const BACKUP = 'CREATE TABLE "_forge_backup"."User__name__1" AS SELECT "id", "name" FROM "User" WITH NO DATA;';

describe(rule, () => {
  it('flags a drop with no backup', async () => {
    const [finding] = await lint('ALTER TABLE "User" DROP COLUMN "name";');
    expect(finding.message).toMatch(/deletes every value of "User"\."name"/);
    expect(finding.fix).toMatch(/remove-column/);
  });

  it('flags a drop whose backup copied other columns', async () => {
    expect(brief(await lint('ALTER TABLE "User" DROP COLUMN "role";', { history: [BACKUP] }))).toEqual(['migration.sql:2 drop-column-without-backup']);
  });

  it('flags a backup outside _forge_backup as no backup', async () => {
    expect(await lint('CREATE TABLE "keep" AS SELECT "id", "name" FROM "User";\nALTER TABLE "User" DROP COLUMN "name";')).toHaveLength(1);
  });

  it.each([
    ['CREATE TABLE … AS SELECT in an earlier migration', 'ALTER TABLE "User" DROP COLUMN "name";', [BACKUP]],
    ['CREATE TABLE … AS SELECT earlier in this migration', `${BACKUP}\nALTER TABLE "User" DROP COLUMN "name";`, []],
    [
      'INSERT … SELECT into a backup table',
      'INSERT INTO "_forge_backup"."b" ("id", "name") SELECT "id", "name" FROM "User" ON CONFLICT ("id") DO NOTHING;\nALTER TABLE "User" DROP COLUMN "name";',
      ['CREATE TABLE "_forge_backup"."b" ("id" INTEGER PRIMARY KEY, "name" TEXT);'],
    ],
    ['SELECT * into a backup table', 'CREATE TABLE "_forge_backup"."User_all" AS TABLE "User";\nALTER TABLE "User" DROP COLUMN "name";', []],
    ['a column added earlier in this migration', 'ALTER TABLE "User" ADD COLUMN "tmp" TEXT;\nALTER TABLE "User" DROP COLUMN "tmp";', []],
  ])('does not flag a column backed up by %s', async (_, sql, history) => {
    expect(await lint(sql, { history })).toEqual([]);
  });

  it("does not flag a down.sql dropping the column its migration added, but does flag one dropping an older column", async () => {
    const up = 'ALTER TABLE "User" ADD COLUMN "preferences" JSONB;';
    expect(await lint(up, { down: `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" DROP COLUMN "preferences";` })).toEqual([]);
    expect(brief(await lint(up, { down: `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" DROP COLUMN "name";` }))).toEqual(['down.sql:2 drop-column-without-backup']);
  });
});
