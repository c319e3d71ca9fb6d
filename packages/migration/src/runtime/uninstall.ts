import { withDeployLock } from './deploy-lock';
import { BACKUP_SCHEMA, FORGE_SCHEMA } from './forge-schema';
import type { RuntimeLogger } from './logger';
import { withClient } from './pg-client';

/** What removing the tool from a database drops, or why it cannot yet. */
export interface UninstallPlan {
  /** Of `_forge` and `_forge_backup`, the ones that exist. */
  schemas: string[];
  /** Tables in them with their rows: the bookkeeping, and the backups rollbacks restore data from. */
  tables: { table: string; rows: number }[];
  /** Triggers on the application's tables that call a function of `_forge`: a change is half-way. */
  blockers: string[];
}

const SCHEMAS = [FORGE_SCHEMA, BACKUP_SCHEMA];

/** Reads what `uninstall` would drop; changes nothing. */
export async function planUninstall(url: string): Promise<UninstallPlan> {
  return withClient(url, async (client) => {
    const schemas = (await client.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`, [SCHEMAS])).rows.map((r) => r.name);
    const tables = (
      await client.query<{ table: string; rows: string }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS table, c.reltuples::bigint::text AS rows
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') ORDER BY 1`,
        [SCHEMAS],
      )
    ).rows;
    const exact = await Promise.all(tables.map(async (t) => ({ table: t.table, rows: Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t.table}`)).rows[0].n) })));
    const blockers = (
      await client.query<{ trigger: string }>(
        `SELECT format('trigger %I on %I.%I (calls %I.%I)', t.tgname, tn.nspname, c.relname, pn.nspname, p.proname) AS trigger
           FROM pg_trigger t
           JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
           JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace tn ON tn.oid = c.relnamespace
          WHERE pn.nspname = ANY($1) AND tn.nspname <> ALL($1) AND NOT t.tgisinternal
          ORDER BY 1`,
        [SCHEMAS],
      )
    ).rows.map((r) => r.trigger);
    return { schemas, tables: exact, blockers };
  });
}

/**
 * Drops `_forge` and `_forge_backup` (bookkeeping and backups), in one transaction, unless a
 * change is half-way (its triggers on application tables call `_forge` functions). Prisma's own
 * `_prisma_migrations` and every application table stay. Holds the deploy lock: no migrate runs meanwhile.
 */
export async function uninstall(url: string, logger: RuntimeLogger): Promise<UninstallPlan> {
  return withDeployLock(url, logger, () => dropSchemas(url));
}

async function dropSchemas(url: string): Promise<UninstallPlan> {
  const plan = await planUninstall(url);
  if (plan.blockers.length) {
    throw new Error(
      `A change is half-way: ${plan.blockers.join('; ')}. Dropping _forge would break those tables' writes. ` +
        'Nothing was changed. Finish it (migrate) or roll it back (migrate-down) first, then uninstall again.',
    );
  }
  if (!plan.schemas.length) return plan;
  await withClient(url, (client) => client.query(`BEGIN; DROP SCHEMA IF EXISTS "${BACKUP_SCHEMA}", "${FORGE_SCHEMA}" CASCADE; COMMIT;`));
  return plan;
}
