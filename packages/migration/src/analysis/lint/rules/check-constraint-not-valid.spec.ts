import { brief, lintSql } from '../../../testing/lint';

const rule = 'check-constraint-not-valid';
const lint = (sql: string, history?: string[]) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule, history });
const CHECK = 'ALTER TABLE "Order" ADD CONSTRAINT "positive" CHECK ("totalCents" >= 0)';

describe(rule, () => {
  it('flags a validated CHECK on an existing table', async () => {
    const [finding] = await lint(`${CHECK};`);
    expect(finding.message).toMatch(/checks every row of "Order" under ACCESS EXCLUSIVE/);
  });

  it('flags PostgreSQL 18’s validated ADD CONSTRAINT … NOT NULL on an existing table, not its NOT VALID form', async () => {
    const notNull = 'ALTER TABLE "Order" ADD CONSTRAINT "Order_note_not_null" NOT NULL "note"';
    const [finding, ...rest] = await lint(`${notNull};`);
    expect(rest).toEqual([]);
    expect(finding.message).toMatch(/NOT NULL checks every row of "Order" under ACCESS EXCLUSIVE/);
    expect(await lint(`${notNull} NOT VALID;`)).toEqual([]);
  });

  it('flags VALIDATE in the same transaction as ADD … NOT VALID', async () => {
    expect(brief(await lint(`${CHECK} NOT VALID;\nALTER TABLE "Order" VALIDATE CONSTRAINT "positive";`))).toEqual(['migration.sql:3 check-constraint-not-valid']);
  });

  it.each([
    ['NOT VALID', `${CHECK} NOT VALID;`],
    ['a CHECK on a table created in the same migration', 'CREATE TABLE "T" ("n" INTEGER);\nALTER TABLE "T" ADD CONSTRAINT "c" CHECK ("n" > 0);'],
  ])('does not flag %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });

  it('does not flag VALIDATE of a check added by an earlier migration', async () => {
    expect(await lint('ALTER TABLE "Order" VALIDATE CONSTRAINT "positive";', [`${CHECK} NOT VALID;`])).toEqual([]);
  });
});
