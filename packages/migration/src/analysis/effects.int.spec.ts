import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceScript } from '../runtime/validate/lock-trace';
import { locksOfConcurrentStatement } from '../testing/concurrent-locks';
import { query, useEmbeddedPostgres } from '../testing/database';
import { BASELINE } from '../testing/migrations';
import { seedSampleData } from '../testing/sample-data';
import { SAMPLE_PROJECT_DIR } from '../testing/sample-tree';
import { Catalog } from './catalog';
import { statementEffect, type StatementEffect } from './effects';
import { compareLocks } from './lock-comparison';
import type { LockMode } from './locks';
import { parseMigration } from './parse';

/**
 * What users write in migrations, each statement with the table locks it takes on PostgreSQL 15
 * (the sample schema: Tenant ← User ← Order ← OrderItem → Product, AuditLog → Tenant, User; a few
 * rows in each). Written down from pg_locks; each row is checked twice: the analysis must predict
 * exactly these locks, and the server must take them (`?`: only on some runs — a foreign-key check
 * when a row is written, a branch of a DO block — so it may not show up).
 */
type Expected = Record<string, LockMode | `${LockMode}?`>;
interface Case {
  sql: string;
  /** Runs first, in the same transaction (and is known to the analysis's schema facts). */
  setup?: string;
  locks: Expected;
}

const AE = 'ACCESS EXCLUSIVE';
const SRE = 'SHARE ROW EXCLUSIVE';
const SUE = 'SHARE UPDATE EXCLUSIVE';
const FK_NOT_VALID = `ALTER TABLE "AuditLog" ADD CONSTRAINT "x" FOREIGN KEY ("userId") REFERENCES "User"("id") NOT VALID`;
const FUNCTION = 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$';
const TRIGGER = `${FUNCTION}; CREATE TRIGGER t BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION f()`;
const BACKUP = 'CREATE SCHEMA b; CREATE TABLE b.x (id int PRIMARY KEY, name text)';

