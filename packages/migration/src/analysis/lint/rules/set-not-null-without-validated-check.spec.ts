import { brief, lintSql } from '../../../testing/lint';

const rule = 'set-not-null-without-validated-check';
const lint = (sql: string, history?: string[]) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule, history });
const SET_NOT_NULL = 'ALTER TABLE "Order" ALTER COLUMN "note" SET NOT NULL;';
const CHECK_NOT_VALID = 'ALTER TABLE "Order" ADD CONSTRAINT "Order_note_not_null" CHECK ("note" IS NOT NULL) NOT VALID;';
const VALIDATE = 'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_note_not_null";';

describe(rule, () => {
  it('flags SET NOT NULL with no check at all', async () => {
    const [finding] = await lint(SET_NOT_NULL);
    expect(finding.message).toMatch(/"Order"\."note" scans every row under ACCESS EXCLUSIVE/);
    expect(finding.fix).toMatch(/NOT VALID.*VALIDATE.*modify-column --required/s);
  });

  it('flags it when the check was added NOT VALID but never validated', async () => {
    expect(brief(await lint(SET_NOT_NULL, [CHECK_NOT_VALID]))).toEqual(['migration.sql:2 set-not-null-without-validated-check']);
  });

  it('flags it when the validated check was dropped since', async () => {
    const findings = await lint(SET_NOT_NULL, [CHECK_NOT_VALID, `${VALIDATE}\nALTER TABLE "Order" DROP CONSTRAINT "Order_note_not_null";`]);
    expect(findings).toHaveLength(1);
  });

  it('flags it when the check is on another column', async () => {
    const findings = await lint(SET_NOT_NULL, ['ALTER TABLE "Order" ADD CONSTRAINT "c" CHECK ("status" IS NOT NULL);']);
    expect(findings).toHaveLength(1);
  });

  it.each([
    ['a check added NOT VALID in an earlier migration and validated earlier in this one (the generated recipe)', `${VALIDATE}\n${SET_NOT_NULL}`, [CHECK_NOT_VALID]],
    ['a check validated by an earlier migration', SET_NOT_NULL, [CHECK_NOT_VALID, VALIDATE]],
    ['a check added validated by an earlier migration', SET_NOT_NULL, ['ALTER TABLE "Order" ADD CONSTRAINT "c" CHECK ("note" IS NOT NULL);']],
    ['a column that is NOT NULL already', 'ALTER TABLE "Order" ALTER COLUMN "status" SET NOT NULL;', []],
    ['a table created in the same migration', 'CREATE TABLE "T" ("a" TEXT);\nALTER TABLE "T" ALTER COLUMN "a" SET NOT NULL;', []],
  ])('does not flag SET NOT NULL after %s', async (_, sql, history) => {
    expect(await lint(sql, history)).toEqual([]);
  });
});
