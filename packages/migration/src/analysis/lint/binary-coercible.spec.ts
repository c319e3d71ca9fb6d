import { query, useEmbeddedPostgres } from '../../testing/database';
import { parseMigration } from '../parse';
import { isCatalogOnlyTypeChange } from './binary-coercible';
import { columnType, typeText, type ColumnType } from '../sql-facts';

const pg = useEmbeddedPostgres();

async function typeOf(sql: string): Promise<ColumnType> {
  const [statement] = await parseMigration(`CREATE TABLE t (c ${sql})`);
  const type = columnType((statement.node as { tableElts: { ColumnDef: { typeName: unknown } }[] }).tableElts[0].ColumnDef.typeName as never);
  if (!type) throw new Error(`no type in ${sql}`);
  return type;
}

/** Whether PostgreSQL rewrote the table: a rewrite gives it a new relfilenode. */
async function rewrites(url: string, from: string, to: string, value: string): Promise<boolean> {
  await query(url, `DROP TABLE IF EXISTS t; CREATE TABLE t (c ${from}); CREATE INDEX t_c ON t (c); INSERT INTO t VALUES (${value})`);
  const node = async () => (await query<{ n: string }>(url, `SELECT relfilenode::text AS n FROM pg_class WHERE relname = 't'`))[0].n;
  const before = await node();
  await query(url, `ALTER TABLE t ALTER COLUMN c TYPE ${to}`);
  return (await node()) !== before;
}

describe('type changes without a rewrite (checked against PostgreSQL 15)', () => {
  const cases: [string, string, string][] = [
    ['VARCHAR(32)', 'VARCHAR(64)', `'abc'`],
    ['VARCHAR(64)', 'VARCHAR(32)', `'abc'`],
    ['VARCHAR(32)', 'TEXT', `'abc'`],
    ['VARCHAR(32)', 'VARCHAR', `'abc'`],
    ['TEXT', 'VARCHAR', `'abc'`],
    ['TEXT', 'VARCHAR(32)', `'abc'`],
    ['DECIMAL(10,2)', 'DECIMAL(12,2)', '1.5'],
    ['DECIMAL(10,2)', 'DECIMAL(12,3)', '1.5'],
    ['DECIMAL(10,2)', 'NUMERIC', '1.5'],
    ['DECIMAL(12,2)', 'DECIMAL(10,2)', '1.5'],
    ['INTEGER', 'BIGINT', '1'],
    ['INTEGER', 'DECIMAL(12,2)', '1'],
    ['INTEGER', 'INTEGER', '1'],
    ['TIMESTAMP(3)', 'TIMESTAMP(6)', 'now()'],
    ['TIMESTAMP(6)', 'TIMESTAMP(3)', 'now()'],
    ['TIMESTAMP(3)', 'TIMESTAMP', 'now()'],
    ['TIMESTAMP', 'TIMESTAMP(6)', 'now()'],
    ['TIMESTAMP', 'TIMESTAMP(3)', 'now()'],
    ['CIDR', 'INET', `'10.0.0.0/8'`],
    ['BIT VARYING(8)', 'BIT VARYING(16)', `B'101'`],
    ['CHAR(2)', 'CHAR(4)', `'ab'`],
    ['TEXT[]', 'VARCHAR(10)[]', `ARRAY['a']`],
  ];

  it.each(cases)('%s → %s', async (from, to, value) => {
    const url = await pg.freshDatabase();
    const expected = !(await rewrites(url, from, to, value));
    const [a, b] = [await typeOf(from), await typeOf(to)];
    expect(`${typeText(a)} → ${typeText(b)}: ${isCatalogOnlyTypeChange(a, b)}`).toBe(`${typeText(a)} → ${typeText(b)}: ${expected}`);
  });

  it('treats timestamp ↔ timestamptz as a rewrite (catalog-only only when the session time zone is UTC, which SQL cannot show)', async () => {
    expect(isCatalogOnlyTypeChange(await typeOf('TIMESTAMP(3)'), await typeOf('TIMESTAMPTZ(3)'))).toBe(false);
  });
});