const CASES: Record<string, Case> = {
  // Foreign keys lock the table on the other side.
  'dropping a foreign key': { sql: 'ALTER TABLE "Order" DROP CONSTRAINT "Order_userId_fkey"', locks: { Order: AE, User: AE } },
  'adding a foreign key NOT VALID': { sql: FK_NOT_VALID, locks: { AuditLog: SRE, User: SRE } },
  'adding a foreign key': { sql: FK_NOT_VALID.replace(' NOT VALID', ''), locks: { AuditLog: SRE, User: SRE } },
  'validating a foreign key': { sql: 'ALTER TABLE "AuditLog" VALIDATE CONSTRAINT "x"', setup: FK_NOT_VALID, locks: { AuditLog: SUE, User: 'ROW SHARE' } },
  'validating a foreign key already valid': { sql: 'ALTER TABLE "AuditLog" VALIDATE CONSTRAINT "AuditLog_userId_fkey"', locks: { AuditLog: SUE } },
  'validating a CHECK': { sql: 'ALTER TABLE "AuditLog" VALIDATE CONSTRAINT "c"', setup: 'ALTER TABLE "AuditLog" ADD CONSTRAINT "c" CHECK ("action" <> \'\') NOT VALID', locks: { AuditLog: SUE } },
  'adding a column with REFERENCES': { sql: 'ALTER TABLE "User" ADD COLUMN "x" int REFERENCES "Product"("id")', locks: { User: AE, Product: SRE } },
  'creating a table with foreign keys': {
    sql: 'CREATE TABLE "P" ("id" int PRIMARY KEY, "userId" int REFERENCES "User"("id"), CONSTRAINT "pf" FOREIGN KEY ("id") REFERENCES "Product"("id"))',
    locks: { P: AE, User: SRE, Product: SRE },
  },
  'dropping a table with foreign keys': { sql: 'DROP TABLE "AuditLog"', locks: { AuditLog: AE, Tenant: AE, User: AE } },
  'dropping a referenced table with CASCADE': { sql: 'DROP TABLE "Order" CASCADE', locks: { Order: AE, OrderItem: AE, Tenant: AE, User: AE } },
  'moving a table with foreign keys to another schema': { sql: 'ALTER TABLE "AuditLog" SET SCHEMA s', setup: 'CREATE SCHEMA s', locks: { AuditLog: AE } },
  'moving a referenced table to another schema': { sql: 'ALTER TABLE "Product" SET SCHEMA s', setup: 'CREATE SCHEMA s', locks: { Product: AE } },
  'dropping a foreign-key column': { sql: 'ALTER TABLE "AuditLog" DROP COLUMN "userId"', locks: { AuditLog: AE, User: AE } },
  'dropping a referenced column with CASCADE': { sql: 'ALTER TABLE "Product" DROP COLUMN "id" CASCADE', locks: { Product: AE, OrderItem: AE } },
  'dropping a referenced primary key with CASCADE': { sql: 'ALTER TABLE "Product" DROP CONSTRAINT "Product_pkey" CASCADE', locks: { Product: AE, OrderItem: AE } },
  'changing the type of a foreign-key column': { sql: 'ALTER TABLE "Order" ALTER COLUMN "userId" TYPE bigint', locks: { Order: AE, User: AE } },
  'changing the type of a referenced column': { sql: 'ALTER TABLE "User" ALTER COLUMN "id" TYPE bigint', locks: { User: AE, AuditLog: AE, Order: AE } },
  'changing the type of a plain column': { sql: 'ALTER TABLE "User" ALTER COLUMN "name" TYPE varchar(200)', locks: { User: AE } },
  'truncating a table': { sql: 'TRUNCATE "AuditLog"', locks: { AuditLog: AE } },
  'truncating a referenced table with CASCADE': { sql: 'TRUNCATE "Product" CASCADE', locks: { Product: AE, OrderItem: AE } },
  // Renames lock the renamed table only, whatever references it.
  'renaming a referenced table': { sql: 'ALTER TABLE "Product" RENAME TO "Item"', locks: { Product: AE } },
  'renaming a table with foreign keys': { sql: 'ALTER TABLE "AuditLog" RENAME TO "Log"', locks: { AuditLog: AE } },
  'renaming a foreign key': { sql: 'ALTER TABLE "Order" RENAME CONSTRAINT "Order_userId_fkey" TO "x"', locks: { Order: AE } },
  'renaming a foreign-key column': { sql: 'ALTER TABLE "Order" RENAME COLUMN "userId" TO "uid"', locks: { Order: AE } },
  'renaming a referenced column': { sql: 'ALTER TABLE "User" RENAME COLUMN "id" TO "uid"', locks: { User: AE } },
  'renaming an index (no table lock)': { sql: 'ALTER INDEX "Product_sku_key" RENAME TO "x"', locks: {} },
  'renaming a sequence (no table lock)': { sql: 'ALTER SEQUENCE "Product_id_seq" RENAME TO "x"', locks: {} },
  // Indexes.
  'creating an index': { sql: 'CREATE INDEX "i" ON "User"("name")', locks: { User: 'SHARE' } },
  'dropping an index': { sql: 'DROP INDEX "User_tenantId_idx"', locks: { User: AE } },
  'a UNIQUE constraint from an index': { sql: 'ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE USING INDEX "i"', setup: 'CREATE UNIQUE INDEX "i" ON "User"("email")', locks: { User: AE } },
  'reindexing a table': { sql: 'REINDEX TABLE "User"', locks: { User: 'SHARE' } },
  'reindexing an index': { sql: 'REINDEX INDEX "User_tenantId_idx"', locks: { User: 'SHARE' } },
  // Columns and constraints of one table.
  'adding a column': { sql: 'ALTER TABLE "User" ADD COLUMN "x" int', locks: { User: AE } },
  'adding a stored generated column': { sql: 'ALTER TABLE "User" ADD COLUMN "g" int GENERATED ALWAYS AS ("id" * 2) STORED', locks: { User: AE } },
  'setting a default': { sql: `ALTER TABLE "User" ALTER COLUMN "name" SET DEFAULT 'x'`, locks: { User: AE } },
  'dropping a default': { sql: 'ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT', locks: { User: AE } },
  'SET NOT NULL': { sql: 'ALTER TABLE "User" ALTER COLUMN "role" SET NOT NULL', locks: { User: AE } },
  'DROP NOT NULL': { sql: 'ALTER TABLE "User" ALTER COLUMN "role" DROP NOT NULL', locks: { User: AE } },
  'SET STORAGE': { sql: 'ALTER TABLE "Tenant" ALTER COLUMN "plan" SET STORAGE EXTERNAL', locks: { Tenant: AE } },
  'SET STATISTICS': { sql: 'ALTER TABLE "User" ALTER COLUMN "name" SET STATISTICS 100', locks: { User: SUE } },
  'adding a CHECK': { sql: 'ALTER TABLE "User" ADD CONSTRAINT "c" CHECK ("id" > 0)', locks: { User: AE } },
  'adding a UNIQUE constraint': { sql: 'ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE ("name")', locks: { User: AE } },
  'dropping a CHECK': { sql: 'ALTER TABLE "AuditLog" DROP CONSTRAINT "c"', setup: 'ALTER TABLE "AuditLog" ADD CONSTRAINT "c" CHECK ("action" <> \'\') NOT VALID', locks: { AuditLog: AE } },
  'making a foreign key DEFERRABLE': { sql: 'ALTER TABLE "Order" ALTER CONSTRAINT "Order_userId_fkey" DEFERRABLE', locks: { Order: AE } },
  'storage parameters': { sql: 'ALTER TABLE "User" SET (fillfactor = 90)', locks: { User: SUE } },
  'CLUSTER ON': { sql: 'ALTER TABLE "User" CLUSTER ON "User_tenantId_idx"', locks: { User: SUE } },
  'REPLICA IDENTITY': { sql: 'ALTER TABLE "User" REPLICA IDENTITY FULL', locks: { User: AE } },
  'row level security': { sql: 'ALTER TABLE "User" ENABLE ROW LEVEL SECURITY', locks: { User: AE } },
  'a policy': { sql: 'CREATE POLICY "p" ON "User" USING (true)', locks: { User: AE } },
  'a rule': { sql: 'CREATE RULE "r" AS ON INSERT TO "User" DO NOTHING', locks: { User: AE } },
  'disabling a rule': { sql: 'ALTER TABLE "User" DISABLE RULE "r"', setup: 'CREATE RULE "r" AS ON INSERT TO "User" DO NOTHING', locks: { User: AE } },
  'a new owner': { sql: 'ALTER TABLE "User" OWNER TO CURRENT_USER', locks: { User: AE } },
  'inheriting': { sql: 'ALTER TABLE "P" INHERIT "User"', setup: 'CREATE TABLE "P" (LIKE "User")', locks: { P: AE, User: SUE } },
  'no longer inheriting': { sql: 'ALTER TABLE "P" NO INHERIT "User"', setup: 'CREATE TABLE "P" (LIKE "User"); ALTER TABLE "P" INHERIT "User"', locks: { P: AE, User: 'ACCESS SHARE' } },
  'a partition': {
    sql: 'CREATE TABLE "pt1" PARTITION OF "pt" FOR VALUES FROM (0) TO (10)',
    setup: 'CREATE TABLE "pt" ("id" int) PARTITION BY RANGE ("id")',
    locks: { pt1: AE, pt: AE },
  },
  // Triggers.
  'creating a trigger': { sql: 'CREATE TRIGGER t BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION f()', setup: FUNCTION, locks: { User: SRE } },
  'dropping a trigger': { sql: 'DROP TRIGGER t ON "User"', setup: TRIGGER, locks: { User: AE } },
  'disabling a trigger': { sql: 'ALTER TABLE "User" DISABLE TRIGGER t', setup: TRIGGER, locks: { User: SRE } },
  'renaming a trigger': { sql: 'ALTER TRIGGER t ON "User" RENAME TO t2', setup: TRIGGER, locks: { User: AE } },
  // Copies and new tables.
  'a table like another': { sql: 'CREATE TABLE "P" (LIKE "User" INCLUDING ALL)', locks: { P: AE, User: 'ACCESS SHARE' } },
  'CREATE TABLE AS … WITH NO DATA': { sql: 'CREATE TABLE b."P" AS SELECT "id", "name" FROM "User" WITH NO DATA', setup: 'CREATE SCHEMA b', locks: { 'b.P': AE, User: 'ACCESS SHARE' } },
  'a view': { sql: 'CREATE VIEW v AS SELECT * FROM "User"', locks: { User: 'ACCESS SHARE' } },
  'refreshing a materialized view': { sql: 'REFRESH MATERIALIZED VIEW v', setup: 'CREATE MATERIALIZED VIEW v AS SELECT * FROM "User"', locks: { User: 'ACCESS SHARE' } },
  'DROP SCHEMA … CASCADE': { sql: 'DROP SCHEMA b CASCADE', setup: 'CREATE SCHEMA b; CREATE TABLE b.x ("id" int, "userId" int REFERENCES "User"("id"))', locks: { 'b.x': AE, User: AE } },
  // Rows: ROW EXCLUSIVE on the target, ACCESS SHARE on what is read, foreign-key checks of the written rows.
  'INSERT with foreign keys': { sql: `INSERT INTO "Order"("tenantId", "userId", "totalCents") VALUES (1, 1, 5)`, locks: { Order: 'ROW EXCLUSIVE', Tenant: 'ROW SHARE?', User: 'ROW SHARE?' } },
  'INSERT into a table without foreign keys': { sql: `INSERT INTO "Tenant"("slug", "name") VALUES ('x', 'X')`, locks: { Tenant: 'ROW EXCLUSIVE' } },
  'UPDATE of a foreign-key column': { sql: 'UPDATE "Order" SET "userId" = 7 WHERE "id" = 1', locks: { Order: 'ROW EXCLUSIVE', User: 'ROW SHARE?' } },
  'UPDATE of other columns': { sql: `UPDATE "Order" SET "note" = 'x'`, locks: { Order: 'ROW EXCLUSIVE' } },
  'DELETE of referenced rows (NO ACTION)': { sql: 'DELETE FROM "Order" WHERE "id" = 1', setup: 'DELETE FROM "OrderItem" WHERE "orderId" = 1', locks: { Order: 'ROW EXCLUSIVE', OrderItem: 'ROW SHARE?' } },
  'DELETE of referenced rows (SET NULL, RESTRICT)': { sql: 'DELETE FROM "User" WHERE "id" = 60', locks: { User: 'ROW EXCLUSIVE', AuditLog: 'ROW EXCLUSIVE?', Order: 'ROW SHARE?' } },
  'INSERT … SELECT … ON CONFLICT': {
    sql: 'INSERT INTO b.x AS t ("id", "name") SELECT "id", "name" FROM "User" ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"',
    setup: BACKUP,
    locks: { 'b.x': 'ROW EXCLUSIVE', User: 'ACCESS SHARE' },
  },
  'UPDATE … FROM': { sql: 'UPDATE "User" AS t SET "name" = b."name" FROM b.x b WHERE b."id" = t."id"', setup: BACKUP, locks: { User: 'ROW EXCLUSIVE', 'b.x': 'ACCESS SHARE' } },
  'SELECT with a subquery': { sql: 'SELECT count(*) FROM "User" u WHERE NOT EXISTS (SELECT 1 FROM "Order" o WHERE o."userId" = u."id")', locks: { User: 'ACCESS SHARE', Order: 'ACCESS SHARE' } },
  'SELECT … FOR UPDATE': { sql: 'SELECT * FROM "User" WHERE "id" = 1 FOR UPDATE', locks: { User: 'ROW SHARE' } },
  'WITH … a query name is no table': { sql: 'WITH "Tenant" AS (SELECT 1 AS x) SELECT * FROM "Tenant", "Product"', locks: { Product: 'ACCESS SHARE' } },
  // DO blocks lock what they run, EXECUTE included when its string is in the text.
  'a DO block': {
    sql: `DO $$ BEGIN PERFORM 1 FROM "Tenant"; ALTER TABLE "Order" DROP CONSTRAINT "Order_userId_fkey"; EXECUTE format('ALTER TABLE %I ADD COLUMN z int', 'Product'); END $$`,
    locks: { Tenant: 'ACCESS SHARE', Order: AE, User: AE, Product: AE },
  },
  'a DO block with a branch': {
    sql: `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM "Tenant") THEN RETURN; END IF; ALTER TABLE "User" ADD COLUMN "q" int; END $$`,
    locks: { Tenant: 'ACCESS SHARE', User: `${AE}?` },
  },
  'a DO block that creates a table and fills it': {
    sql: `DO $$ BEGIN CREATE TABLE "Z" ("id" int REFERENCES "Tenant"("id")); INSERT INTO "Z" SELECT "id" FROM "Tenant"; END $$`,
    locks: { Z: AE, Tenant: SRE },
  },
  // No table locks.
  'comments': { sql: `COMMENT ON COLUMN "User"."name" IS 'x'`, locks: { User: SUE } },
  'a comment on a table': { sql: `COMMENT ON TABLE "User" IS 'x'`, locks: { User: SUE } },
  'a comment on a constraint': { sql: `COMMENT ON CONSTRAINT "User_tenantId_fkey" ON "User" IS 'x'`, locks: { User: 'ACCESS SHARE' } },
  'a comment on a trigger': { sql: `COMMENT ON TRIGGER t ON "User" IS 'x'`, setup: TRIGGER, locks: { User: 'ACCESS SHARE' } },
  'a comment on an index': { sql: `COMMENT ON INDEX "User_tenantId_idx" IS 'x'`, locks: {} },
  'attaching a partition': {
    sql: 'ALTER TABLE "pt" ATTACH PARTITION "pt1" FOR VALUES FROM (0) TO (10)',
    setup: 'CREATE TABLE "pt" ("id" int) PARTITION BY RANGE ("id"); CREATE TABLE "pt1" ("id" int)',
    locks: { pt: SUE, pt1: AE },
  },
  'detaching a partition': {
    sql: 'ALTER TABLE "pt" DETACH PARTITION "pt1"',
    setup: 'CREATE TABLE "pt" ("id" int) PARTITION BY RANGE ("id"); CREATE TABLE "pt1" PARTITION OF "pt" FOR VALUES FROM (0) TO (10)',
    locks: { pt: AE, pt1: AE },
  },
  'ANALYZE': { sql: 'ANALYZE "User"', locks: { User: SUE } },
  'LOCK TABLE': { sql: 'LOCK TABLE "User" IN SHARE MODE', locks: { User: 'SHARE' } },
  'CLUSTER': { sql: 'CLUSTER "User" USING "User_pkey"', locks: { User: AE } },
  'ALTER TYPE … ADD VALUE': { sql: `ALTER TYPE e ADD VALUE 'c'`, setup: `CREATE TYPE e AS ENUM ('a', 'b')`, locks: {} },
  'GRANT': { sql: 'GRANT SELECT ON "User" TO PUBLIC', locks: {} },
  'a PL/pgSQL function (its body is not analyzed)': { sql: `CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN (SELECT count(*) FROM "User"); END$$`, locks: {} },
  'an SQL function (its body is analyzed)': { sql: `CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT count(*)::int FROM "User"'`, locks: { User: 'ACCESS SHARE' } },
  'a sequence': { sql: 'CREATE SEQUENCE s', locks: {} },
  'dropping a view': { sql: 'DROP VIEW v', setup: 'CREATE VIEW v AS SELECT * FROM "User"', locks: {} },
};

