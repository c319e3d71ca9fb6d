import { brief, lintSql } from '../../../testing/lint';

const rule = 'adding-required-field';
const lint = (sql: string) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule });

describe(rule, () => {
  it('flags NOT NULL without a default on an existing table', async () => {
    const [finding] = await lint('ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL;');
    expect(finding.message).toMatch(/"age" NOT NULL without a default fails as soon as "User" has a row/);
    expect(finding.fix).toMatch(/--backfillValue/);
  });

  it('flags each required column of a multi-column ALTER', async () => {
    const findings = await lint('ALTER TABLE "User" ADD COLUMN "a" INTEGER NOT NULL, ADD COLUMN "b" TEXT, ADD COLUMN "c" TEXT NOT NULL;');
    expect(findings.map((f) => f.message.slice(0, 16))).toEqual(['ADD COLUMN "a" N', 'ADD COLUMN "c" N']);
  });

  it.each([
    ['a constant default', 'ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL DEFAULT 18;'],
    ['a nullable column', 'ALTER TABLE "User" ADD COLUMN "age" INTEGER;'],
    ['an identity column', 'ALTER TABLE "User" ADD COLUMN "n" INTEGER NOT NULL GENERATED ALWAYS AS IDENTITY;'],
    ['a serial column', 'ALTER TABLE "User" ADD COLUMN "n" SERIAL NOT NULL;'],
    ['a table created in the same migration', 'CREATE TABLE "T" ("id" INTEGER);\nALTER TABLE "T" ADD COLUMN "a" TEXT NOT NULL;'],
  ])('does not flag %s', async (_, sql) => {
    expect(brief(await lint(sql))).toEqual([]);
  });
});
