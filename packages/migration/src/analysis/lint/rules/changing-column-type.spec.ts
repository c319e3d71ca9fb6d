import { brief, lintSql } from '../../../testing/lint';

const rule = 'changing-column-type';
const lint = (sql: string, options: { history?: string[]; noBaseline?: boolean } = {}) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule, ...options });

describe(rule, () => {
  it('flags a change that rewrites, naming both types from the history', async () => {
    const [finding] = await lint('ALTER TABLE "Product" ALTER COLUMN "priceCents" SET DATA TYPE DECIMAL(12,2);');
    expect(finding.message).toMatch(/"Product"\."priceCents" from int4 to numeric\(12,2\) rewrites every row/);
    expect(finding.fix).toMatch(/modify-column/);
  });

  it.each([
    ['narrowing a varchar', 'ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(16);'],
    ['text → varchar(n)', 'ALTER TABLE "Product" ALTER COLUMN "title" SET DATA TYPE VARCHAR(100);'],
    ['any USING clause', `ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64) USING "sku"::varchar(64);`],
  ])('flags %s', async (_, sql) => {
    expect(brief(await lint(sql))).toEqual(['migration.sql:2 changing-column-type']);
  });

  it('flags a column whose current type no migration shows, and says how to allow it', async () => {
    const [finding] = await lint('ALTER TABLE "Legacy" ALTER COLUMN "code" TYPE VARCHAR(64);', { noBaseline: true });
    expect(finding.message).toMatch(/no migration before this one shows the column's current type/);
    expect(finding.fix).toMatch(/-- forge-lint: allow changing-column-type -- <old type> → varchar\(64\) is binary-coercible/);
  });

  it('accepts that explicit, reasoned suppression', async () => {
    const sql = '-- forge-lint: allow changing-column-type -- varchar(32) → varchar(64) is binary-coercible\nALTER TABLE "Legacy" ALTER COLUMN "code" TYPE VARCHAR(64);';
    expect(await lint(sql, { noBaseline: true })).toEqual([]);
  });

  it.each([
    ['varchar(32) → varchar(64)', 'ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64);'],
    ['varchar(32) → text', 'ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE TEXT;'],
    ['timestamp(3) → timestamp(6)', 'ALTER TABLE "Order" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMP(6);'],
    ['a table created in the same migration', 'CREATE TABLE "T" ("a" INTEGER);\nALTER TABLE "T" ALTER COLUMN "a" TYPE BIGINT;'],
  ])('does not flag %s (no rewrite)', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });

  it('follows types through earlier changes: varchar(64) → text after a widening', async () => {
    const findings = await lint('ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE TEXT;', {
      history: ['ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64);'],
    });
    expect(findings).toEqual([]);
    const narrowing = await lint('ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(48);', {
      history: ['ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64);'],
    });
    expect(narrowing[0].message).toMatch(/from varchar\(64\) to varchar\(48\)/);
  });
});