/** Statements that cannot run in a transaction block: sampled in pg_locks while they wait for an open snapshot. */
const CONCURRENT_CASES: Record<string, Case & { undo: string }> = {
  'CREATE INDEX CONCURRENTLY': { sql: 'CREATE INDEX CONCURRENTLY "i" ON "User"("name")', undo: 'DROP INDEX "i"', locks: { User: SUE } },
  'CREATE UNIQUE INDEX CONCURRENTLY': { sql: 'CREATE UNIQUE INDEX CONCURRENTLY "i" ON "Order"("id", "userId")', undo: 'DROP INDEX "i"', locks: { Order: SUE } },
  'DROP INDEX CONCURRENTLY': { sql: 'DROP INDEX CONCURRENTLY "User_tenantId_idx"', undo: 'CREATE INDEX "User_tenantId_idx" ON "User"("tenantId")', locks: { User: SUE } },
  'REINDEX INDEX CONCURRENTLY': { sql: 'REINDEX INDEX CONCURRENTLY "User_tenantId_idx"', undo: 'SELECT 1', locks: { User: SUE } },
};

const BASELINE_SQL = readFileSync(join(SAMPLE_PROJECT_DIR, 'prisma/migrations', BASELINE, 'migration.sql'), 'utf8');
const pg = useEmbeddedPostgres();

