import { query, useEmbeddedPostgres } from '../../testing/database';
import { withClient } from '../pg-client';
import { seedTables } from './seed';

const pgServer = useEmbeddedPostgres();

const ROWS = 500;

// Types with equality: a NOT NULL UNIQUE column must get ROWS distinct values that fit the type.
const UNIQUE_TYPES = [
  'smallint', 'integer', 'bigint', 'oid', 'numeric', 'numeric(10,2)', 'numeric(3,2)', 'numeric(4,-2)', 'real', 'double precision', 'money',
  'text', 'varchar(2)', 'varchar(40)', 'char(4)', 'name', 'citext', 'email', 'uuid', 'bytea',
  'date', 'timestamp(0)', 'timestamptz(3)', 'time(0)', 'timetz', 'interval', 'jsonb', 'inet', 'cidr', 'macaddr', 'macaddr8', 'bit(12)', 'varbit(20)', 'tsvector',
  'int4range', 'int8range', 'numrange', 'daterange', 'tsrange', 'tstzrange',
  'integer[]', 'text[]', 'varchar(3)[]', 'uuid[]', 'date[]',
];
// Types without equality (json, xml, geometry) or with few values (boolean, enum, IN-list domain).
const OTHER_TYPES = ['json', 'xml', 'point', 'box', 'circle', 'lseg', 'polygon', 'boolean', 'mood', 'tier', '"char"', 'mood[]', 'boolean[]'];

describe('value generators, one column per type', () => {
  it(`gives ${ROWS} distinct values that fit every unique-able type, NULLs on some rows of nullable columns`, async () => {
    const url = await pgServer.freshDatabase();
    const tables = [...UNIQUE_TYPES.map((type, i) => ({ name: `u${i}`, type, unique: true })), ...OTHER_TYPES.map((type, i) => ({ name: `o${i}`, type, unique: false }))];
    await query(
      url,
      `CREATE EXTENSION citext;
       CREATE TYPE mood AS ENUM ('happy', 'sad', 'meh');
       CREATE DOMAIN email AS citext CHECK (VALUE LIKE '%@%');
       CREATE DOMAIN tier AS text NOT NULL CHECK (VALUE IN ('bronze', 'silver', 'gold'));
       ${tables.map((t) => `CREATE TABLE ${t.name} (v ${t.type} NOT NULL ${t.unique ? 'UNIQUE' : ''}, n ${t.type === 'tier' ? 'text' : t.type});`).join('\n')}`,
    );

    const result = await withClient(url, (client) => seedTables(client, tables.map((t) => t.name), { rows: ROWS }));

    expect(result.every((r) => r.inserted === ROWS)).toBe(true);
    const stats = await query<{ name: string; distinct: string; nulls: string }>(
      url,
      tables.map((t) => `SELECT '${t.name}' AS name, count(DISTINCT v::text) AS distinct, count(*) FILTER (WHERE n IS NULL) AS nulls FROM ${t.name}`).join(' UNION ALL '),
    );
    const summary = Object.fromEntries(stats.map((s) => [tables.find((t) => t.name === s.name)!.type, [Number(s.distinct), Number(s.nulls)]]));
    // Column n is attribute 2: NULL on one row in 7.
    const nulls = Array.from({ length: ROWS }, (_, i) => i + 1).filter((g) => (g + Math.floor(g / 7)) % 7 === 2).length;
    const few: Record<string, number> = { boolean: 2, mood: 3, tier: 3, '"char"': 36, 'mood[]': 27, 'boolean[]': 8 };
    const expected = Object.fromEntries(tables.map((t) => [t.type, [t.unique ? ROWS : (few[t.type] ?? ROWS), nulls]]));
    expect(summary).toEqual(expected);
  });

  it('keeps values inside the declared length and precision', async () => {
    const url = await pgServer.freshDatabase();
    // An explicit cast to varchar(n) truncates silently: UNIQUE catches a generator that writes too long.
    await query(url, `CREATE TABLE sized (a varchar(2) UNIQUE, b char(3) UNIQUE, c numeric(3,2) UNIQUE, d varchar(3)[] UNIQUE, e bit(3), f smallint CHECK (f BETWEEN 1 AND 7));`);

    await withClient(url, (client) => seedTables(client, ['sized'], { rows: 999 }));

    const [row] = await query(url, `SELECT count(DISTINCT a) AS a, count(DISTINCT b) AS b, max(c)::text AS c, min(c)::text AS cmin,
                                          count(DISTINCT d) AS d, count(DISTINCT e) AS e, count(DISTINCT f) AS f FROM sized`);
    const nonNull = (attnum: number) => String(Array.from({ length: 999 }, (_, i) => i + 1).filter((g) => (g + Math.floor(g / 7)) % 7 !== attnum).length);
    expect(row).toEqual({ a: nonNull(1), b: nonNull(2), c: '9.99', cmin: '0.01', d: nonNull(4), e: '7', f: '7' });
  });

  it('gives no NULLs to columns of a NULLS NOT DISTINCT unique key (NULLs would collide there)', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE nnd (a int UNIQUE NULLS NOT DISTINCT, b text, c text, UNIQUE NULLS NOT DISTINCT (b, c));`);

    await withClient(url, (client) => seedTables(client, ['nnd'], { rows: 100 }));

    expect(await query(url, `SELECT count(a) AS a, count(b) AS b, count(c) AS c FROM nnd`)).toEqual([{ a: '100', b: '100', c: '100' }]);
  });

  it('gives ranges that never overlap (an exclusion constraint holds)', async () => {
    const url = await pgServer.freshDatabase();
    await query(url, `CREATE TABLE booking (id int PRIMARY KEY, during tstzrange NOT NULL, EXCLUDE USING gist (during WITH &&));`);

    const result = await withClient(url, (client) => seedTables(client, ['booking'], { rows: 1000 }));

    expect(result).toEqual([{ schema: 'public', table: 'booking', inserted: 1000 }]);
  });
});
