import { brief, lintSql } from '../../../testing/lint';

const rule = 'require-lock-timeout';
const lint = (sql: string, down?: string) => lintSql(sql, { rule, down });

describe(rule, () => {
  it('flags the first statement that locks an existing table when no lock_timeout is set', async () => {
    const findings = await lint('-- AlterTable\nALTER TABLE "User" ADD COLUMN "p" JSONB;\nALTER TABLE "User" ADD COLUMN "q" JSONB;');
    expect(brief(findings)).toEqual(['migration.sql:2 require-lock-timeout']);
    expect(findings[0].message).toMatch(/takes ACCESS EXCLUSIVE on "User" with no lock_timeout set/);
    expect(findings[0].fix).toMatch(/SET LOCAL lock_timeout = '5s'/);
  });

  it.each([
    ['SET comes after the statement', `ALTER TABLE "User" ADD COLUMN "p" JSONB;\nSET LOCAL lock_timeout = '5s';`, 1],
    ['lock_timeout set to 0 (no timeout)', `SET lock_timeout = 0;\nALTER TABLE "User" ADD COLUMN "p" JSONB;`, 2],
    ['lock_timeout reset', `SET lock_timeout = '5s';\nRESET lock_timeout;\nDROP INDEX "User_tenantId_idx";`, 3],
    ['a CREATE INDEX (SHARE)', 'CREATE INDEX "i" ON "AuditLog"("action");', 1],
    ['a foreign key to an existing table from a new one', 'CREATE TABLE "Price" ("id" INTEGER, "productId" INTEGER);\nALTER TABLE "Price" ADD CONSTRAINT "f" FOREIGN KEY ("productId") REFERENCES "Product"("id");', 2],
    ['a DO block that drops a foreign key', 'DO $$ BEGIN ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"; END $$;', 1],
    ['a DO block that runs SQL built at run time', "DO $$ DECLARE t text := 'User'; BEGIN EXECUTE format('LOCK TABLE %I', t); END $$;", 1],
  ])('flags %s', async (_, sql, line) => {
    expect(brief(await lint(sql))).toEqual([`migration.sql:${line} require-lock-timeout`]);
  });

  it('flags a down.sql on its own', async () => {
    expect(brief(await lint(`SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" ADD COLUMN "p" JSONB;`, 'ALTER TABLE "User" DROP COLUMN "p";'))).toEqual(['down.sql:1 require-lock-timeout']);
  });

  it.each([
    ['SET LOCAL lock_timeout first', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" ADD COLUMN "p" JSONB;`],
    ['SET lock_timeout (session) in ms', `SET lock_timeout = 2000;\nALTER TABLE "User" ADD COLUMN "p" JSONB;`],
    ['a new table and its indexes', 'CREATE TABLE "Setting" ("id" SERIAL NOT NULL, "key" TEXT);\nCREATE UNIQUE INDEX "Setting_key_key" ON "Setting"("key");'],
    ['a lone CONCURRENTLY statement (SHARE UPDATE EXCLUSIVE: writes go on)', 'CREATE INDEX CONCURRENTLY "i" ON "AuditLog"("action");'],
    ['a VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE)', 'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_userId_fkey";'],
    ['row writes (ROW EXCLUSIVE)', `UPDATE "User" SET "name" = NULL WHERE "id" = 1;\nINSERT INTO "Tenant" ("slug", "name") VALUES ('a', 'A');`],
    ['a DO block that only reads', 'DO $$ BEGIN PERFORM 1 FROM "User"; END $$;'],
  ])('does not flag %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });
});
