import type { MigrationFolder, MigrationsDirectory } from '../../engine/migrations';
import { quoteIdent } from '../../sql/identifiers';
import { withDeployLock } from '../deploy-lock';
import { BACKUP_SCHEMA, FORGE_SCHEMA } from '../forge-schema';
import type { RuntimeLogger } from '../logger';
import { appliedRecords, readMigrationRecords } from '../migration-records';
import { withClient, type Queryable } from '../pg-client';
import { listBackups, type MigrationScript } from './registry';
import { dropGroups, planPrune, type AppliedMigration, type PruneDecision } from './retention';

export interface PruneOptions {
  retentionMs: number;
  /** Also drop what the rollback of the last applied migration needs. */
  force?: boolean;
  /** Decide and report, change nothing. */
  dryRun?: boolean;
  now?: Date;
  /** lock_timeout of each DROP: a backup being read (a rollback in progress) is skipped, not waited for. */
  lockTimeout?: string;
}

/** What one group's DROP removed, or why it did not. */
export interface PruneOutcome {
  tables: string[];
  enums: string[];
  sequences: string[];
  /** Companions left because something else still uses them. */
  kept: string[];
  error?: string;
}

export interface PruneResult {
  decisions: PruneDecision[];
  outcomes: PruneOutcome[];
}

/** Applied migrations (with their folder, null when not on disk) as the registry and the retention rule need them. */
export function appliedScripts(
  applied: { name: string; appliedAt: Date; folder: Pick<MigrationFolder, 'sql' | 'downSql'> | null }[],
): { applied: AppliedMigration[]; scripts: MigrationScript[] } {
  return {
    applied: applied.map((m) => ({ name: m.name, appliedAt: m.appliedAt, downSql: m.folder?.downSql ?? null })),
    scripts: applied.flatMap((m) => (m.folder ? [{ name: m.name, sql: m.folder.sql }] : [])),
  };
}

/** The plan alone: every backup with keep/drop and why. Registers unseen backups (first seen now). */
async function planBackupPrune(db: Queryable, directory: MigrationsDirectory, options: PruneOptions): Promise<PruneDecision[]> {
  const now = options.now ?? new Date();
  const folders = new Map(directory.migrations.map((m) => [m.name, m]));
  const records = appliedRecords(await readMigrationRecords(db));
  const { applied, scripts } = appliedScripts(records.map((r) => ({ name: r.name, appliedAt: r.finishedAt!, folder: folders.get(r.name) ?? null })));
  const backups = await listBackups(db, { applied: scripts, now });
  return planPrune(backups, applied, { retentionMs: options.retentionMs, now, force: options.force });
}

/**
 * Drops the backups older than the retention (never a younger one), each group of linked tables
 * in its own transaction with the enums and sequences parked with it. Runs under the deploy lock,
 * so it never races a migrate or migrate-down that may be reading a backup.
 */
export async function pruneBackups(url: string, directory: MigrationsDirectory, logger: RuntimeLogger, options: PruneOptions): Promise<PruneResult> {
  return withDeployLock(url, logger, () =>
    withClient(url, async (db) => {
      const decisions = await planBackupPrune(db, directory, options);
      if (options.dryRun) return { decisions, outcomes: [] };
      const outcomes: PruneOutcome[] = [];
      for (const group of dropGroups(decisions)) outcomes.push(await dropGroup(db, group, options.lockTimeout ?? '5s'));
      return { decisions, outcomes };
    }),
  );
}

async function dropGroup(db: Queryable, group: PruneDecision[], lockTimeout: string): Promise<PruneOutcome> {
  const tables = group.map((d) => d.backup.table);
  const enums = [...new Set(group.flatMap((d) => d.backup.enums))];
  const sequences = [...new Set(group.flatMap((d) => d.backup.sequences))];
  const outcome: PruneOutcome = { tables, enums: [], sequences: [], kept: [] };
  const qualified = (name: string) => `${quoteIdent(BACKUP_SCHEMA)}.${quoteIdent(name)}`;
  try {
    await db.query('BEGIN');
    await db.query(`SET LOCAL lock_timeout = '${lockTimeout.replace(/'/g, "''")}'`);
    // One statement for the whole group: foreign keys among them do not block it, and no CASCADE
    // can reach a live table (a dependency outside the group fails the drop instead).
    await db.query(`DROP TABLE ${tables.map(qualified).join(', ')}`);
    // Owned sequences went with their tables; others the defaults used, and the enums, go when nothing else uses them.
    for (const [kind, names, into] of [['SEQUENCE', sequences, outcome.sequences], ['TYPE', enums, outcome.enums]] as const) {
      for (const name of names) {
        await db.query('SAVEPOINT companion');
        try {
          await db.query(`DROP ${kind} IF EXISTS ${qualified(name)}`);
          into.push(name);
        } catch {
          await db.query('ROLLBACK TO SAVEPOINT companion');
          outcome.kept.push(name);
        }
      }
    }
    await db.query(`DELETE FROM "${FORGE_SCHEMA}".backups WHERE table_name = ANY ($1::text[])`, [tables]);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    return { tables, enums: [], sequences: [], kept: [], error: (error as Error).message };
  }
  return outcome;
}
