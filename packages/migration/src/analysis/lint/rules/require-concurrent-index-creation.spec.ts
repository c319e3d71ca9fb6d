import { brief, lintSql } from '../../../testing/lint';

const rule = 'require-concurrent-index-creation';
const lint = (sql: string) => lintSql(sql, { rule });

describe(rule, () => {
  it.each([
    ['a plain index on an existing table', 'CREATE INDEX "i" ON "AuditLog"("tenantId");'],
    ['a plain unique index', `SET LOCAL lock_timeout = '5s';\nCREATE UNIQUE INDEX "u" ON "User"("tenantId", "name");`],
    ['ADD UNIQUE without USING INDEX', `ALTER TABLE "Product" ADD CONSTRAINT "p_title" UNIQUE ("title");`],
    ['a table the history does not show (assumed to exist)', 'CREATE INDEX "i" ON "Elsewhere"("x");'],
  ])('flags %s', async (_, sql) => {
    const findings = await lint(sql);
    expect(findings).toHaveLength(1);
    expect(findings[0].fix).toMatch(/CONCURRENTLY/);
  });

  it('names the lock, the table and the line', async () => {
    const [finding] = await lint('-- index\nCREATE INDEX "i" ON "AuditLog"("tenantId");');
    expect(finding).toMatchObject({ line: 2, severity: 'error', statement: 'CREATE INDEX "i" ON "AuditLog"("tenantId")' });
    expect(finding.message).toMatch(/SHARE lock on "AuditLog": every write/);
  });

  it.each([
    ['CREATE INDEX CONCURRENTLY', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "AuditLog"("tenantId");'],
    ['an index on a table created earlier in the same migration', 'CREATE TABLE "Price" ("id" SERIAL NOT NULL, "cents" INTEGER);\nCREATE INDEX "p" ON "Price"("cents");'],
    ['ADD UNIQUE USING INDEX (built concurrently before)', `ALTER TABLE "Product" ADD CONSTRAINT "p_title" UNIQUE USING INDEX "p_title";`],
    ['a primary key declared in CREATE TABLE', 'CREATE TABLE "T" ("id" INTEGER, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));'],
  ])('does not flag %s', async (_, sql) => {
    expect(brief(await lint(sql))).toEqual([]);
  });

  it('flags an index on a table created by an EARLIER migration (it may have rows now)', async () => {
    const findings = await lintSql('CREATE INDEX "p" ON "Price"("cents");', { history: ['CREATE TABLE "Price" ("id" SERIAL NOT NULL, "cents" INTEGER);'], rule });
    expect(brief(findings)).toEqual(['migration.sql:1 require-concurrent-index-creation']);
  });
});
