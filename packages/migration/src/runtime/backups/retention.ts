import { backupsNamedIn } from './backup-references';
import { formatDuration } from './duration';
import type { BackupInfo } from './registry';

/** An applied migration: when, and the rollback script that may need backups. */
export interface AppliedMigration {
  name: string;
  appliedAt: Date;
  downSql: string | null;
}

export interface PrunePolicy {
  retentionMs: number;
  now: Date;
  /** Also drop the backups the rollback of the last applied migration needs. */
  force?: boolean;
}

export interface PruneDecision {
  backup: BackupInfo;
  action: 'drop' | 'keep';
  reason: string;
  /** Applied migrations whose down.sql names this backup: their rollback fails without it. */
  neededBy: string[];
  /** Where its retention counts from: registration, or the newer apply time of a migration that needs it. */
  since: Date;
}

/**
 * Which backups go. A backup is kept until `retention` has passed since the later of its
 * registration and the apply time of the newest applied migration whose rollback names it — a
 * remove-column's backup is made one migration before the removal that needs it, and must not
 * expire before the removal does. Never one younger than the retention. Decided (and documented
 * in the report): the backups the rollback of the LAST applied migration needs are kept past the
 * retention unless `force`, so the rollback that `migrate-down` would do next never breaks by a
 * routine prune. Backups linked by a foreign key (a parked table and its join table) go together
 * or not at all.
 */
export function planPrune(backups: BackupInfo[], applied: AppliedMigration[], policy: PrunePolicy): PruneDecision[] {
  const last = [...applied].sort((a, b) => a.name.localeCompare(b.name)).at(-1);
  const decisions = backups.map((backup): PruneDecision => {
    const { since, newest, neededBy } = retentionStart(backup, applied);
    const age = policy.now.getTime() - since.getTime();
    if (policy.now < retainedUntil(since, policy.retentionMs)) {
      const left = formatDuration(policy.retentionMs - age);
      const reason =
        since === backup.createdAt
          ? `younger than the retention (${backup.source === 'first seen' ? 'first seen' : 'registered'} ${formatDuration(age)} ago; ${left} left)`
          : `the rollback of ${newest!.name}, applied ${formatDuration(age)} ago, needs it (${left} left)`;
      return { backup, action: 'keep', reason, neededBy, since };
    }
    if (last && neededBy.includes(last.name) && !policy.force) {
      return { backup, action: 'keep', reason: `the rollback of the last applied migration ${last.name} needs it (--force drops it)`, neededBy, since };
    }
    const consequence = neededBy.length ? `; afterwards migrate-down cannot roll back ${neededBy.join(', ')}` : '';
    return { backup, action: 'drop', reason: `older than the retention (${formatDuration(age)})${consequence}`, neededBy, since };
  });
  keepLinkedTogether(decisions);
  return decisions;
}

/**
 * Where a backup's retention counts from: the later of its registration and the apply time of the
 * newest applied migration whose down.sql restores from it. The one rule migrate-prune and the
 * checklist's rollback-ready item share.
 */
export function retentionStart(backup: BackupInfo, applied: AppliedMigration[]): { since: Date; newest?: AppliedMigration; neededBy: string[] } {
  const needers = applied.filter((m) => backupsNamedIn(m.downSql).includes(backup.table));
  const newest = needers.reduce<AppliedMigration | undefined>((a, m) => (!a || m.appliedAt > a.appliedAt ? m : a), undefined);
  const since = newest && newest.appliedAt > backup.createdAt ? newest.appliedAt : backup.createdAt;
  return { since, newest, neededBy: needers.map((m) => m.name) };
}

/** The first moment migrate-prune may drop a backup whose retention counts from `since`: kept at every instant before it. */
export function retainedUntil(since: Date, retentionMs: number): Date {
  return new Date(since.getTime() + retentionMs);
}

/** A backup linked by a foreign key to one that stays, stays too (dropping it alone would fail or cascade). */
function keepLinkedTogether(decisions: PruneDecision[]): void {
  const byTable = new Map(decisions.map((d) => [d.backup.table, d]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const decision of decisions) {
      if (decision.action !== 'drop') continue;
      const kept = decision.backup.linkedTo.find((t) => byTable.get(t)?.action !== 'drop');
      if (kept) {
        decision.action = 'keep';
        decision.reason = `linked by a foreign key to ${kept}, which is kept`;
        changed = true;
      }
    }
  }
}

/** Tables to drop, in groups linked by foreign keys (each group is dropped by one statement). */
export function dropGroups(decisions: PruneDecision[]): PruneDecision[][] {
  const dropped = new Map(decisions.filter((d) => d.action === 'drop').map((d) => [d.backup.table, d]));
  const groups: PruneDecision[][] = [];
  const seen = new Set<string>();
  for (const start of dropped.values()) {
    if (seen.has(start.backup.table)) continue;
    const group: PruneDecision[] = [];
    const queue = [start];
    seen.add(start.backup.table);
    while (queue.length) {
      const decision = queue.shift()!;
      group.push(decision);
      for (const linked of decision.backup.linkedTo) {
        const next = dropped.get(linked);
        if (next && !seen.has(linked)) {
          seen.add(linked);
          queue.push(next);
        }
      }
    }
    groups.push(group);
  }
  return groups;
}
