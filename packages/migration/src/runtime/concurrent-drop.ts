import { concurrentDropName } from './invalid-index';
import { withClient } from './pg-client';

interface LeftIndex {
  table: string;
  tableOid: number;
  ready: boolean;
}

interface Blocker {
  pid: number;
  state: string | null;
  age: number | null;
  query: string;
}

/**
 * A `DROP INDEX CONCURRENTLY` marks the index INVALID in a transaction of its own, then waits for
 * every transaction that uses the table; lock_timeout stops that wait, and the index stays,
 * INVALID. When `script` is such a drop and its index is still there: a sentence that says so,
 * names the sessions it waited for (pid, state, age, query from pg_stat_activity) and the command
 * that finishes the drop once they end. Undefined otherwise (the drop did not get that far, or
 * the script drops no index).
 */
export async function interruptedDropNote(url: string, script: string, finish: string): Promise<string | undefined> {
  const name = concurrentDropName(script);
  if (!name) return undefined;
  return withClient(url, async (db) => {
    const { rows } = await db.query<LeftIndex>(
      `SELECT t.relname AS "table", t.oid::int AS "tableOid", i.indisready AS ready
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid`,
      [name],
    );
    const [left] = rows;
    if (!left) return undefined;
    const blockers = await db.query<Blocker>(
      `SELECT DISTINCT a.pid, a.state, extract(epoch FROM now() - a.xact_start)::int AS age,
              left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80) AS query
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'relation' AND l.relation = $1 AND l.granted AND a.pid <> pg_backend_pid()
        ORDER BY age DESC NULLS LAST`,
      [left.tableOid],
    );
    const waitedFor = blockers.rows.length
      ? `It waited for: ${blockers.rows.map((b) => `pid ${b.pid} (${b.state ?? 'unknown state'}, transaction open ${b.age ?? '?'} s: ${b.query})`).join('; ')}.`
      : 'The transactions it waited for have ended since.';
    return (
      `Index "${name}" on "${left.table}" is left INVALID (${left.ready ? 'reads ignore it, writes still maintain it' : 'neither reads nor writes use it'}): ` +
      `DROP INDEX CONCURRENTLY marked it before waiting for every transaction using "${left.table}", and lock_timeout stopped that wait. ` +
      `${waitedFor} Once they end (or after ending them with pg_terminate_backend(pid)), run \`${finish}\` to finish the drop; migrate-status lists the index until then.`
    );
  });
}
