import { brief, lintSql } from '../../../testing/lint';

const rule = 'foreign-key-not-valid';
const lint = (sql: string, history?: string[]) => lintSql(`SET LOCAL lock_timeout = '5s';\n${sql}`, { rule, history });
const FK = 'ALTER TABLE "AuditLog" ADD CONSTRAINT "f" FOREIGN KEY ("userId") REFERENCES "User"("id")';

describe(rule, () => {
  it('flags a validated foreign key on an existing table, naming both tables', async () => {
    const [finding, ...rest] = await lint(`${FK};`);
    expect(rest).toEqual([]);
    expect(finding.message).toMatch(/checks every row of "AuditLog" while SHARE ROW EXCLUSIVE blocks writes to "AuditLog" and "User"/);
    expect(finding.fix).toMatch(/NOT VALID.*VALIDATE CONSTRAINT/s);
  });

  it('flags ADD COLUMN … REFERENCES on an existing table', async () => {
    expect(brief(await lint('ALTER TABLE "Order" ADD COLUMN "approverId" INTEGER REFERENCES "User"("id");'))).toEqual(['migration.sql:2 foreign-key-not-valid']);
  });

  it('flags VALIDATE in the same transaction as ADD … NOT VALID', async () => {
    const findings = await lint(`${FK} NOT VALID;\nALTER TABLE "AuditLog" VALIDATE CONSTRAINT "f";`);
    expect(brief(findings)).toEqual(['migration.sql:3 foreign-key-not-valid']);
    expect(findings[0].message).toMatch(/same transaction that added it NOT VALID/);
  });

  it.each([
    ['NOT VALID', `${FK} NOT VALID;`],
    ['a foreign key of a table created in the same migration', 'CREATE TABLE "Price" ("id" INTEGER, "productId" INTEGER);\nALTER TABLE "Price" ADD CONSTRAINT "p" FOREIGN KEY ("productId") REFERENCES "Product"("id");'],
    ['an inline REFERENCES in CREATE TABLE', 'CREATE TABLE "Price" ("id" INTEGER, "productId" INTEGER REFERENCES "Product"("id"));'],
  ])('does not flag %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });

  it('does not flag VALIDATE of a key added NOT VALID by an earlier migration', async () => {
    expect(await lint('ALTER TABLE "AuditLog" VALIDATE CONSTRAINT "f";', [`${FK} NOT VALID;`])).toEqual([]);
  });
});
