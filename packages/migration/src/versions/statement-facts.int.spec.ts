import pg from 'pg';
import { strongerLock, type LockMode } from '../analysis/locks';
import { lockMode } from '../runtime/validate/lock-trace';
import { testPgVersion, useEmbeddedPostgres } from '../testing/database';
import { behaviourOn, STATEMENT_FACTS, type StatementBehaviour, type StatementFact } from './statement-facts';

// Run on every major by `npm run test:matrix` (FORGE_PG_VERSION=14…18): each row of the statement
// fact table is measured on the real server, so a wrong lock, rewrite or `from` fails here.
const server = useEmbeddedPostgres();
let base: string;

beforeAll(async () => {
  base = await server.freshDatabase();
  const url = base;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE t (id int PRIMARY KEY, c int); INSERT INTO t SELECT g, CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 100) g');
  await client.end();
});

/**
 * On a copy of the table, runs the fact's setup, then its statement in a transaction: the
 * strongest lock its session holds on t (pg_locks), whether t got a new relfilenode (rewritten),
 * whether t's sequential scans went up (pg_stat_xact_user_tables counts this transaction's); or
 * the SQLSTATE of the setup or the statement.
 */
async function measure(fact: StatementFact): Promise<{ behaviour: StatementBehaviour } | { error: string }> {
  const client = new pg.Client({ connectionString: await server.freshDatabase(base) });
  await client.connect();
  try {
    const read = async () =>
      (
        await client.query<{ file: string; scans: string }>(
          `SELECT pg_relation_filenode('t')::text AS file, (SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 't'::regclass)::text AS scans`,
        )
      ).rows[0];
    try {
      if (fact.setup) await client.query(fact.setup);
      await client.query('BEGIN');
      const before = await read();
      await client.query(fact.sql);
      const after = await read();
      const { rows } = await client.query<{ mode: string }>(`SELECT mode FROM pg_locks WHERE relation = 't'::regclass AND pid = pg_backend_pid() AND granted`);
      const lock = rows.map((r) => lockMode(r.mode)!).reduce((a: LockMode, b: LockMode) => strongerLock(a, b));
      return { behaviour: { lock, rewrites: after.file !== before.file, scans: Number(after.scans) > Number(before.scans) } };
    } catch (error) {
      return { error: (error as { code?: string }).code ?? String(error) };
    }
  } finally {
    await client.end(); // the open transaction ends with it, rolled back
  }
}

describe(`statement facts on PostgreSQL ${testPgVersion()}`, () => {
  it.each(STATEMENT_FACTS.map((f) => [f.id, f] as const))('%s: the lock, rewrite and scan of the table, or the SQLSTATE before it exists', async (_id, fact) => {
    const expected = behaviourOn(fact, server.major);
    expect(await measure(fact)).toEqual(expected ? { behaviour: expected } : { error: fact.missing });
  });
});
