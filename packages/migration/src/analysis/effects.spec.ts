import { Catalog } from './catalog';
import { staticStrings } from './do-block';
import { statementEffect, type StatementEffect } from './effects';
import { parseMigration } from './parse';

async function effectOf(sql: string, facts?: Catalog) {
  const [statement] = await parseMigration(sql);
  return statementEffect(statement, facts);
}

/** Tenant ← User (ON DELETE CASCADE) ← Post (ON DELETE CASCADE); an index on User. */
const SCHEMA = `
  CREATE TABLE "Tenant" ("id" int PRIMARY KEY);
  CREATE TABLE "User" ("id" int PRIMARY KEY, "tenantId" int, CONSTRAINT "User_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE);
  CREATE TABLE "Post" ("id" int PRIMARY KEY, "userId" int REFERENCES "User"("id") ON DELETE CASCADE);
  CREATE INDEX "User_tenantId_idx" ON "User"("tenantId");`;

async function facts(extra = ''): Promise<Catalog> {
  return Catalog.of(await parseMigration(`${SCHEMA}\n${extra}`));
}

/** `table: MODE` (`?`: on some runs), the way the int spec's table writes them. */
function locksOf(effect: StatementEffect): Record<string, string> {
  return Object.fromEntries(effect.locks.filter((l) => !l.object).map((l) => [l.table, `${l.lock}${l.conditional ? '?' : ''}`]));
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

  describe('what the statement does not name comes from the schema facts, or stays unknown', () => {
    it('dropping a foreign key: the referenced table too; without facts, an unknown table', async () => {
      const sql = 'ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"';
      expect(locksOf(await effectOf(sql, await facts()))).toEqual({ User: 'ACCESS EXCLUSIVE', Tenant: 'ACCESS EXCLUSIVE' });
      expect(locksOf(await effectOf(sql))).toEqual({ User: 'ACCESS EXCLUSIVE', '(table "User_tenantId_fkey" references, if a foreign key)': 'ACCESS EXCLUSIVE?' });
      // A known table without that constraint: it is no foreign key of the table (a CHECK, or nothing).
      expect(locksOf(await effectOf('ALTER TABLE "User" DROP CONSTRAINT "c"', await facts()))).toEqual({ User: 'ACCESS EXCLUSIVE' });
    });

    it('the facts follow renames and moves: the key references the table under its new name', async () => {
      const renamed = await facts('ALTER TABLE "Tenant" RENAME TO "Org"; CREATE SCHEMA s; ALTER TABLE "User" SET SCHEMA s;');
      expect(locksOf(await effectOf('ALTER TABLE s."User" DROP CONSTRAINT "User_tenantId_fkey"', renamed))).toEqual({ 's.User': 'ACCESS EXCLUSIVE', Org: 'ACCESS EXCLUSIVE' });
      expect(locksOf(await effectOf('DROP TABLE "Post"', renamed))).toEqual({ Post: 'ACCESS EXCLUSIVE', 's.User': 'ACCESS EXCLUSIVE' });
    });

    it('an unnamed column REFERENCES gets PostgreSQL\'s default name', async () => {
      expect(locksOf(await effectOf('ALTER TABLE "Post" DROP CONSTRAINT "Post_userId_fkey"', await facts()))).toEqual({ Post: 'ACCESS EXCLUSIVE', User: 'ACCESS EXCLUSIVE' });
    });

    it('DROP INDEX locks the table the facts say the index is on', async () => {
      expect(await effectOf('DROP INDEX "User_tenantId_idx"', await facts())).toMatchObject({ locks: [{ table: 'User', lock: 'ACCESS EXCLUSIVE' }], targets: ['User'] });
      expect(await effectOf('DROP INDEX "User_tenantId_idx"')).toMatchObject({ locks: [{ table: '(table of index User_tenantId_idx)' }] });
    });

    it('VALIDATE of a foreign key not yet valid reads the referenced table (ROW SHARE); of a valid one, only its own table', async () => {
      const notValid = await facts('ALTER TABLE "Post" ADD CONSTRAINT "k" FOREIGN KEY ("id") REFERENCES "Tenant"("id") NOT VALID;');
      expect(locksOf(await effectOf('ALTER TABLE "Post" VALIDATE CONSTRAINT "k"', notValid))).toEqual({ Post: 'SHARE UPDATE EXCLUSIVE', Tenant: 'ROW SHARE' });
      expect(locksOf(await effectOf('ALTER TABLE "User" VALIDATE CONSTRAINT "User_tenantId_fkey"', notValid))).toEqual({ User: 'SHARE UPDATE EXCLUSIVE' });
    });

    it('dropping or retyping a key column reaches the other side of its keys', async () => {
      const schema = await facts();
      expect(locksOf(await effectOf('ALTER TABLE "User" DROP COLUMN "tenantId"', schema))).toEqual({ User: 'ACCESS EXCLUSIVE', Tenant: 'ACCESS EXCLUSIVE' });
      expect(locksOf(await effectOf('ALTER TABLE "User" DROP COLUMN "id" CASCADE', schema))).toEqual({ User: 'ACCESS EXCLUSIVE', Post: 'ACCESS EXCLUSIVE' });
      expect(locksOf(await effectOf('ALTER TABLE "User" ALTER COLUMN "id" TYPE bigint', schema))).toEqual({ User: 'ACCESS EXCLUSIVE', Post: 'ACCESS EXCLUSIVE' });
      expect(locksOf(await effectOf('ALTER TABLE "User" DROP COLUMN "x"'))).toEqual({ User: 'ACCESS EXCLUSIVE', '(tables of the foreign keys on "User"."x", if any)': 'ACCESS EXCLUSIVE?' });
    });

    it('DROP TABLE: the tables its keys reference; with CASCADE the tables whose keys reference it; its targets are what it names', async () => {
      const schema = await facts();
      const drop = await effectOf('DROP TABLE "User" CASCADE', schema);
      expect(locksOf(drop)).toEqual({ User: 'ACCESS EXCLUSIVE', Tenant: 'ACCESS EXCLUSIVE', Post: 'ACCESS EXCLUSIVE' });
      expect(drop.targets).toEqual(['User']);
      expect(locksOf(await effectOf('TRUNCATE "Tenant" CASCADE', schema))).toEqual({ Tenant: 'ACCESS EXCLUSIVE', User: 'ACCESS EXCLUSIVE', Post: 'ACCESS EXCLUSIVE' });
      expect(locksOf(await effectOf('DROP TABLE "X"'))).toEqual({ X: 'ACCESS EXCLUSIVE', '(tables "X" references, if any)': 'ACCESS EXCLUSIVE?' });
    });

    it('rows: foreign-key checks of written rows, and what deleting referenced rows does to the rows that reference them', async () => {
      const schema = await facts();
      expect(locksOf(await effectOf('INSERT INTO "Post" ("id", "userId") VALUES (1, 1)', schema))).toEqual({ Post: 'ROW EXCLUSIVE', User: 'ROW SHARE?' });
      expect(locksOf(await effectOf('UPDATE "Post" SET "id" = 2', schema))).toEqual({ Post: 'ROW EXCLUSIVE' });
      // ON DELETE CASCADE, twice over.
      expect(locksOf(await effectOf('DELETE FROM "Tenant" WHERE "id" = 1', schema))).toEqual({ Tenant: 'ROW EXCLUSIVE', User: 'ROW EXCLUSIVE?', Post: 'ROW EXCLUSIVE?' });
    });
  });

  describe('a DO block locks what it runs', () => {
    it('its statements, on the schema as it finds it; a branch or what follows a RETURN only on some runs', async () => {
      const effect = await effectOf(
        `DO $$ BEGIN
           PERFORM 1 FROM "Tenant";
           IF NOT FOUND THEN RETURN; END IF;
           ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey";
         END $$`,
        await facts(),
      );
      expect(locksOf(effect)).toEqual({ Tenant: 'ACCESS EXCLUSIVE?', User: 'ACCESS EXCLUSIVE?' });
      expect(effect.action).toBe('DO $$ … $$: SELECT … FROM "Tenant"; ALTER TABLE "User" DROP CONSTRAINT "User_tenantId_fkey"');
      expect(effect.inner!.map((i) => i.conditional)).toEqual([false, false, true]);
    });

    it('an EXECUTE whose string is in the text; one built from a variable is unknown', async () => {
      const known = await effectOf(`DO $$ BEGIN EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', '_forge_backup', 'T__removed', current_schema()); END $$`);
      expect(locksOf(known)).toEqual({ '_forge_backup.T__removed': 'ACCESS EXCLUSIVE' });
      const unknown = await effectOf(`DO $$ DECLARE d text := 'UNIQUE ("x")'; BEGIN EXECUTE 'ALTER TABLE "User" ADD CONSTRAINT "u" ' || d; END $$`);
      expect(locksOf(unknown)).toEqual({ [`(what EXECUTE 'ALTER TABLE "User" ADD CONSTRAINT "u" ' || d runs)`]: 'ACCESS EXCLUSIVE?' });
      expect(unknown.notes).toContain('runs SQL only known when it runs: what that locks is not known before');
    });

    it('works out EXECUTE strings: literals, ||, format() (%s %I %L, positions), quote_ident, CASE branches', async () => {
      await parseMigration('SELECT 1'); // loads the parser
      expect(staticStrings(`'a' || 'b'`)).toEqual(['ab']);
      expect(staticStrings(`format('%I.%s = %L', 'T', 'x', 'it''s')`)).toEqual([`"T".x = 'it''s'`]);
      expect(staticStrings(`format('%2$s %1$s', 'a', 'b')`)).toEqual(['b a']);
      expect(staticStrings(`'x' || CASE WHEN true THEN ' A' ELSE '' END`)).toEqual(['x A', 'x']);
      expect(staticStrings(`quote_ident('User') || current_schema()`)).toEqual(['"User"public']);
      expect(staticStrings(`'x' || some_variable`)).toBeNull();
    });
  });
});
