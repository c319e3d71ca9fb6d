import { brief, lintSql } from '../../../testing/lint';

const rule = 'identifier-too-long';
const lint = (sql: string) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule });
const LONG = 'a'.repeat(64);

describe(rule, () => {
  it.each([
    ['a table', `CREATE TABLE "${LONG}" ("id" INTEGER);`],
    ['a column', `ALTER TABLE "User" ADD COLUMN "${LONG}" TEXT;`],
    ['an index', `CREATE INDEX CONCURRENTLY "${LONG}" ON "User"("name");`],
    ['a constraint', `ALTER TABLE "Order" ADD CONSTRAINT "${LONG}" CHECK ("totalCents" >= 0) NOT VALID;`],
    ['a rename target', `ALTER TABLE "User" RENAME COLUMN "name" TO "${LONG}";`],
    ['a function', `CREATE FUNCTION "_forge"."${LONG}"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;`],
  ])('flags %s name over 63 bytes', async (_, sql) => {
    const findings = await lint(sql);
    expect(brief(findings)).toEqual(['migration.sql:2 identifier-too-long']);
    expect(findings[0].message).toMatch(/is 64 bytes: PostgreSQL silently truncates it to "a{63}"/);
  });

  it('counts bytes, not characters (é is 2 bytes in UTF-8)', async () => {
    const name = 'é'.repeat(32); // 32 characters, 64 bytes
    expect(await lint(`ALTER TABLE "User" ADD COLUMN "${name}" TEXT;`)).toHaveLength(1);
  });

  it.each([
    ['a 63-byte name', `ALTER TABLE "User" ADD COLUMN "${'a'.repeat(63)}" TEXT;`],
    ['a long string literal', `UPDATE "User" SET "name" = '${'x'.repeat(200)}' WHERE "id" = 1;`],
    ['a long function body', `CREATE FUNCTION "_forge"."f"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN ${'PERFORM 1; '.repeat(20)} RETURN NEW; END $f$;`],
  ])('does not flag %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });
});
