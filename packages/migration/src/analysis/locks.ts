/**
 * PostgreSQL's table lock modes, weakest first (https://www.postgresql.org/docs/current/explicit-locking.html).
 * What matters to an application: a lock that conflicts with ROW EXCLUSIVE blocks writes
 * (INSERT/UPDATE/DELETE); only ACCESS EXCLUSIVE blocks reads (SELECT).
 */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

export function strongerLock(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/** SHARE and stronger conflict with ROW EXCLUSIVE, which every INSERT, UPDATE and DELETE takes. */
export function blocksWrites(lock: LockMode): boolean {
  return LOCK_MODES.indexOf(lock) >= LOCK_MODES.indexOf('SHARE');
}

/** Only ACCESS EXCLUSIVE conflicts with ACCESS SHARE, which every SELECT takes. */
export function blocksReads(lock: LockMode): boolean {
  return lock === 'ACCESS EXCLUSIVE';
}
