import { query, useEmbeddedPostgres } from '../../testing/database';
import { boundsOf, inListOf } from './checks';

const pgServer = useEmbeddedPostgres();

// The parsers read what PostgreSQL prints, so the definitions come from a real pg_get_constraintdef.
async function definitions(sql: string): Promise<Record<string, string>> {
  const url = await pgServer.freshDatabase();
  await query(url, sql);
  const rows = await query<{ name: string; def: string }>(
    url,
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'c' ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.def]));
}

describe('CHECK constraints the seeder understands', () => {
  it('reads IN-lists on text, varchar, integers, quoted column names and domains', async () => {
    const defs = await definitions(`
      CREATE DOMAIN tier AS text CONSTRAINT tier_in CHECK (VALUE IN ('bronze', 'it''s'));
      CREATE TABLE t (
        a text CONSTRAINT a_in CHECK (a IN ('x', 'y')),
        b varchar(5) CONSTRAINT b_in CHECK (b IN ('p', 'q', 'r')),
        c int CONSTRAINT c_in CHECK (c IN (1, 2, -3)),
        "Mixed Case" text CONSTRAINT m_in CHECK ("Mixed Case" = 'only'),
        d text CONSTRAINT d_not CHECK (d <> ''),
        e text CONSTRAINT e_or CHECK (e IN ('x') OR e IS NULL)
      );`);

    expect(inListOf(defs.a_in, 'a')).toEqual(['x', 'y']);
    expect(inListOf(defs.b_in, 'b')).toEqual(['p', 'q', 'r']);
    expect(inListOf(defs.c_in, 'c')).toEqual(['1', '2', '-3']);
    expect(inListOf(defs.m_in, 'Mixed Case')).toEqual(['only']);
    expect(inListOf(defs.tier_in, 'VALUE')).toEqual(['bronze', "it's"]);
    expect(inListOf(defs.a_in, 'b')).toBeUndefined();
    expect(inListOf(defs.d_not, 'd')).toBeUndefined();
    expect(inListOf(defs.e_or, 'e')).toBeUndefined();
  });

  it('reads ranges made of comparisons with constants, and nothing else', async () => {
    const defs = await definitions(`
      CREATE DOMAIN pos AS int CONSTRAINT pos_gt CHECK (VALUE > 0);
      CREATE TABLE t (
        a int CONSTRAINT a_between CHECK (a BETWEEN 1 AND 10),
        b numeric CONSTRAINT b_range CHECK (b >= 0 AND b < 100.5),
        c smallint CONSTRAINT c_neg CHECK (c > -5),
        d int, e int CONSTRAINT de CHECK (d < e),
        f int CONSTRAINT f_or CHECK (f < 0 OR f > 10)
      );`);

    expect(boundsOf(defs.a_between, 'a')).toEqual({ min: 1, minStrict: false, max: 10, maxStrict: false });
    expect(boundsOf(defs.b_range, 'b')).toEqual({ min: 0, minStrict: false, max: 100.5, maxStrict: true });
    expect(boundsOf(defs.c_neg, 'c')).toEqual({ min: -5, minStrict: true });
    expect(boundsOf(defs.pos_gt, 'VALUE')).toEqual({ min: 0, minStrict: true });
    expect(boundsOf(defs.de, 'd')).toBeUndefined();
    expect(boundsOf(defs.f_or, 'f')).toBeUndefined();
  });
});
