import { markMigrationApplied, markMigrationRolledBack } from '../engine/operations';
import { inputError } from '../errors';
import { didYouMean } from '../suggest';
import { withDeployLock } from './deploy-lock';
import { dropInvalidIndexLeftBy } from './invalid-index';
import { activeRecords, isApplied, isFailed, readMigrationRecords } from './migration-records';
import { withClient } from './pg-client';
import type { ProjectTarget } from './project-target';

/** What `prisma migrate resolve` takes: exactly one of the two. */
export interface ResolveRequest {
  /** A failed migration whose changes are not in the database: record it rolled back. */
  rolledBack?: string;
  /** A migration whose changes are in the database (applied by hand, or a failed one finished by hand): record it applied. */
  applied?: string;
}

export interface ResolveResult {
  migration: string;
  recorded: 'rolled back' | 'applied';
  /** An INVALID index the failed migration's concurrent build left, dropped with it. */
  droppedInvalidIndex?: string;
}

/**
 * `migrate-resolve`: the way out of a failed migration, with the meaning of `prisma migrate resolve`.
 * --rolledBack marks the failed attempt rolled back (PostgreSQL already undid its statements; an
 * INVALID index left by a concurrent build goes too), so `migrate` applies it again and
 * `migrate-down` can reach the migrations before it. --applied records the migration as applied
 * without running it. Each refuses, changing nothing, when the migration is not in the state it resolves.
 */
export async function resolveMigration(target: ProjectTarget, request: ResolveRequest): Promise<ResolveResult> {
  const { name, recorded } = resolveRequest(request);
  const folder = target.directory.migrations.find((m) => m.name === name);
  if (!folder) {
    const names = target.directory.migrations.map((m) => m.name);
    throw inputError(`No migration folder named ${name} in ${target.directory.path}. ${didYouMean(name, names)}Nothing was changed.`);
  }
  return withDeployLock(target.url, target.logger, async () => {
    const record = activeRecords(await withClient(target.url, readMigrationRecords)).get(name);
    const db = { url: target.url };
    if (recorded === 'rolled back') {
      if (!record || !isFailed(record)) {
        const state = !record ? 'not applied (nothing to resolve)' : 'applied';
        throw inputError(
          `${name} is ${state}, not failed: --rolledBack only resolves a failed migration. Nothing was changed.` +
            (record && isApplied(record) ? ' To undo an applied migration, roll it back with migrate-down.' : ''),
        );
      }
      await markMigrationRolledBack(db, name);
      const dropped = await dropInvalidIndexLeftBy(target, folder.sql);
      target.logger.info(`${name} is recorded as rolled back${dropped ? ` (its INVALID index ${dropped} was dropped)` : ''}.`);
      return { migration: name, recorded, droppedInvalidIndex: dropped };
    }
    if (record && isApplied(record)) throw inputError(`${name} is already recorded as applied. Nothing was changed.`);
    // Prisma's engine marks a failed attempt rolled back itself and records a new, applied one.
    await markMigrationApplied(db, target.directory, name);
    target.logger.info(`${name} is recorded as applied (migration.sql was not run: its changes must already be in the database).`);
    return { migration: name, recorded };
  });
}

function resolveRequest(request: ResolveRequest): { name: string; recorded: ResolveResult['recorded'] } {
  const given = [request.rolledBack, request.applied].filter((v) => v !== undefined && v !== '');
  if (given.length !== 1) {
    throw inputError(
      'migrate-resolve needs exactly one of --rolledBack <migration> (a failed migration whose changes are not in the database) ' +
        'or --applied <migration> (its changes are in the database). `migrate-status` lists the failed ones.',
    );
  }
  return request.rolledBack ? { name: request.rolledBack, recorded: 'rolled back' } : { name: request.applied!, recorded: 'applied' };
}
