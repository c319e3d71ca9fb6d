import { LOCK_MODES, type LockMode } from './locks';
import { isPlaceholder } from './table-names';

/** A table lock as measured in pg_locks (the lock trace's shape). */
export interface MeasuredLock {
  table: string;
  mode: LockMode;
}

/** What one statement took, measured in its transaction (the lock trace's shape). */
export interface StatementMeasurement {
  /** Modes the statement acquired that its transaction did not hold before it (strongest per table). */
  acquired: readonly MeasuredLock[];
  /**
   * What the transaction holds once the statement ran (strongest per table), tables named as
   * before the statement: what it held before, and what the statement acquired.
   */
  held: readonly MeasuredLock[];
}

/** A predicted lock, as the analysis gives it. */
export interface PredictedLock {
  table: string;
  lock: LockMode;
  /** Taken on some runs only: never required to show up. */
  conditional?: boolean;
  /** Locks on an index, sequence or view are not table locks: not compared (`table` or absent: compared). */
  object?: string;
}

export interface LockMismatch {
  table: string;
  predicted: LockMode | null;
  measured: LockMode | null;
  /** In words: `took ACCESS EXCLUSIVE on "User", not predicted`. */
  problem: string;
}

/**
 * Compares the analysis's locks for one statement with what it took on a real server:
 * - every table it acquired a lock on must be predicted, with that mode or a stronger one;
 * - every lock predicted as always taken must show up: acquired in that mode, or held by the
 *   transaction in a mode at least as strong (a mode held before is not acquired again).
 * A table the analysis could not name (described in parentheses) matches nothing.
 */
export function compareLocks(predicted: readonly PredictedLock[], measured: StatementMeasurement): LockMismatch[] {
  const expected = new Map(predicted.filter((p) => (!p.object || p.object === 'table') && !isPlaceholder(p.table)).map((p) => [p.table, p]));
  const acquired = new Map(measured.acquired.map((m) => [m.table, m.mode]));
  const held = new Map(measured.held.map((m) => [m.table, m.mode]));
  const mismatches: LockMismatch[] = [];
  for (const [table, mode] of acquired) {
    const p = expected.get(table);
    if (!p) mismatches.push({ table, predicted: null, measured: mode, problem: `took ${mode} on "${table}", not predicted` });
    else if (rank(p.lock) < rank(mode)) mismatches.push({ table, predicted: p.lock, measured: mode, problem: `took ${mode} on "${table}", predicted only ${p.lock}` });
  }
  for (const [table, p] of expected) {
    if (p.conditional) continue;
    const took = acquired.get(table);
    if (took === p.lock) continue;
    if (took && rank(took) > rank(p.lock)) continue; // already reported as predicted too weak
    // What the transaction holds at least as strongly, the statement did not acquire (it took less): held before it.
    const holds = held.get(table);
    if (holds && rank(holds) >= rank(p.lock)) continue;
    mismatches.push({ table, predicted: p.lock, measured: took ?? null, problem: `predicted ${p.lock} on "${table}", but it ${took ? `took only ${took}` : 'took no lock on it'}` });
  }
  return mismatches;
}

function rank(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}
