import type { LintRule, LintStatement, RuleFinding } from '../types';

/**
 * PostgreSQL refuses `… CONCURRENTLY` (and VACUUM) inside a transaction block, and a migration of
 * several statements runs as one transaction (Prisma issue #22922): such a migration fails.
 */
export const concurrentIndexAloneInMigration: LintRule = {
  id: 'concurrent-index-alone-in-migration',
  severity: 'error',
  summary: 'A CONCURRENTLY statement must be the only statement of its migration.',
  peers: { squawk: 'ban-concurrent-index-creation-in-transaction', atlas: 'PG103' },
  check(context) {
    const { statements } = context.script;
    if (statements.length < 2) return [];
    // A step of a down.sql in steps is a transaction of its own: alone there is alone.
    const shares = (s: LintStatement) => statements.some((o) => o !== s && o.transaction === s.transaction);
    return statements
      .filter((s) => !s.effect.transactional && shares(s))
      .map(
        (statement): RuleFinding => ({
          statement,
          message: `${statement.effect.action} cannot run inside a transaction block, and this migration's ${statements.length} statements run as one transaction: the migration fails.`,
          fix: 'Move it to a migration of its own, with nothing else in the file (not even SET).',
        }),
      );
  },
};
