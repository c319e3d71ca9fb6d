import type { ParsedStatement } from './parse';

/**
 * Which transaction each statement of a script runs in. A script runs as one transaction, unless a
 * statement cannot run in one (`… CONCURRENTLY`, alone in its migration). A down.sql split into
 * steps by `-- forge:step …` / `-- forge:data-step …` lines runs each step as a transaction of
 * its own (migrate-down commits them one by one): its locks are released at the end of its step.
 */
const STEP_MARKER = /^-- forge:(step|data-step)\b/;

export function transactionsOf(sql: string, statements: readonly { statement: ParsedStatement; transactional: boolean }[]): number[] {
  const markers = sql
    .split('\n')
    .map((line, index) => (STEP_MARKER.test(line.trimEnd()) ? index + 1 : 0))
    .filter(Boolean);
  if (markers.length) return statements.map((s) => markers.filter((line) => line < s.statement.line).length);
  if (statements.every((s) => s.transactional)) return statements.map(() => 0);
  return statements.map((_, i) => i);
}
