import { statementEffect } from './effects';
import { parseMigration } from './parse';

async function effectOf(sql: string) {
  const [statement] = await parseMigration(sql);
  return statementEffect(statement);
}

describe('statement effects (locks, scans, rewrites)', () => {
  it.each([
    ['CREATE INDEX "i" ON "AuditLog"("tenantId")', { lock: 'SHARE', scansTable: true, blocksWrites: true, blocksReads: false, transactional: true }],
    ['CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "AuditLog"("tenantId")', { lock: 'SHARE UPDATE EXCLUSIVE', blocksWrites: false, transactional: false }],
    ['DROP INDEX "i"', { lock: 'ACCESS EXCLUSIVE', blocksReads: true }],
    ['DROP INDEX CONCURRENTLY IF EXISTS "i"', { lock: 'SHARE UPDATE EXCLUSIVE', transactional: false }],
    ['ALTER TABLE "User" ADD COLUMN "p" JSONB', { lock: 'ACCESS EXCLUSIVE', rewritesTable: false, scansTable: false }],
    [`ALTER TABLE "User" ADD COLUMN "n" INTEGER NOT NULL DEFAULT 0`, { rewritesTable: false }],
    ['ALTER TABLE "User" ADD COLUMN "u" UUID NOT NULL DEFAULT gen_random_uuid()', { rewritesTable: true }],
    ['ALTER TABLE "User" ADD COLUMN "r" INTEGER NOT NULL DEFAULT (random() * 100)::int', { rewritesTable: true }],
    ['ALTER TABLE "User" ADD COLUMN "s" SERIAL', { rewritesTable: true, notes: [expect.stringContaining('volatile default')] }],
    ['ALTER TABLE "User" ADD COLUMN "t" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP', { rewritesTable: false }],
    ['ALTER TABLE "User" DROP COLUMN "name"', { dropsData: true, lock: 'ACCESS EXCLUSIVE' }],
    ['ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE INTEGER USING "name"::integer', { rewritesTable: true }],
    ['ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL', { scansTable: true, blocksReads: true }],
    ['ALTER TABLE "Order" ADD CONSTRAINT "f" FOREIGN KEY ("userId") REFERENCES "User"("id")', { lock: 'SHARE ROW EXCLUSIVE', scansTable: true, blocksWrites: true }],
    ['ALTER TABLE "Order" ADD CONSTRAINT "f" FOREIGN KEY ("userId") REFERENCES "User"("id") NOT VALID', { scansTable: false }],
    ['ALTER TABLE "Order" VALIDATE CONSTRAINT "f"', { lock: 'SHARE UPDATE EXCLUSIVE', scansTable: true, blocksWrites: false }],
    ['ALTER TABLE "Order" ADD CONSTRAINT "c" CHECK ("x" IS NOT NULL) NOT VALID', { lock: 'ACCESS EXCLUSIVE', scansTable: false }],
    ['UPDATE "User" SET "x" = 1', { lock: 'ROW EXCLUSIVE', scansTable: true, writesRows: true }],
    ['UPDATE "User" SET "x" = 1 WHERE id <= 100', { scansTable: false, writesRows: true }],
    ['ALTER TABLE "Product" RENAME TO "Item"', { lock: 'ACCESS EXCLUSIVE' }],
    ['ALTER INDEX "a" RENAME TO "b"', { lock: 'SHARE UPDATE EXCLUSIVE', blocksWrites: false }],
    ['ALTER TABLE "Coupon" SET SCHEMA "_forge_backup"', { lock: 'ACCESS EXCLUSIVE' }],
    ['DROP TABLE "Coupon"', { dropsData: true, blocksReads: true }],
    ["SET LOCAL lock_timeout = '5s'", { lock: null, action: 'SET LOCAL lock_timeout' }],
    ['VACUUM "User"', { transactional: false }],
    ['LOCK TABLE "User" IN SHARE MODE', { lock: 'SHARE' }],
  ])('%s', async (sql, expected) => {
    expect(await effectOf(sql)).toMatchObject(expected);
  });

  it('names the tables and the locks of a foreign key on both sides', async () => {
    const effect = await effectOf('ALTER TABLE "Order" ADD CONSTRAINT "f" FOREIGN KEY ("userId") REFERENCES "User"("id")');
    expect(effect.locks).toEqual([
      { table: 'Order', lock: 'SHARE ROW EXCLUSIVE' },
      { table: 'User', lock: 'SHARE ROW EXCLUSIVE' },
    ]);
  });

  it('reports the statement text and line without its comments', async () => {
    const statements = await parseMigration("-- Add index\n-- more\nCREATE INDEX \"i\" ON t(a);\n\n-- next\nSELECT 'x;y';\n");
    expect(statements.map((s) => [s.line, s.text])).toEqual([
      [3, 'CREATE INDEX "i" ON t(a)'],
      [6, "SELECT 'x;y'"],
    ]);
  });

  it('rejects SQL PostgreSQL cannot parse, saying where', async () => {
    await expect(parseMigration('ALTER TABLE "User" ADD COLUMN;')).rejects.toThrow(/syntax error/);
  });
});
