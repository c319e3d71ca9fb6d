import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { withClient } from '../pg-client';
import { seedTables } from './seed';
import { rowsFor } from '../../testing/test-size';

const pgServer = useEmbeddedPostgres();

const SAMPLE_SCHEMA = readFileSync(join(__dirname, '../../../../prisma/prisma/migrations/20250101000000_baseline/migration.sql'), 'utf8');
const TRICKY_SCHEMA = readFileSync(join(__dirname, '__fixtures__/tricky-schema.sql'), 'utf8');

const ROWS = rowsFor(20_000, 100_000);

// Set-based INSERT … SELECT: 100k rows must take seconds, not minutes. The bound is generous
// (a slow CI machine) and still fails for row-by-row inserts, which take minutes here.
describe(`${ROWS.toLocaleString('en')} rows`, () => {
  it('into the sample AuditLog (and its two parents), and into product (after a self-referencing category tree)', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `${SAMPLE_SCHEMA}\n${TRICKY_SCHEMA}`);

    const timed = async (tables: string[]) => {
      const started = performance.now();
      const result = await withClient(url, (client) => seedTables(client, tables, { rows: ROWS }));
      return { result, seconds: (performance.now() - started) / 1000 };
    };
    const audit = await timed(['AuditLog']);
    const product = await timed(['product']);
    console.log(
      `seedTables, ${ROWS} rows per table: AuditLog + Tenant + User in ${audit.seconds.toFixed(2)} s; ` +
        `category (+ tree UPDATE) + product in ${product.seconds.toFixed(2)} s`,
    );

    expect(audit.result).toEqual(['Tenant', 'User', 'AuditLog'].map((table) => ({ schema: 'public', table, inserted: ROWS })));
    expect(product.result).toEqual(['category', 'product'].map((table) => ({ schema: 'public', table, inserted: ROWS })));
    expect(await query(url, `SELECT count(DISTINCT sku) AS skus, count(DISTINCT category_slug) AS categories FROM product`)).toEqual([
      { skus: String(ROWS), categories: String(ROWS) },
    ]);
    expect(await query(url, `SELECT count(parent_slug) AS n FROM category`)).toEqual([{ n: String(ROWS - 1) }]);
    expect(audit.seconds).toBeLessThan(60);
    expect(product.seconds).toBeLessThan(60);
  });
});
