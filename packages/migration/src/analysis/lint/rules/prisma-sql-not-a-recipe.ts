import { PRISMA_SQL_TITLE } from '../../../recipes/scripts';
import type { LintRule } from '../types';

/**
 * `dev` writes what it found no recipe for (a primary-key change, a changed relation, a column
 * renamed with @map, …) as Prisma's own SQL in a migration of its own, so that it is never hidden
 * inside a safe one. The other rules judge its statements; this one makes sure a reviewer sees it
 * even when every statement happens to pass.
 */
export const prismaSqlNotARecipe: LintRule = {
  id: 'prisma-sql-not-a-recipe',
  severity: 'warning',
  summary: 'A migration dev wrote as Prisma’s own SQL (no recipe covers the change): review it by hand.',
  peers: {},
  check(context) {
    const { script } = context;
    if (script.kind !== 'migration.sql' || script.title !== PRISMA_SQL_TITLE) return [];
    const statement = script.statements.find((s) => s.statement.type !== 'VariableSetStmt') ?? script.statements[0];
    if (!statement) return [];
    return [
      {
        statement,
        message: `${context.folder} is Prisma's SQL for a schema edit no recipe covers: it was not made safe (locks, rewrites, data kept) the way generated migrations are.`,
        fix: 'Read its report.md, check every statement (and down.sql) by hand or rewrite it; or make the change with one of the generators and run dev again.',
      },
    ];
  },
};
