import { blocksWrites } from '../../locks';
import type { Catalog } from '../../catalog';
import { nodeOf } from '../rule-helpers';
import { quoteTable } from '../../statement-names';
import { isPlaceholder } from '../../table-names';
import { tableKey } from '../../sql-facts';
import type { LintRule, LintStatement } from '../types';

/**
 * A statement that needs a lock conflicting with the application's writes (SHARE or stronger) on a
 * busy table waits behind any long query — and every query on that table then queues behind it.
 * `SET [LOCAL] lock_timeout` first makes it give up instead (the runner retries with backoff).
 * Tables created by the same migration are not waited for; a DO block locks what it runs (and,
 * for SQL it builds at run time, anything).
 */
export const requireLockTimeout: LintRule = {
  id: 'require-lock-timeout',
  severity: 'error',
  summary: 'SET lock_timeout before the first statement that locks an existing table.',
  peers: { squawk: 'require-lock-timeout', strongMigrations: '(lock_timeout setting)' },
  check(context) {
    const { script } = context;
    if (!script.transactional) return [];
    let timeout = false;
    for (const statement of script.statements) {
      const setting = lockTimeoutSetting(statement);
      if (setting !== undefined) {
        timeout = setting;
        continue;
      }
      if (timeout) continue;
      const locked = blockingLock(context.catalogBefore(statement.index), context.catalogBefore(statement.index + 1), statement);
      if (!locked) continue;
      return [
        {
          statement,
          message: `${statement.effect.action} ${locked} with no lock_timeout set: if a long query holds that table, this statement waits — and every query on the table queues behind it.`,
          fix: "Start the migration with SET LOCAL lock_timeout = '5s' (migrate retries a migration stopped by it); generated migrations do.",
        },
      ];
    }
    return [];
  },
};

/** true/false for a statement that sets/clears lock_timeout; undefined for any other statement. */
function lockTimeoutSetting(statement: LintStatement): boolean | undefined {
  const node = nodeOf(statement);
  if (statement.statement.type !== 'VariableSetStmt' || node.name !== 'lock_timeout') return undefined;
  if (node.kind !== 'VAR_SET_VALUE') return false; // RESET, SET … TO DEFAULT: back to the server's (usually none)
  const value = node.args?.[0]?.A_Const;
  const raw = value?.sval?.sval ?? value?.ival?.ival ?? 0;
  return !/^0+(ms|s|min)?$/.test(String(raw).trim());
}

/**
 * What the statement locks that blocks writes, in words (undefined: nothing that matters). A table
 * new before or after the statement (created by this script, or by the statement itself) is not
 * waited for.
 */
function blockingLock(catalog: Catalog, after: Catalog, statement: LintStatement): string | undefined {
  for (const { table, lock, object } of statement.effect.locks) {
    if (!blocksWrites(lock) || object) continue;
    if (isPlaceholder(table)) return `may take ${lock} on ${table.slice(1, -1)}`;
    const target = tableKey(table)!;
    if (catalog.isNewTable(target) || after.isNewTable(target)) continue;
    return `takes ${lock} on ${quoteTable(target)}`;
  }
  return undefined;
}
