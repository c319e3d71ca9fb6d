import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { withClient } from '../pg-client';
import { type Catalog, findTable, readCatalog } from './catalog';
import { SeedError } from './errors';
import { planSeed } from './plan';

const pgServer = useEmbeddedPostgres();

const SAMPLE_SCHEMA = readFileSync(join(__dirname, '../../../../prisma/prisma/migrations/20250101000000_baseline/migration.sql'), 'utf8');
const TRICKY_SCHEMA = readFileSync(join(__dirname, '__fixtures__/tricky-schema.sql'), 'utf8');

async function catalogOf(sql: string): Promise<Catalog> {
  const url = await pgServer.freshDatabase();
  await query(url, sql);
  return withClient(url, (client) => readCatalog(client));
}

function plan(catalog: Catalog, targets: string[], withRows: string[] = [], onlyIfEmpty = true) {
  const steps = planSeed(
    catalog,
    targets.map((t) => findTable(catalog, t)),
    { hasRows: (t) => withRows.includes(t.name), onlyIfEmpty },
  );
  return steps.map((s) => ({ table: s.table.name, insert: s.insert, target: s.target, deferred: s.deferred.map((fk) => fk.name) }));
}

describe('planSeed on catalogs read from PostgreSQL', () => {
  it('reads keys, foreign keys, enums and domains from the catalog', async () => {
    const catalog = await catalogOf(TRICKY_SCHEMA);
    const account = findTable(catalog, 'account');
    const product = findTable(catalog, 'product');
    const shelf = findTable(catalog, 'shelf');

    expect(catalog.schema).toBe('public');
    expect(account.primaryKey).toEqual(['id']);
    expect(account.uniques.map((u) => [u.name, u.columns, u.expression])).toEqual([
      ['account_pkey', ['id'], false],
      ['account_email_lower', ['email'], true],
      ['account_handle_key', ['handle'], false],
    ]);
    expect(account.columns.find((c) => c.name === 'code')).toMatchObject({ sqlType: 'short_code', nullable: false }); // NOT NULL from the domain
    expect(product.uniques.find((u) => u.name === 'product_category_slug_size_key')?.columns).toEqual(['category_slug', 'size']);
    expect(product.checks.map((c) => c.name).sort()).toEqual(['product_name_check', 'product_price_check', 'product_status_check', 'product_stock_check']);
    expect(product.columns.find((c) => c.name === 'id')).toMatchObject({ serial: true });
    expect(shelf.foreignKeys).toEqual([
      { name: 'shelf_region_num_fkey', columns: ['region', 'num'], refSchema: 'public', refTable: 'warehouse', refColumns: ['region', 'num'], matchFull: false },
    ]);
    expect(shelf.columns.map((c) => [c.name, c.identity, c.generated])).toEqual([
      ['id', true, false],
      ['region', false, false],
      ['num', false, false],
      ['label', false, true],
    ]);
    const mood = [...catalog.types.values()].find((t) => t.name === 'mood');
    expect(mood?.enumLabels).toEqual(['happy', 'sad', 'meh']);
  });

  it('puts parents first, including parents outside the targets, in a reproducible order', async () => {
    const catalog = await catalogOf(SAMPLE_SCHEMA);

    expect(plan(catalog, ['OrderItem'])).toEqual([
      { table: 'Product', insert: true, target: false, deferred: [] },
      { table: 'Tenant', insert: true, target: false, deferred: [] },
      { table: 'User', insert: true, target: false, deferred: [] },
      { table: 'Order', insert: true, target: false, deferred: [] },
      { table: 'OrderItem', insert: true, target: true, deferred: [] },
    ]);
  });

  it('does not seed parents that already have rows (nor their parents), and skips targets that have rows', async () => {
    const catalog = await catalogOf(SAMPLE_SCHEMA);

    expect(plan(catalog, ['OrderItem', 'Tenant'], ['Order', 'Tenant'])).toEqual([
      { table: 'Product', insert: true, target: false, deferred: [] },
      { table: 'OrderItem', insert: true, target: true, deferred: [] },
      { table: 'Tenant', insert: false, target: true, deferred: [] },
    ]);
    expect(plan(catalog, ['Tenant'], ['Tenant'], false)).toEqual([{ table: 'Tenant', insert: true, target: true, deferred: [] }]);
  });

  it('breaks a cycle on its nullable link and defers self-references', async () => {
    const catalog = await catalogOf(TRICKY_SCHEMA);

    expect(plan(catalog, ['team'])).toEqual([
      { table: 'employee', insert: true, target: false, deferred: ['employee_manager_id_fkey', 'employee_team_fkey'] },
      { table: 'team', insert: true, target: true, deferred: [] },
    ]);
    expect(plan(catalog, ['category'])).toEqual([{ table: 'category', insert: true, target: true, deferred: ['category_parent_slug_fkey'] }]);
  });

  it('refuses a cycle of NOT NULL foreign keys, naming every link', async () => {
    const catalog = await catalogOf(TRICKY_SCHEMA);

    expect(() => plan(catalog, ['hen'])).toThrow(SeedError);
    expect(() => plan(catalog, ['hen'])).toThrow(
      'Cannot seed "public"."egg", "public"."hen": their NOT NULL foreign keys form a cycle ("public"."egg"("hen_id") → "public"."hen", ' +
        '"public"."hen"("egg_id") → "public"."egg"), so no row can be inserted first.',
    );
    // With rows already in one of them, the other can point at those.
    expect(plan(catalog, ['hen'], ['egg'])).toEqual([{ table: 'hen', insert: true, target: true, deferred: [] }]);
  });

  it('refuses a NOT NULL self-reference on an empty table', async () => {
    const catalog = await catalogOf(`CREATE TABLE node (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES node (id));`);

    expect(() => plan(catalog, ['node'])).toThrow(/"public"\."node"\("parent_id"\) → "public"\."node"\), so no row can be inserted first/);
  });
});
