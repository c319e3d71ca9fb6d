import { brief, lintSql } from '../../../testing/lint';

const rule = 'enum-add-value-used-in-same-transaction';
const ENUM = `CREATE TYPE "Role" AS ENUM ('member', 'admin');\nALTER TABLE "User" ADD COLUMN "kind" "Role";`;
const lint = (sql: string) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule, history: [ENUM] });

describe(rule, () => {
  it('flags a later statement of the same migration that uses the added value', async () => {
    const findings = await lint(`ALTER TYPE "Role" ADD VALUE 'owner';\nUPDATE "User" SET "kind" = 'owner' WHERE "id" = 1;`);
    expect(brief(findings)).toEqual(['migration.sql:3 enum-add-value-used-in-same-transaction']);
    expect(findings[0].message).toMatch(/'owner', which ALTER TYPE "Role" ADD VALUE \(line 2\) adds in the same transaction/);
  });

  it('flags a default that uses it', async () => {
    expect(await lint(`ALTER TYPE "Role" ADD VALUE 'owner';\nALTER TABLE "User" ALTER COLUMN "kind" SET DEFAULT 'owner';`)).toHaveLength(1);
  });

  it.each([
    ['the value used in the next migration', `ALTER TYPE "Role" ADD VALUE 'owner';`],
    ['another value used', `ALTER TYPE "Role" ADD VALUE 'owner';\nUPDATE "User" SET "kind" = 'admin' WHERE "id" = 1;`],
    ['a statement BEFORE the ADD VALUE', `UPDATE "User" SET "kind" = 'member' WHERE "kind" IS NULL;\nALTER TYPE "Role" ADD VALUE 'owner';`],
  ])('does not flag %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });

  it('does not flag values of an enum created in the same migration (usable at once)', async () => {
    expect(await lint(`CREATE TYPE "Tier" AS ENUM ('gold');\nALTER TABLE "Tenant" ADD COLUMN "tier" "Tier" DEFAULT 'gold';`)).toEqual([]);
  });
});
