import pg from 'pg';
import { useEmbeddedPostgres } from '../testing/database';
const server = useEmbeddedPostgres();
const cases: [string, string, string][] = [
  ['nn-not-valid', '', 'ALTER TABLE t ADD CONSTRAINT t_c_nn NOT NULL c NOT VALID'],
  ['nn-valid', 'UPDATE t SET c = 0 WHERE c IS NULL', 'ALTER TABLE t ADD CONSTRAINT t_c_nn NOT NULL c'],
  ['nn-validate', 'ALTER TABLE t ADD CONSTRAINT t_c_nn NOT NULL c NOT VALID; UPDATE t SET c = 0 WHERE c IS NULL', 'ALTER TABLE t VALIDATE CONSTRAINT t_c_nn'],
  ['virtual', '', 'ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (c * 2) VIRTUAL'],
  ['generated-default-kind', '', 'ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (c * 2)'],
  ['stored', '', 'ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (c * 2) STORED'],
  ['set-expression', 'ALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS (c * 2) STORED', 'ALTER TABLE t ALTER COLUMN s SET EXPRESSION AS (c * 3)'],
  ['set-not-null', 'UPDATE t SET c = 0 WHERE c IS NULL', 'ALTER TABLE t ALTER COLUMN c SET NOT NULL'],
  ['fk-not-enforced', 'CREATE TABLE p (id int primary key)', 'ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (c) REFERENCES p(id) NOT ENFORCED'],
  ['check-not-enforced', '', 'ALTER TABLE t ADD CONSTRAINT t_ck CHECK (c > 0) NOT ENFORCED'],
  ['drop-nn', 'UPDATE t SET c = 0 WHERE c IS NULL; ALTER TABLE t ALTER COLUMN c SET NOT NULL', 'ALTER TABLE t ALTER COLUMN c DROP NOT NULL'],
  ['drop-expression', 'ALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS (c * 2) STORED', 'ALTER TABLE t ALTER COLUMN s DROP EXPRESSION'],
];
it('explores', async () => {
  const lines: string[] = [];
  for (const [id, setup, sql] of cases) {
    const db = await server.freshDatabase();
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (id int primary key, c int); INSERT INTO t SELECT g, CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 100) g');
      try { if (setup) await client.query(setup); } catch (e) { lines.push(`${id}: setup ✗ ${(e as { code: string }).code}`); continue; }
      const before = (await client.query(`SELECT pg_relation_filenode('t') AS f`)).rows[0].f;
      await client.query('BEGIN');
      try {
        const s0 = (await client.query(`SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 't'::regclass`)).rows[0].seq_scan;
        await client.query(sql);
        const s1 = (await client.query(`SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 't'::regclass`)).rows[0].seq_scan;
        lines.push(`${id}: scans ${s0} -> ${s1}`);
        const locks = (await client.query(`SELECT mode FROM pg_locks WHERE relation = 't'::regclass AND pid = pg_backend_pid() AND granted`)).rows.map((r) => r.mode);
        const after = (await client.query(`SELECT pg_relation_filenode('t') AS f`)).rows[0].f;
        lines.push(`${id}: ok locks=${locks.join(',')} rewrite=${before !== after}`);
      } catch (e) {
        lines.push(`${id}: ✗ ${(e as { code: string }).code} ${(e as Error).message}`);
      }
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  }
  console.log(`PG ${server.major}\n` + lines.join('\n'));
}, 120000);
