import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { BASELINE, migrationFolder, projectTarget, sampleDirectory } from '../../testing/migrations';
import { SAMPLE_PROJECT_DIR } from '../../testing/sample-tree';
import { migrate } from '../migrate';
import { validateMigrations } from '../validate/validate';
import { seedTables } from './seed';
import { withClient } from '../pg-client';

const pg = useEmbeddedPostgres();
const SCHEMA = [{ path: 'schema.prisma', content: readFileSync(join(SAMPLE_PROJECT_DIR, 'prisma/schema.prisma'), 'utf8') }];

const ledger = migrationFolder(
  '20250301000000_ledger',
  `CREATE TABLE "Ledger" ("id" SERIAL PRIMARY KEY, "amount" DECIMAL(65,30) NOT NULL, "memo" VARCHAR(40), "tags" TEXT[] NOT NULL DEFAULT '{}', "blob" BYTEA, "count" INTEGER NOT NULL,
     "kind" TEXT NOT NULL CHECK ("kind" IN ('a', 'b')));\n`,
  `DROP TABLE "Ledger";\n`,
);

describe('seeded edge values', () => {
  it('one seeded row holds each type at its edge, where no constraint says otherwise', async () => {
    const url = await pg.freshDatabase();
    await query(url, ledger.sql);
    await withClient(url, (client) => seedTables(client, ['Ledger'], { rows: 20 }));
    const [row] = await query<Record<string, string | null>>(url, `SELECT amount::text, memo, tags::text, encode(blob, 'hex') AS blob, count::text, kind FROM "Ledger" ORDER BY id OFFSET 1 LIMIT 1`);
    expect(row).toEqual({
      amount: `${'9'.repeat(35)}.${'9'.repeat(30)}`,
      memo: 'Zoë Ångström — 東京 ✓ '.repeat(2), // varchar(40) filled to its limit
      tags: '{}',
      blob: '',
      count: '2147483647',
      kind: expect.stringMatching(/^[ab]$/), // a CHECK decides its values
    });
    expect([...row.memo!]).toHaveLength(40);
    // The other rows are the seed's ordinary values.
    expect(await query(url, `SELECT count(*)::int AS n FROM "Ledger" WHERE count = 2147483647`)).toEqual([{ n: 1 }]);
  });

  it('a Decimal(65,30) → Decimal(12,4) change fails validation, as it would on real data', async () => {
    const url = await pg.freshDatabase();
    const narrow = migrationFolder('20250302000000_narrow_amount', `ALTER TABLE "Ledger" ALTER COLUMN "amount" TYPE DECIMAL(12,4);\n`, `ALTER TABLE "Ledger" ALTER COLUMN "amount" TYPE DECIMAL(65,30);\n`);
    const directory = sampleDirectory(ledger, narrow);
    const { error } = await migrate(projectTarget(url, directory), { to: BASELINE });
    if (error) throw error;
    const report = await validateMigrations(projectTarget(url, directory), [narrow.name], SCHEMA, { traffic: false });
    expect(report.migrations.map((m) => [m.verdict, m.problems.join('\n')])).toEqual([['fail', expect.stringMatching(/^up failed: .*numeric field overflow/s)]]);
  });
});
