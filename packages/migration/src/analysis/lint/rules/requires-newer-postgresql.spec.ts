import { transactionalScript } from '../../../recipes/scripts';
import { lintSql } from '../../../testing/lint';
import { STATEMENT_FACTS } from '../../../versions/statement-facts';
import { stampTargetVersion } from '../../../versions/migration-target';

const rule = 'requires-newer-postgresql';
const generatedFor = (major: number, statements: string[]) => stampTargetVersion(transactionalScript('A change', statements, '5s'), major);
const NOT_NULL_NOT_VALID = 'ALTER TABLE "User" ADD CONSTRAINT "User_name_not_null" NOT NULL "name" NOT VALID;';

describe(rule, () => {
  it('flags what the major the migration was generated for lacks, naming both majors and the fix', async () => {
    const [finding, ...rest] = await lintSql(generatedFor(15, [NOT_NULL_NOT_VALID, 'ALTER TABLE "User" ADD COLUMN "k" UUID DEFAULT uuidv7();']), { rule });
    expect(finding.message).toBe(
      'This migration was generated for PostgreSQL 15, but ADD CONSTRAINT … NOT NULL col NOT VALID needs PostgreSQL 18: it fails on 15.',
    );
    expect(finding.fix).toMatch(/set pgVersion to it in the @forge\/migration plugin options in nx\.json/);
    expect(rest.map((f) => f.message)).toEqual([expect.stringContaining('uuidv7() (time-ordered UUIDs, built in) needs PostgreSQL 18')]);
  });

  it('allows it in a migration generated for a major that has it, and does not judge hand-written SQL', async () => {
    expect(await lintSql(generatedFor(18, [NOT_NULL_NOT_VALID]), { rule })).toEqual([]);
    expect(await lintSql(`${NOT_NULL_NOT_VALID}\n`, { rule })).toEqual([]);
  });

  it('knows SET EXPRESSION from 17 and virtual generated columns from 18, and leaves STORED ones and identities alone', async () => {
    const sql = generatedFor(16, [
      'ALTER TABLE "User" ADD COLUMN "g" INTEGER GENERATED ALWAYS AS (1) STORED;',
      'ALTER TABLE "User" ADD COLUMN "i" INTEGER GENERATED ALWAYS AS IDENTITY;',
      'ALTER TABLE "User" ALTER COLUMN "g" SET EXPRESSION AS (2);',
      'ALTER TABLE "User" ADD COLUMN "v" INTEGER GENERATED ALWAYS AS (3) VIRTUAL;',
    ]);
    expect((await lintSql(sql, { rule })).map((f) => f.statement.split(' ').slice(4, 6).join(' '))).toEqual(['COLUMN "g"', 'COLUMN "v"']);
  });

  it('spots every fact’s own statement by its usedBy', () => {
    for (const fact of STATEMENT_FACTS.filter((f) => f.usedBy)) expect([fact.id, fact.usedBy!.test(fact.sql)]).toEqual([fact.id, true]);
  });
});
