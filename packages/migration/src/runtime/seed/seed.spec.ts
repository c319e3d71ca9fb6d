import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { query, useEmbeddedPostgres } from '../../testing/database';
import type { RuntimeLogger } from '../logger';
import { withClient } from '../pg-client';
import { SeedError, type SeedOptions, seedTables } from './index';

const pgServer = useEmbeddedPostgres();

const SAMPLE_SCHEMA = readFileSync(join(__dirname, '../../../../prisma/prisma/migrations/20250101000000_baseline/migration.sql'), 'utf8');
const TRICKY_SCHEMA = readFileSync(join(__dirname, '__fixtures__/tricky-schema.sql'), 'utf8');

async function databaseWith(sql: string): Promise<string> {
  const url = await pgServer.freshDatabase();
  await query(url, sql);
  return url;
}

function seed(url: string, tables: string[], options?: SeedOptions) {
  return withClient(url, (client) => seedTables(client, tables, options));
}

async function one<T = number>(url: string, sql: string): Promise<T> {
  const [row] = await query<{ v: unknown }>(url, `SELECT (${sql}) AS v`);
  return (typeof row.v === 'string' && /^\d+$/.test(row.v) ? Number(row.v) : row.v) as T;
}

function collectingLogger(): RuntimeLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m) };
}

describe('seedTables on the sample Prisma schema', () => {
  it('seeds OrderItem after every parent it needs, with foreign keys spread over real parent rows', async () => {
    const url = await databaseWith(SAMPLE_SCHEMA);

    const result = await seed(url, ['OrderItem']);

    expect(result).toEqual(['Product', 'Tenant', 'User', 'Order', 'OrderItem'].map((table) => ({ schema: 'public', table, inserted: 100 })));
    for (const table of ['Tenant', 'User', 'Product', 'Order', 'OrderItem', 'AuditLog']) {
      expect([table, await one(url, `SELECT count(*) FROM "${table}"`)]).toEqual([table, table === 'AuditLog' ? 0 : 100]);
    }
    const orphans = await one(
      url,
      `SELECT count(*) FROM "OrderItem" i LEFT JOIN "Order" o ON o.id = i."orderId" LEFT JOIN "Product" p ON p.id = i."productId"
        LEFT JOIN "User" u ON u.id = o."userId" WHERE o.id IS NULL OR p.id IS NULL OR u.id IS NULL`,
    );
    expect(orphans).toBe(0);
    expect(await one(url, `SELECT count(DISTINCT "orderId") FROM "OrderItem"`)).toBe(100);
    expect(await one(url, `SELECT count(DISTINCT "tenantId") FROM "User"`)).toBe(100);
    expect(await one(url, `SELECT count(DISTINCT email) FROM "User"`)).toBe(100);
    expect(await one(url, `SELECT count(*) FROM "Product" WHERE length(sku) > 32`)).toBe(0);
    // Nullable columns meet NULLs, but not everywhere.
    expect(await one(url, `SELECT count(*) FROM "Order" WHERE note IS NULL`)).toBeGreaterThan(0);
    expect(await one(url, `SELECT count(*) FROM "Order" WHERE note IS NOT NULL`)).toBeGreaterThan(50);
  });

  it('seeds AuditLog (nullable userId gets some NULLs); a second call leaves every table as it was; onlyIfEmpty=false adds rows', async () => {
    const url = await databaseWith(SAMPLE_SCHEMA);

    expect(await seed(url, ['AuditLog'])).toEqual(['Tenant', 'User', 'AuditLog'].map((table) => ({ schema: 'public', table, inserted: 100 })));
    const nullUsers = await one(url, `SELECT count(*) FROM "AuditLog" WHERE "userId" IS NULL`);
    expect(nullUsers).toBeGreaterThan(0);
    expect(nullUsers).toBeLessThan(30);
    const counts = async () => query(url, `SELECT (SELECT count(*) FROM "Tenant") t, (SELECT count(*) FROM "User") u, (SELECT count(*) FROM "AuditLog") a, (SELECT count(*) FROM "Order") o`);
    const before = await counts();

    expect(await seed(url, ['AuditLog'])).toEqual([{ schema: 'public', table: 'AuditLog', inserted: 0 }]);
    expect(await counts()).toEqual(before);

    // Parents have rows now, so only the target grows; numbering continues, so unique values do not collide.
    expect(await seed(url, ['AuditLog', 'User'], { onlyIfEmpty: false, rows: 50 })).toEqual([
      { schema: 'public', table: 'AuditLog', inserted: 50 },
      { schema: 'public', table: 'User', inserted: 50 },
    ]);
    expect(await counts()).toEqual([{ t: '100', u: '150', a: '150', o: '0' }]);
    expect(await one(url, `SELECT count(DISTINCT email) FROM "User"`)).toBe(150);
  });
});

