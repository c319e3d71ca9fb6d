import type pg from 'pg';
import { executeTraced, type TracedLock } from '../runtime/validate/lock-trace';
import { connect } from '../runtime/pg-client';
import { rollbackStepsOf } from '../runtime/rollback-steps';
import { splitStatements } from '../sql/split-statements';

/** A statement that read every row of a table (a sequential scan) while its transaction held ACCESS EXCLUSIVE on it. */
export interface ScanUnderLock {
  sql: string;
  table: string;
}

export interface TracedStatement {
  sql: string;
  held: TracedLock[];
  /** Tables this statement scanned sequentially (pg_stat_xact_user_tables.seq_scan went up). */
  scanned: string[];
}

// Sequential scans of user tables in the current transaction, named as the lock trace names tables.
const XACT_SCANS = `
  SELECT CASE WHEN schemaname = current_schema() THEN relname ELSE schemaname || '.' || relname END AS name, seq_scan::int AS scans
    FROM pg_stat_xact_user_tables`;

/**
 * Runs a script as migrate-down runs it — each `-- forge:step` a transaction of its own, `data()`
 * at its `-- forge:data-step` (or first, when there is none); a script without steps is one
 * transaction — and commits it, tracing every statement: the table locks its transaction held
 * after it (pg_locks) and the tables it scanned (pg_stat_xact_user_tables). `… CONCURRENTLY`
 * statements run untraced (they cannot run in a transaction, and take no lock that blocks writes).
 */
export async function runTraced(url: string, script: string, data: () => Promise<void> = async () => undefined, options: { commit?: boolean } = {}): Promise<TracedStatement[]> {
  const steps = rollbackStepsOf(script) ?? [{ kind: 'sql' as const, title: '', sql: script }];
  if (!steps.some((s) => s.kind === 'data')) await data();
  const traced: TracedStatement[] = [];
  for (const step of steps) {
    if (step.kind === 'data') {
      await data();
      continue;
    }
    const client = await connect(url);
    try {
      if (/\bCONCURRENTLY\b/i.test(step.sql)) {
        await client.query(step.sql);
        continue;
      }
      await client.query('BEGIN');
      // A table created in this transaction is seen by nobody else: scanning it blocks no one.
      const existing = new Set((await scans(client)).keys());
      for (const sql of splitStatements(step.sql)) {
        const before = await scans(client);
        const [trace] = await executeTraced(client, [sql]);
        if (trace.error) throw new Error(`${sql}\nfailed: ${trace.error}`);
        const after = await scans(client);
        const scanned = [...after].filter(([table, n]) => existing.has(table) && n > (before.get(table) ?? 0)).map(([table]) => table);
        traced.push({ sql, held: trace.held, scanned });
      }
      await client.query(options.commit === false ? 'ROLLBACK' : 'COMMIT');
    } finally {
      await client.end();
    }
  }
  return traced;
}

/** The statements that scanned a table their transaction held under ACCESS EXCLUSIVE. */
export function scansUnderAccessExclusive(traced: TracedStatement[]): ScanUnderLock[] {
  return traced.flatMap((t) =>
    t.scanned.filter((table) => t.held.some((l) => l.table === table && l.mode === 'ACCESS EXCLUSIVE')).map((table) => ({ sql: t.sql.replace(/\s+/g, ' ').slice(0, 160), table })),
  );
}

async function scans(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ name: string; scans: number }>(XACT_SCANS);
  return new Map(rows.map((r) => [r.name, r.scans]));
}