/** The effect's table locks as the table above writes them. */
function predicted(effect: StatementEffect): Expected {
  return Object.fromEntries(effect.locks.filter((l) => !l.object).map((l) => [l.table, l.conditional ? `${l.lock}?` : l.lock])) as Expected;
}

function asPredicted(locks: Expected) {
  return Object.entries(locks).map(([table, mode]) => ({ table, lock: mode.replace('?', '') as LockMode, conditional: mode.endsWith('?') }));
}

async function predictionFor(sql: string, setup?: string): Promise<StatementEffect> {
  const facts = Catalog.of(await parseMigration(`${BASELINE_SQL};\n${setup ?? ''}`));
  const [statement] = await parseMigration(sql);
  return statementEffect(statement, facts);
}

describe('the table locks each statement takes: the analysis predicts what PostgreSQL 15 takes', () => {
  // One database for every case: each runs in a transaction that is rolled back (the setup first,
  // in the same transaction: what it holds counts as held before the statement).
  let url: string;
  beforeAll(async () => {
    url = await pg.freshDatabase();
    await query(url, BASELINE_SQL);
    await seedSampleData(url, { orders: 50, auditLogs: 100 });
  }, 60_000);

  it.each(Object.entries(CASES))('%s', async (_, c) => {
    const effect = await predictionFor(c.sql, c.setup);
    expect(predicted(effect)).toEqual(c.locks);
    const traces = await traceScript(url, c.setup ? `${c.setup};\n${c.sql}` : c.sql);
    expect(traces.map((t) => t.error).filter(Boolean)).toEqual([]);
    const trace = traces[traces.length - 1];
    expect(compareLocks(asPredicted(c.locks), { acquired: trace.acquired, held: trace.held })).toEqual([]);
  });

  it.each(Object.entries(CONCURRENT_CASES))('%s', async (_, c) => {
    const effect = await predictionFor(c.sql);
    expect(effect.transactional).toBe(false);
    expect(predicted(effect)).toEqual(c.locks);
    const measured = await locksOfConcurrentStatement(url, c.sql);
    expect(measured).toMatchObject({ waited: true });
    expect(measured.error).toBeUndefined();
    expect(compareLocks(asPredicted(c.locks), { acquired: measured.locks, held: measured.locks })).toEqual([]);
    await query(url, c.undo);
  });
});
