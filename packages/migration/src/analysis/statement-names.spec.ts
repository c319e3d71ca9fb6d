import type { AlterTableType } from 'libpg-query';
import { statementEffect } from './effects';
import { parseMigration } from './parse';
import { parserWords } from '../testing/parser-words';
import { ALTER_TABLE_SQL, OBJECT_KEYWORDS, quoteTable } from './statement-names';

async function nameOf(sql: string): Promise<string> {
  const [statement] = await parseMigration(sql);
  return statementEffect(statement).action;
}

describe('statements are named by their SQL', () => {
  it.each([
    ['ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"', 'ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"'],
    ['ALTER TABLE "Order" DROP CONSTRAINT IF EXISTS "f" CASCADE', 'ALTER TABLE "Order" DROP CONSTRAINT IF EXISTS "f" CASCADE'],
    [`ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'new'`, 'ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT'],
    ['ALTER TABLE "User" ALTER COLUMN "age" DROP DEFAULT', 'ALTER TABLE "User" ALTER COLUMN "age" DROP DEFAULT'],
    ['ALTER TABLE "User" ALTER COLUMN "handle" SET NOT NULL', 'ALTER TABLE "User" ALTER COLUMN "handle" SET NOT NULL'],
    ['ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64)', 'ALTER TABLE "Product" ALTER COLUMN "sku" TYPE VARCHAR(64)'],
    ['ALTER TABLE "Order" ALTER COLUMN "note" TYPE integer USING "note"::integer', 'ALTER TABLE "Order" ALTER COLUMN "note" TYPE INTEGER USING …'],
    ['ALTER TABLE "Item" RENAME CONSTRAINT "Product_pkey" TO "Item_pkey"', 'ALTER TABLE "Item" RENAME CONSTRAINT "Product_pkey" TO "Item_pkey"'],
    ['ALTER TABLE "User" RENAME COLUMN "name" TO "displayName"', 'ALTER TABLE "User" RENAME COLUMN "name" TO "displayName"'],
    ['ALTER TABLE "Product" RENAME TO "Item"', 'ALTER TABLE "Product" RENAME TO "Item"'],
    ['ALTER INDEX "Product_sku_key" RENAME TO "Item_sku_key"', 'ALTER INDEX "Product_sku_key" RENAME TO "Item_sku_key"'],
    ['ALTER SEQUENCE IF EXISTS "Product_id_seq" RENAME TO "Item_id_seq"', 'ALTER SEQUENCE "Product_id_seq" RENAME TO "Item_id_seq"'],
    ['ALTER TRIGGER "t" ON "User" RENAME TO "u"', 'ALTER TRIGGER "t" ON "User" RENAME TO "u"'],
    ['ALTER TABLE "_forge_backup"."User__name__1" ADD PRIMARY KEY ("id")', 'ALTER TABLE "_forge_backup"."User__name__1" ADD PRIMARY KEY ("id")'],
    ['CREATE TABLE "_forge_backup"."User__name__1" AS SELECT "id", "name" FROM "User" WITH NO DATA', 'CREATE TABLE "_forge_backup"."User__name__1" AS SELECT … WITH NO DATA'],
    ['ALTER TABLE "AuditLog__removed__1" SET SCHEMA "_forge_backup"', 'ALTER TABLE "AuditLog__removed__1" SET SCHEMA "_forge_backup"'],
    ['ALTER TABLE "Order" ADD CONSTRAINT "f" FOREIGN KEY ("userId") REFERENCES "User"("id") NOT VALID', 'ALTER TABLE "Order" ADD CONSTRAINT "f" FOREIGN KEY ("userId") REFERENCES "User" NOT VALID'],
    ['ALTER TABLE "User" ADD CONSTRAINT "c" CHECK ("x" IS NOT NULL) NOT VALID', 'ALTER TABLE "User" ADD CONSTRAINT "c" CHECK (…) NOT VALID'],
    ['ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE USING INDEX "i"', 'ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE USING INDEX "i"'],
    ['ALTER TABLE "User" VALIDATE CONSTRAINT "c"', 'ALTER TABLE "User" VALIDATE CONSTRAINT "c"'],
    ['ALTER TABLE "User" ADD COLUMN "p" JSONB, DROP COLUMN "q"', 'ALTER TABLE "User" ADD COLUMN "p", DROP COLUMN "q"'],
    ['ALTER TABLE "User" DISABLE TRIGGER ALL', 'ALTER TABLE "User" DISABLE TRIGGER ALL'],
    ['ALTER TABLE "User" ENABLE TRIGGER "t"', 'ALTER TABLE "User" ENABLE TRIGGER "t"'],
    ['ALTER TABLE "User" SET (fillfactor = 90)', 'ALTER TABLE "User" SET (fillfactor)'],
    ['ALTER TABLE "User" REPLICA IDENTITY FULL', 'ALTER TABLE "User" REPLICA IDENTITY FULL'],
    ['ALTER TABLE "User" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY', 'ALTER TABLE "User" ALTER COLUMN "id" ADD GENERATED AS IDENTITY'],
    ['CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "AuditLog"("tenantId")', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "AuditLog"'],
    ['CREATE UNIQUE INDEX "User_email_key" ON "User"("email")', 'CREATE UNIQUE INDEX "User_email_key" ON "User"'],
    ['DROP INDEX CONCURRENTLY IF EXISTS "i"', 'DROP INDEX CONCURRENTLY IF EXISTS "i"'],
    ['DROP TRIGGER "handle__forge_fill" ON "User"', 'DROP TRIGGER "handle__forge_fill" ON "User"'],
    ['DROP FUNCTION "_forge"."Order__note__1__to_old"(INTEGER)', 'DROP FUNCTION "_forge"."Order__note__1__to_old"(INTEGER)'],
    ['DROP TABLE IF EXISTS "_forge_backup"."User__name__1"', 'DROP TABLE IF EXISTS "_forge_backup"."User__name__1"'],
    ['DROP TYPE "Status"', 'DROP TYPE "Status"'],
    ['CREATE OR REPLACE FUNCTION "_forge"."f"() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$', 'CREATE OR REPLACE FUNCTION "_forge"."f"(…)'],
    ['CREATE TRIGGER "t" BEFORE INSERT ON "User" FOR EACH ROW EXECUTE FUNCTION f()', 'CREATE TRIGGER "t" ON "User"'],
    ['CREATE SCHEMA IF NOT EXISTS "_forge"', 'CREATE SCHEMA IF NOT EXISTS "_forge"'],
    [`CREATE TYPE "Status" AS ENUM ('a', 'b')`, 'CREATE TYPE "Status" AS ENUM (…)'],
    [`ALTER TYPE "Status" ADD VALUE 'c'`, `ALTER TYPE "Status" ADD VALUE 'c'`],
    [`ALTER TYPE "Status" RENAME VALUE 'a' TO 'z'`, `ALTER TYPE "Status" RENAME VALUE 'a' TO 'z'`],
    [`INSERT INTO "Tenant" ("slug", "name") VALUES ('a', 'A')`, 'INSERT INTO "Tenant" VALUES …'],
    ['UPDATE "User" AS t SET "name" = b."name" FROM "_forge_backup"."x" b WHERE t."id" = b."id"', 'UPDATE "User" SET "name" FROM … WHERE …'],
    ['DELETE FROM "_forge"."removed_unique_constraints" WHERE "table_name" = \'User\'', 'DELETE FROM "_forge"."removed_unique_constraints" WHERE …'],
    ['SELECT count(*) FROM "Order"', 'SELECT … FROM "Order"'],
    ['TRUNCATE "Product", "OrderItem" CASCADE', 'TRUNCATE "Product", "OrderItem" CASCADE'],
    [`COMMENT ON COLUMN "User"."name" IS 'x'`, 'COMMENT ON COLUMN "User"."name"'],
    ['GRANT SELECT ON "User" TO PUBLIC', 'GRANT SELECT ON "User" TO PUBLIC'],
    ['CREATE EXTENSION IF NOT EXISTS "pgcrypto"', 'CREATE EXTENSION IF NOT EXISTS "pgcrypto"'],
    [`SET LOCAL lock_timeout = '5s'`, 'SET LOCAL lock_timeout'],
    ['LOCK TABLE "User" IN SHARE MODE', 'LOCK TABLE "User" IN SHARE MODE'],
    ['VACUUM "User"', 'VACUUM "User"'],
    ['REINDEX INDEX CONCURRENTLY "i"', 'REINDEX INDEX CONCURRENTLY "i"'],
    ['CREATE VIEW "v" AS SELECT 1', 'CREATE VIEW "v"'],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY "v"', 'REFRESH MATERIALIZED VIEW CONCURRENTLY "v"'],
    ['DO $$ BEGIN ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"; END $$', 'DO $$ … $$: ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"'],
  ])('%s', async (sql, name) => {
    expect(await nameOf(sql)).toBe(name);
    expect(parserWords(name)).toEqual([]);
  });

  it('has SQL for every ALTER TABLE sub-command libpg-query knows (none named after the parser)', () => {
    const cmd = { name: 'c', def: { ColumnDef: { colname: 'c' }, Constraint: { contype: 'CONSTR_CHECK', conname: 'k' } } };
    const named = Object.entries(ALTER_TABLE_SQL).map(([subtype, sql]) => [subtype, sql(cmd)]);
    expect(named.length).toBeGreaterThanOrEqual(66);
    expect(named.filter(([, sql]) => parserWords(sql).length || !sql)).toEqual([]);
    expect(named.filter(([subtype]) => !(subtype in ALTER_TABLE_SQL) || !subtype.startsWith('AT_')).map(([s]) => s as AlterTableType)).toEqual([]);
  });

  it('has an SQL keyword for every object type', () => {
    expect(Object.values(OBJECT_KEYWORDS).filter((k) => parserWords(k).length || !/^[A-Z ]+$/.test(k))).toEqual([]);
  });

  it('quotes a qualified name per part', () => {
    expect(quoteTable('_forge_backup.User__source__1')).toBe('"_forge_backup"."User__source__1"');
    expect(quoteTable('User')).toBe('"User"');
    expect(quoteTable('weird"name')).toBe('"weird""name"');
  });
});
