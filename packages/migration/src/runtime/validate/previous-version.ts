import { quoteIdent } from '../../sql/identifiers';
import { withClient, type Queryable } from '../pg-client';
import { INTERNAL_COLUMN, type TableWorkload } from './traffic/workload-plan';

/**
 * The previous application version after an expand migration. Its statements are the Step 7
 * workload planned from the catalog *before* the migration (the columns and tables that version's
 * Prisma Client names): a read of every column it knows, a single-row insert relying on the
 * defaults it relied on, an update of every column, a delete. Run once each, after the migration,
 * in one transaction that is rolled back (a savepoint per statement, so one failure does not hide
 * the next): the proof leaves no row behind. Returns one problem per statement the database refused.
 */
export async function previousVersionProblems(url: string, plans: TableWorkload[]): Promise<string[]> {
  if (!plans.length) return [];
  return withClient(url, async (client) => {
    const problems: string[] = [];
    await client.query('BEGIN');
    try {
      for (const plan of plans) problems.push(...(await tryPlan(client, plan)));
    } finally {
      await client.query('ROLLBACK');
    }
    return problems;
  });
}

async function tryPlan(client: Queryable, plan: TableWorkload): Promise<string[]> {
  const problems: string[] = [];
  const ref = quoteIdent(plan.table);
  const attempt = async <Row>(query: string, sql: string, params: string[] = []): Promise<Row[] | undefined> => {
    await client.query('SAVEPOINT previous_version');
    try {
      const { rows } = await client.query(sql, params);
      await client.query('RELEASE SAVEPOINT previous_version');
      return rows as Row[];
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT previous_version');
      problems.push(`the previous application version's ${query} fails after this migration: ${(error as Error).message}`);
      return undefined;
    }
  };
  await attempt(`read of ${plan.table} (${[...plan.columns.keys()].join(', ')})`, `SELECT ${[...plan.columns.keys()].map(quoteIdent).join(', ')} FROM ${ref} LIMIT 1`);
  // Updates and the delete go to the row the insert wrote; without one, updates go to an existing row
  // (rolled back with the rest), and nothing is deleted: an existing row may have dependants.
  // An insert the planner had to give a recipe's internal column (a CHECK on it) is not one the
  // application sends (it leaves that column to the recipe's trigger): not proven, rather than a false failure.
  const insert = plan.insert && !INTERNAL_COLUMN.test(plan.insert(0)) ? plan.insert : undefined;
  const inserted = insert ? (await attempt<{ row: Record<string, string> | null }>(`insert into ${plan.table}`, insert(0)))?.[0]?.row?.[plan.key] : undefined;
  const key = inserted ?? plan.keys[0];
  if (key === undefined) return problems;
  // One update per column: the copy of another row's value (or of its own, for a unique column).
  const seen = new Set<string>();
  for (const update of plan.updates.filter((u) => u.kind === 'copy')) {
    if (seen.has(update.column)) continue;
    seen.add(update.column);
    await attempt(`update of ${plan.table}.${update.column}`, update.sql, /\$2/.test(update.sql) ? [key, plan.keys[0] ?? key] : [key]);
  }
  if (inserted !== undefined) await attempt(`delete from ${plan.table}`, plan.delete, [inserted]);
  return problems;
}

/** Every enum type of the current schema with its labels (`"Role"` → admin, member). */
export async function enumLabels(db: Queryable): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ type: string; labels: string[] }>(
    `SELECT t.typname AS type, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname`,
  );
  return new Map(rows.map((r) => [r.type, r.labels]));
}

/**
 * Values an expand migration adds to an enum the previous version already has: its Prisma Client
 * does not know them and fails on every row that holds one (prisma/orm#24288) as soon as the new
 * version writes it. New enum types are no concern: no column of the previous version uses them.
 */
export function unknownEnumValues(before: Map<string, string[]>, after: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [type, labels] of after) {
    const known = before.get(type);
    if (!known) continue;
    const added = labels.filter((l) => !known.includes(l));
    if (added.length) {
      problems.push(
        `enum ${type} gains ${added.map((l) => JSON.stringify(l)).join(', ')}, which the previous application version's Prisma Client does not know: it fails reading any row that holds ${added.length > 1 ? 'one' : 'it'} once the new version writes ${added.length > 1 ? 'them' : 'it'}`,
      );
    }
  }
  return problems;
}
