import type { RuntimeLogger } from './logger';
import { isLockTimeout } from './pg-client';

/** SQLSTATE 40P01: PostgreSQL broke a deadlock by aborting this transaction. */
function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '40P01' || /deadlock detected/i.test(e?.message ?? '');
}

export interface LockRetryOptions {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First wait; doubles each time (default 1 s). */
  baseDelayMs?: number;
  logger: RuntimeLogger;
  /** Runs before each retry (e.g. mark the failed attempt rolled back). */
  beforeRetry?: () => Promise<void>;
}

/**
 * Runs `fn`; when it fails on lock_timeout (someone held a conflicting lock longer than we may
 * wait) or is chosen as a deadlock's victim (the application's transaction locked the same tables
 * in the other order: a foreign key's two tables under traffic), waits with exponential backoff and
 * tries again, then gives up with a clear error. PostgreSQL undid the whole attempt either way.
 * Never queues indefinitely behind a long transaction, which would block every query behind us.
 */
export async function retryOnLockTimeout<T>(what: string, fn: () => Promise<T>, options: LockRetryOptions): Promise<{ value: T; retries: number }> {
  const retries = options.retries ?? 4;
  const baseDelay = options.baseDelayMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await fn(), retries: attempt };
    } catch (error) {
      const deadlock = isDeadlock(error);
      if (!deadlock && !isLockTimeout(error)) throw error;
      if (attempt >= retries) {
        throw new LockTimeoutError(what, attempt + 1, error as Error);
      }
      const delay = baseDelay * 2 ** attempt;
      const cause = deadlock ? 'deadlock with another session (PostgreSQL undid this attempt)' : 'lock timeout (a long transaction holds a conflicting lock)';
      options.logger.warn(`${what}: ${cause}; retry ${attempt + 1}/${retries} in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await options.beforeRetry?.();
    }
  }
}

export class LockTimeoutError extends Error {
  constructor(what: string, attempts: number, cause: Error) {
    super(
      `${what}: gave up after ${attempts} attempts, each stopped by lock_timeout or a deadlock. A long-running transaction ` +
        'holds a lock on the table. Find it with: SELECT pid, state, xact_start, query FROM pg_stat_activity ' +
        "WHERE state <> 'idle' ORDER BY xact_start; end it or wait, then run the command again (or raise --lockTimeout).",
      { cause },
    );
    this.name = 'LockTimeoutError';
  }
}
