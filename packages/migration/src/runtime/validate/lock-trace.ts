import type pg from 'pg';
import { LOCK_MODES, strongerLock, type LockMode } from '../../analysis/locks';
import { splitStatements } from '../../sql/split-statements';
import { withClient } from '../pg-client';

/** A table lock a statement took: the table as its SQL names it (bare in the current schema, else `schema.name`). */
export interface TracedLock {
  table: string;
  mode: LockMode;
}

/** What one statement locked, measured inside the transaction it ran in. */
export interface StatementTrace {
  /** The statement as written (comments kept). */
  sql: string;
  /** Table locks this statement acquired that the transaction did not hold before it (strongest mode per table). */
  acquired: TracedLock[];
  /** The table locks the transaction held once the statement finished (strongest mode per table). */
  held: TracedLock[];
  /** The statement's error; later statements were not run. */
  error?: string;
}

// Table-level locks of this backend, named as the current search path spells them. Locks on
// indexes and sequences are left out: what the application waits on is the table's lock.
const OWN_TABLE_LOCKS = `
  SELECT l.relation::int AS oid, l.mode, c.relkind,
         CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END AS name
    FROM pg_locks l
    LEFT JOIN pg_class c ON c.oid = l.relation
    LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND coalesce(n.nspname, '') NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;

// Names of user tables before a statement runs: a table it drops or renames is named as the statement names it.
const TABLE_NAMES = `
  SELECT c.oid::int AS oid, CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;

interface LockRow {
  oid: number;
  mode: string;
  /** null: the relation was dropped in this transaction. */
  relkind: string | null;
  name: string | null;
}

/**
 * Runs `statements` one by one in the client's open transaction and reads, after each, the table
 * locks the transaction holds (`pg_locks` of its own backend, as Eugene's trace does). Locks
 * accumulate until the transaction ends, so a statement's own locks are the ones that appeared
 * with it; a mode the transaction already held does not appear twice. The caller owns BEGIN and
 * COMMIT/ROLLBACK. Stops at the first failing statement and records its error.
 */
export async function executeTraced(client: pg.ClientBase, statements: string[]): Promise<StatementTrace[]> {
  const traces: StatementTrace[] = [];
  let held = await ownLocks(client, new Map());
  for (const sql of statements) {
    const namesBefore = new Map((await client.query<{ oid: number; name: string }>(TABLE_NAMES)).rows.map((r) => [r.oid, r.name]));
    try {
      await client.query(sql);
    } catch (error) {
      traces.push({ sql, acquired: [], held: tableLocks(held), error: (error as Error).message });
      return traces;
    }
    const now = await ownLocks(client, namesBefore);
    const before = new Set(held.map(lockKey));
    traces.push({ sql, acquired: tableLocks(now.filter((l) => !before.has(lockKey(l)))), held: tableLocks(now) });
    held = now;
  }
  return traces;
}

/**
 * What a transactional migration script would lock, statement by statement, measured on the
 * database at `url` in a transaction that is rolled back: nothing changes.
 */
export async function traceScript(url: string, script: string): Promise<StatementTrace[]> {
  return withClient(url, async (client) => {
    await client.query('BEGIN');
    try {
      return await executeTraced(client, splitStatements(script));
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

interface NamedLock {
  oid: number;
  table: string;
  mode: LockMode;
}

async function ownLocks(client: pg.ClientBase, namesBefore: Map<number, string>): Promise<NamedLock[]> {
  const { rows } = await client.query<LockRow>(OWN_TABLE_LOCKS);
  return rows.flatMap((row) => {
    const mode = lockMode(row.mode);
    const isTable = row.relkind === 'r' || row.relkind === 'p';
    // A table the statement dropped or renamed keeps the name it had when the statement began.
    const table = namesBefore.get(row.oid) ?? (isTable ? row.name : null);
    return mode && table ? [{ oid: row.oid, table, mode }] : [];
  });
}

/** pg_locks spells modes `AccessExclusiveLock`; the analysis spells them `ACCESS EXCLUSIVE`. */
export function lockMode(pgMode: string): LockMode | undefined {
  const words = pgMode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  return (LOCK_MODES as readonly string[]).includes(words) ? (words as LockMode) : undefined;
}

function lockKey(lock: NamedLock): string {
  return `${lock.oid}:${lock.mode}`;
}

/**
 * The strongest mode per table, in table order. Every mode's conflicts include those of the modes
 * weaker than it (PostgreSQL's table), so the strongest one is what other sessions wait on.
 */
function tableLocks(locks: NamedLock[]): TracedLock[] {
  const strongest = new Map<string, LockMode>();
  for (const { table, mode } of locks) {
    const current = strongest.get(table);
    strongest.set(table, current ? strongerLock(current, mode) : mode);
  }
  return [...strongest].map(([table, mode]) => ({ table, mode })).sort((a, b) => a.table.localeCompare(b.table));
}