describe('seedTables on a hand-written schema', () => {
  const tables = ['account', 'category', 'product', 'account_product', 'shelf', 'slot', 'employee', 'team', 'coupon', 'event', 'measurement'];

  it('fills enums, arrays, composite keys, varchar(3) unique, domains, cycles and self-references', async () => {
    const url = await databaseWith(TRICKY_SCHEMA);
    const logger = collectingLogger();

    const result = await seed(url, tables, { logger });

    const order = result.map((r) => r.table);
    expect(result.every((r) => r.inserted === 100)).toBe(true);
    expect(order.sort()).toEqual([...tables, 'warehouse'].sort());
    const position = (t: string) => result.findIndex((r) => r.table === t);
    expect(position('warehouse')).toBeLessThan(position('shelf'));
    expect(position('category')).toBeLessThan(position('product'));
    expect(position('account')).toBeLessThan(position('account_product'));
    expect(position('product')).toBeLessThan(position('account_product'));
    expect(position('employee')).toBeLessThan(position('team')); // team.lead_id is NOT NULL, employee.team_id nullable

    // varchar(3) UNIQUE: 100 distinct values that fit.
    expect(await query(url, `SELECT count(DISTINCT handle) AS n, max(length(handle)) AS len FROM account`)).toEqual([{ n: '100', len: 3 }]);
    expect(await one(url, `SELECT count(DISTINCT lower(email)) FROM account`)).toBe(100);
    expect(await one(url, `SELECT count(DISTINCT mood) FROM account`)).toBe(3);
    expect(await one(url, `SELECT count(*) FROM account WHERE cardinality(moods) > 0`)).toBeGreaterThan(50);
    expect(await one(url, `SELECT count(DISTINCT plan) FROM account`)).toBe(3);
    expect(await one(url, `SELECT count(*) FROM account WHERE note IS NULL`)).toBeGreaterThan(0);
    expect(await one(url, `SELECT count(*) FROM account WHERE profile ? 'n'`)).toBe(100);
    expect(await one<string>(url, `SELECT pg_typeof(balance)::text FROM account LIMIT 1`)).toBe('numeric');
    expect(await one(url, `SELECT count(*) FROM account WHERE balance <> round(balance, 2) OR level <= 0`)).toBe(0);

    // Self-reference: a tree, filled after the insert.
    expect(await one(url, `SELECT count(*) FROM category WHERE parent_slug IS NULL`)).toBe(1);
    expect(await one(url, `SELECT count(*) FROM category WHERE parent_slug = slug`)).toBe(0);
    // Cycle employee ⇄ team broken on the nullable employee.team_id, filled afterwards.
    expect(await one(url, `SELECT count(*) FROM employee WHERE team_id IS NOT NULL`)).toBeGreaterThan(50);
    expect(await one(url, `SELECT count(*) FROM employee WHERE manager_id IS NOT NULL`)).toBe(99);

    // CHECKs: IN-list, range, positive all satisfied; the composite unique (category_slug, size) held.
    expect(await one(url, `SELECT count(DISTINCT status) FROM product`)).toBe(3);
    expect(await one(url, `SELECT count(*) FROM product WHERE stock BETWEEN 0 AND 500 AND price > 0`)).toBe(100);
    // slot has no column unique on its own: the seeder combined day × hour × room.
    expect(await query(url, `SELECT count(DISTINCT day) AS days, count(DISTINCT (day, hour, room)) AS combos FROM slot`)).toEqual([{ days: '7', combos: '100' }]);
    // Identity and generated columns were left to the database.
    expect(await one(url, `SELECT count(*) FROM shelf WHERE label = 'shelf ' || region || num`)).toBe(100);
    // Rows went through the partitioned parent into both partitions.
    expect(await query(url, `SELECT count(*) FILTER (WHERE tableoid = 'measurement_0'::regclass) > 0 AS p0, count(*) FILTER (WHERE tableoid = 'measurement_1'::regclass) > 0 AS p1 FROM measurement`)).toEqual([{ p0: true, p1: true }]);
    // A CHECK the seeder cannot read, on a nullable column: NULL, and a warning that says so.
    expect(await one(url, `SELECT count(*) FROM coupon WHERE code IS NULL AND percent BETWEEN 1 AND 100`)).toBe(100);
    expect(logger.warnings).toEqual([expect.stringMatching(/"public"\."coupon": CHECK constraint "coupon_code_format" .* seeding "code" as NULL/)]);
  });

  it('explains a cycle of NOT NULL foreign keys, and writes nothing', async () => {
    const url = await databaseWith(TRICKY_SCHEMA);

    const error = await seed(url, ['account', 'egg']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SeedError);
    expect((error as Error).message).toMatch(/NOT NULL foreign keys form a cycle/);
    expect((error as Error).message).toContain('"public"."egg"("hen_id") → "public"."hen"');
    expect((error as Error).message).toContain('"public"."hen"("egg_id") → "public"."egg"');
    expect(await one(url, `SELECT count(*) FROM account`)).toBe(0);
  });

  it('names the table and the CHECK constraint it cannot satisfy, and rolls back the tables seeded before', async () => {
    const url = await databaseWith(TRICKY_SCHEMA);

    const error = await seed(url, ['account', 'voucher']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SeedError);
    expect((error as Error).message).toMatch(/^Cannot seed "public"\."voucher": the generated rows violate CHECK constraint "voucher_code_format" CHECK \(\(code ~ /);
    expect(await one(url, `SELECT count(*) FROM account`)).toBe(0);
  });

  it('refuses more rows than a small unique column can hold, naming the key', async () => {
    const url = await databaseWith(`CREATE TABLE tiny (code char(1) PRIMARY KEY, n int);`);

    expect(await seed(url, ['tiny'], { rows: 36 })).toEqual([{ schema: 'public', table: 'tiny', inserted: 36 }]);
    await query(url, 'TRUNCATE tiny');
    await expect(seed(url, ['tiny'], { rows: 37 })).rejects.toThrow(
      /Cannot seed 37 rows into "public"\."tiny": unique key "tiny_pkey" \("code"\) allows only 36 distinct rows .*"code": character\(1\) \(36 distinct values\)/,
    );
  });

  it('reports a NOT NULL column of a type it cannot generate, and leaves nullable ones NULL', async () => {
    const url = await databaseWith(`CREATE TABLE query_log (id int PRIMARY KEY, q tsquery, must tsquery NOT NULL);
                                    CREATE TABLE query_ok (id int PRIMARY KEY, q tsquery, d tsquery NOT NULL DEFAULT 'a & b');`);

    await expect(seed(url, ['query_log'])).rejects.toThrow(
      'Cannot seed "public"."query_log": column "must" (tsquery) is NOT NULL without a default, and the seeder has no value generator for type tsquery.',
    );
    expect(await seed(url, ['query_ok'], { rows: 10 })).toEqual([{ schema: 'public', table: 'query_ok', inserted: 10 }]);
    expect(await query(url, `SELECT count(q) AS q, count(DISTINCT d::text) AS d FROM query_ok`)).toEqual([{ q: '0', d: '1' }]);
  });

  it('suggests the right name for an unknown table, and refuses views', async () => {
    const url = await databaseWith(`${TRICKY_SCHEMA}; CREATE VIEW happy_accounts AS SELECT * FROM account WHERE mood = 'happy';`);

    await expect(seed(url, ['acount'])).rejects.toThrow(/Cannot seed "acount": no such table in schema "public". Did you mean "account"\?/);
    await expect(seed(url, ['happy_accounts'])).rejects.toThrow(/"public"\."happy_accounts": it is a view, not a table/);
  });

  it('seeds tables in another schema, and parents across schemas', async () => {
    const url = await databaseWith(`CREATE SCHEMA billing; CREATE SCHEMA crm;
      CREATE TABLE crm.customer (id bigserial PRIMARY KEY, name text NOT NULL);
      CREATE TABLE billing.invoice (id uuid PRIMARY KEY, customer_id bigint NOT NULL REFERENCES crm.customer (id), total numeric(12,2) NOT NULL);`);

    expect(await seed(url, ['invoice'], { schema: 'billing', rows: 20 })).toEqual([
      { schema: 'crm', table: 'customer', inserted: 20 },
      { schema: 'billing', table: 'invoice', inserted: 20 },
    ]);
    expect(await one(url, `SELECT count(DISTINCT customer_id) FROM billing.invoice`)).toBe(20);
  });
});

describe('determinism', () => {
  it('two fresh databases seeded the same way hold byte-identical rows', async () => {
    const tables = ['OrderItem', 'AuditLog', 'account', 'category', 'product', 'account_product', 'shelf', 'slot', 'employee', 'team'];
    const checksums = async () => {
      const url = await databaseWith(`${SAMPLE_SCHEMA}\n${TRICKY_SCHEMA}`);
      await seed(url, tables, { rows: 300 });
      const names = await query<{ name: string }>(url, `SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1`);
      const result: Record<string, string[]> = {};
      for (const { name } of names) {
        result[name] = (await query<{ h: string }>(url, `SELECT md5(t::text) AS h FROM "${name}" t ORDER BY 1`)).map((r) => r.h);
      }
      return result;
    };

    const [first, second] = [await checksums(), await checksums()];

    expect(Object.keys(first)).toContain('account');
    expect(first.account).toHaveLength(300);
    expect(first.OrderItem).toHaveLength(300);
    expect(second).toEqual(first);
  });
});
