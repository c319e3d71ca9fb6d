import type { ScriptAnalysis } from '../../../analysis/analyze';
import { compareLocks, type MeasuredLock } from '../../../analysis/lock-comparison';
import { quoteTable } from '../../../analysis/statement-names';
import { traceScript } from '../lock-trace';

/** One statement's locks: what the analysis predicted, what PostgreSQL took. */
export interface StatementLocks {
  file: 'migration.sql' | 'down.sql';
  line: number;
  /** The statement named by its SQL (`ALTER TABLE "User" DROP COLUMN "bio"`). */
  action: string;
  predicted: string;
  measured: string;
  /** Locks taken but not predicted (or weaker than taken), and predicted ones not taken. */
  mismatches: string[];
}

/**
 * Traces a script statement by statement on the database as it is (in a transaction rolled back:
 * nothing changes) and sets what each statement locked in pg_locks beside the prediction. A
 * `… CONCURRENTLY` statement cannot run in a transaction: it is listed as predicted only.
 */
export async function measureScriptLocks(url: string, sql: string, analysis: ScriptAnalysis, file: StatementLocks['file']): Promise<StatementLocks[]> {
  const statements = analysis.statements;
  const row = (i: number, measured: string, mismatches: string[] = []): StatementLocks => ({
    file,
    line: statements[i].line,
    action: statements[i].action,
    predicted: describe(statements[i].locks.filter((l) => l.object === 'table').map((l) => ({ table: l.table, mode: l.lock, conditional: l.conditional }))),
    measured,
    mismatches,
  });
  if (!statements.every((s) => s.transactional)) return statements.map((_, i) => row(i, 'not traced (runs outside a transaction)'));
  const traces = await traceScript(url, sql);
  return statements.map((s, i) => {
    const trace = traces[i];
    if (!trace) return row(i, traces.at(-1)?.error ? 'not reached (an earlier statement failed)' : 'not traced');
    if (trace.error) return row(i, `failed in the trace: ${trace.error.split('\n')[0]}`);
    const measured = trace.acquired.length || !trace.held.length ? describe(trace.acquired) : `nothing new (its transaction held ${describe(trace.held)})`;
    return row(i, measured, compareLocks(s.locks, trace).map((m) => m.problem));
  });
}

function describe(locks: (MeasuredLock & { conditional?: boolean })[]): string {
  return locks.length ? locks.map((l) => `${l.mode} on ${quoteTable(l.table)}${l.conditional ? ' (sometimes)' : ''}`).join(', ') : 'none';
}
