import { quoteIdent } from "../sql/identifiers";

/**
 * `LOCK TABLE … IN SHARE UPDATE EXCLUSIVE MODE`, first in a transaction that goes on to take
 * ACCESS EXCLUSIVE on the table. Measured on 1M rows (bench/rollback-blockers.mjs): after a
 * batched pass, autovacuum comes to the table; an ACCESS EXCLUSIVE request queues behind it, every
 * write queues behind that request, and PostgreSQL cancels the autovacuum only after
 * deadlock_timeout (1 s by default): a 1 s stall. Taken first, this lock waits for the autovacuum
 * alone (the same cancellation, while writes go on: they do not conflict with it) and keeps
 * another one from starting, so the ACCESS EXCLUSIVE that follows waits only for writes in flight.
 */
export function holdOffAutovacuum(table: string): string {
  return `LOCK TABLE ${quoteIdent(table)} IN SHARE UPDATE EXCLUSIVE MODE;`;
}
