import { brief, lintSql, SAMPLE_BASELINE } from '../../testing/lint';
import { lintMigrations } from './lint';

describe('lintMigrations (the engine)', () => {
  it('reports each finding with folder, script, line, statement, problem and fix', async () => {
    const report = await lintMigrations([
      { name: '20250101000000_baseline', up: SAMPLE_BASELINE, down: null },
      { name: '20250102000000_index', up: '-- CreateIndex\nCREATE INDEX "i" ON "AuditLog"("action");\n', down: 'DROP INDEX "i";' },
    ]);
    expect(report.migrations).toEqual(['20250101000000_baseline', '20250102000000_index']);
    expect(report.findings.map((f) => `${f.migration} ${f.script}:${f.line} ${f.rule}`)).toEqual([
      '20250102000000_index migration.sql:2 require-lock-timeout',
      '20250102000000_index migration.sql:2 require-concurrent-index-creation',
      '20250102000000_index down.sql:1 require-lock-timeout',
      '20250102000000_index down.sql:1 require-concurrent-index-deletion',
    ]);
    expect(report.findings[1]).toMatchObject({ severity: 'error', statement: 'CREATE INDEX "i" ON "AuditLog"("action")' });
    expect(report.findings[1].fix).toMatch(/CONCURRENTLY/);
    expect([report.errors, report.warnings]).toEqual([4, 0]);
  });

  it('reads the folders before as history but reports only the selected ones', async () => {
    const report = await lintMigrations(
      [
        { name: '1_create', up: 'CREATE TABLE "T" ("a" TEXT);', down: null },
        { name: '2_index', up: 'CREATE INDEX CONCURRENTLY "t_a" ON "T"("a");', down: null },
        { name: '3_drop', up: 'DROP INDEX "t_a";', down: null },
      ],
      { only: ['3_drop'] },
    );
    expect(report.migrations).toEqual(['3_drop']);
    expect(report.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/DROP INDEX "t_a" takes ACCESS EXCLUSIVE on "T"/),
      expect.stringMatching(/DROP INDEX "t_a" takes an ACCESS EXCLUSIVE lock on "T"/),
    ]);
  });

  it('turns SQL that PostgreSQL cannot parse into a finding, and goes on with the next folder', async () => {
    const report = await lintMigrations([
      { name: '1_bad', up: 'SELECT 1;\nALTER TABLE "User" ADD COLUMN;\n', down: null },
      { name: '2_next', up: 'DROP TABLE "Gone";', down: null },
    ]);
    expect(report.findings.map((f) => `${f.migration}:${f.line} ${f.rule}`)).toEqual(['1_bad:2 syntax-error', '2_next:1 require-lock-timeout', '2_next:1 drop-table-without-backup']);
    expect(report.findings[0].message).toMatch(/syntax error/);
  });

  describe('suppressions', () => {
    const DROP = `SET LOCAL lock_timeout = '5s';\n-- AlterTable\n`;

    it('an explicit, reasoned allow comment right above the statement suppresses that rule only', async () => {
      const findings = await lintSql(`${DROP}-- forge-lint: allow drop-column-without-backup -- values copied to the archive DB by the ETL job\nALTER TABLE "User" DROP COLUMN "name";`);
      expect(findings).toEqual([]);
    });

    it('allows several rules in one comment', async () => {
      const sql = '-- forge-lint: allow require-lock-timeout, require-concurrent-index-creation -- table is empty in every environment\nCREATE INDEX "i" ON "AuditLog"("action");';
      expect(await lintSql(sql)).toEqual([]);
    });

    it('does not reach past a blank line or another statement', async () => {
      const sql = `${DROP}-- forge-lint: allow drop-column-without-backup -- reason\nSELECT 1;\nALTER TABLE "User" DROP COLUMN "name";`;
      expect(brief(await lintSql(sql))).toEqual(['migration.sql:3 unused-suppression', 'migration.sql:5 drop-column-without-backup']);
    });

    it.each([
      ['without a reason', '-- forge-lint: allow drop-column-without-backup', /gives no reason/],
      ['with an empty reason', '-- forge-lint: allow drop-column-without-backup --   ', /gives no reason/],
      ['naming an unknown rule', '-- forge-lint: allow drop-colum -- typo', /unknown rule\(s\) drop-colum/],
      ['malformed', '-- forge-lint: please ignore', /not of the form/],
    ])('rejects a suppression %s (the finding stays)', async (_, comment, problem) => {
      const findings = await lintSql(`${DROP}${comment}\nALTER TABLE "User" DROP COLUMN "name";`);
      expect(brief(findings)).toEqual(['migration.sql:3 invalid-suppression', 'migration.sql:4 drop-column-without-backup']);
      expect(findings[0].message).toMatch(problem);
    });

    it('warns about a suppression that suppresses nothing', async () => {
      const findings = await lintSql(`SET LOCAL lock_timeout = '5s';\n-- forge-lint: allow changing-column-type -- widening\nALTER TABLE "Product" ALTER COLUMN "sku" TYPE VARCHAR(64);`);
      expect(brief(findings)).toEqual(['migration.sql:2 unused-suppression']);
      expect(findings[0].severity).toBe('warning');
    });
  });

  it('lints down.sql against the state its migration.sql leaves', async () => {
    const up = `SET LOCAL lock_timeout = '5s';\nCREATE TABLE "Setting" ("id" SERIAL NOT NULL, "key" TEXT);\nALTER TABLE "User" ADD COLUMN "prefs" JSONB;`;
    // The drops undo what the migration created: nothing older is lost.
    expect(await lintSql(up, { down: `SET LOCAL lock_timeout = '5s';\nALTER TABLE "User" DROP COLUMN "prefs";\nDROP TABLE "Setting";` })).toEqual([]);
    // But the table the migration created is not new any more when down.sql runs: it may have rows.
    const down = `SET LOCAL lock_timeout = '5s';\nCREATE INDEX "k" ON "Setting"("key");`;
    expect(brief(await lintSql(up, { down }))).toEqual(['down.sql:2 require-concurrent-index-creation']);
  });
});
