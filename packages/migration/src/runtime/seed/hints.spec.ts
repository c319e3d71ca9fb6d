import { query, useEmbeddedPostgres } from '../../testing/database';
import { connect } from '../pg-client';
import { formatSeedHint, parseSeedHints } from './hints';
import { seedTables } from './seed';

const pg = useEmbeddedPostgres();

describe('seed hints', () => {
  it('round-trips through migration comments', () => {
    const sql = [
      formatSeedHint({ table: 'Order', column: 'status', values: ['pending', "it's"] }),
      formatSeedHint({ table: 'Order', column: 'couponId', references: { table: 'Coupon', column: 'id' } }),
      'ALTER TABLE "Order" ADD COLUMN "x" INT;',
    ].join('\n');
    expect(parseSeedHints(sql)).toEqual([
      { table: 'Order', column: 'status', values: ['pending', "it's"] },
      { table: 'Order', column: 'couponId', references: { table: 'Coupon', column: 'id' } },
    ]);
  });

  it('makes the seeder use the listed values and existing parent keys', async () => {
    const url = await pg.freshDatabase();
    await query(url, `CREATE TABLE "Coupon" (id int PRIMARY KEY, code text NOT NULL);
      CREATE TABLE "Order" (id serial PRIMARY KEY, status text NOT NULL, "couponId" int NOT NULL);`);
    const client = await connect(url);
    try {
      await seedTables(client, ['Order'], {
        rows: 50,
        hints: [
          { table: 'Order', column: 'status', values: ['pending', 'paid'] },
          { table: 'Order', column: 'couponId', references: { table: 'Coupon', column: 'id' } },
          { table: 'Missing', column: 'x', values: ['ignored'] },
        ],
      });
    } finally {
      await client.end();
    }
    expect(await query(url, `SELECT array_agg(DISTINCT status ORDER BY status) AS s FROM "Order"`)).toEqual([{ s: ['paid', 'pending'] }]);
    expect(await query(url, `SELECT count(*)::int AS orphans FROM "Order" o WHERE NOT EXISTS (SELECT 1 FROM "Coupon" c WHERE c.id = o."couponId")`)).toEqual([
      { orphans: 0 },
    ]);
    expect(await query(url, `SELECT count(*)::int AS n FROM "Coupon"`)).toEqual([{ n: 50 }]);
  });
});
