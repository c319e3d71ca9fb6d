import type { InvalidIndex } from './invalid-indexes';
import type { MigrationStatusRow, StatusReport } from './status';

/** A way out: one of the tool's targets with its options, or (when no target applies) one SQL statement. */
export type StatusFix = { target: string; options?: Record<string, string>; does: string } | { sql: string; does: string };

/** One problem migrate-status found, and the commands that resolve it (the first is the usual one). */
export interface StatusAdvice {
  problem: string;
  fixes: StatusFix[];
}

type Findings = Pick<StatusReport, 'rows' | 'unknownApplied' | 'unfinishedData' | 'unfinishedRollbacks' | 'interruptedRollbacks' | 'invalidIndexes'>;

/**
 * What to run for each problem. Every suggestion is a command that works from that state (each
 * is proven by a reliability test): never "run migrate" where migrate would fail.
 */
export function statusAdvice(findings: Findings): StatusAdvice[] {
  const applied = findings.rows.filter((r) => r.state === 'applied' || r.state === 'edited after apply');
  /** migrate-down rolls back the newest applied migrations: reaching `name` takes this many. */
  const rollBackTo = (name: string): StatusFix => {
    const count = applied.length - applied.findIndex((r) => r.name === name);
    return count === 1
      ? { target: 'migrate-down', does: `rolls ${name} back` }
      : { target: 'migrate-down', options: { count: String(count) }, does: `rolls back the ${count} newest migrations, ${name} last` };
  };
  const advice: StatusAdvice[] = [];
  for (const row of findings.rows.filter((r) => r.state === 'failed')) {
    advice.push({
      problem: `${row.name} failed: PostgreSQL undid its statements, and Prisma refuses to migrate past a failed migration.`,
      fixes: [
        { target: 'migrate', does: 'records the failed attempt rolled back and applies it again (fix its migration.sql first)' },
        { target: 'migrate-resolve', options: { rolledBack: row.name }, does: 'only records the failed attempt rolled back' },
      ],
    });
  }
  for (const name of findings.unfinishedData) {
    const row = findings.rows.find((r) => r.name === name)!;
    advice.push({
      problem: `${name} is applied but its data migration ${dataProblem(row)}.`,
      fixes: [
        { target: 'migrate', does: 'runs the data migration, resuming from its last checkpoint' },
        rollBackTo(name),
        { target: 'migrate-resolve', options: { applied: name }, does: 'records the data migration done without running it (only when its changes are in the database already)' },
      ],
    });
  }
  for (const name of findings.unfinishedRollbacks) {
    const row = findings.rows.find((r) => r.name === name)!;
    advice.push({
      problem: `Rolling back ${name} stopped half-way: its data migration's down() ${row.data === 'rollback_failed' ? 'failed' : 'was interrupted'}.`,
      fixes: [{ ...rollBackTo(name), does: 'finishes the rollback: down() resumes from its checkpoint, then down.sql' }, { target: 'migrate', does: `re-applies ${name}'s data migration instead` }],
    });
  }
  for (const r of findings.interruptedRollbacks) {
    advice.push({
      problem:
        `Rolling back ${r.migration} stopped after step ${r.stepsDone} of ${r.stepsTotal} (last step committed ${r.updatedAt.toISOString()}); ` +
        'it is still listed as applied, and migrate refuses until the rollback is finished.',
      fixes: [{ ...rollBackTo(r.migration), does: `finishes the rollback: it continues at step ${r.stepsDone + 1}` }],
    });
  }
  for (const index of findings.invalidIndexes) advice.push(indexAdvice(index, findings.rows, applied, rollBackTo));
  if (findings.unknownApplied.length) {
    advice.push({
      problem: `Applied in the database but missing on disk: ${findings.unknownApplied.join(', ')}.`,
      fixes: [{ target: 'migrate-status', does: 'from the branch that has these folders (pull them first), shows the rest; migrate-down there rolls them back' }],
    });
  }
  return advice;
}

function dataProblem(row: MigrationStatusRow): string {
  switch (row.data) {
    case 'interrupted':
      return 'was interrupted';
    case 'failed':
      return 'failed';
    case 'rolled_back':
      return 'is rolled back (a rollback stopped before down.sql, or a deploy before the data step)';
    default:
      return 'never ran';
  }
}

function indexAdvice(index: InvalidIndex, rows: MigrationStatusRow[], applied: MigrationStatusRow[], rollBackTo: (name: string) => StatusFix): StatusAdvice {
  const what = `Index ${index.name} on ${index.table} is INVALID${index.ready ? ' (writes maintain it, reads ignore it)' : ' and not maintained by writes'}`;
  const dropper = index.droppedBy && rows.find((r) => r.name === index.droppedBy);
  if (dropper && !applied.includes(dropper)) {
    // A DROP INDEX CONCURRENTLY marks the index INVALID, then waits for every transaction using the table: stopped there, the migration is not applied.
    return {
      problem: `${what}: the DROP INDEX CONCURRENTLY of ${dropper.name} was stopped while it waited for transactions using ${index.table}.`,
      fixes: [{ target: 'migrate', does: `finishes the drop with ${dropper.name} (once the long transactions on ${index.table} have ended)` }],
    };
  }
  const owner = index.migration && rows.find((r) => r.name === index.migration);
  if (owner && applied.includes(owner)) {
    return {
      problem: `${what}: a concurrent build or drop of ${owner.name} was interrupted, though the migration is recorded as applied.`,
      fixes: [{ target: 'migrate', does: `rebuilds it as ${owner.name} defines it` }, { ...rollBackTo(owner.name), does: `${rollBackTo(owner.name).does} (dropping the index)` }],
    };
  }
  if (owner) {
    return {
      problem: `${what}: left by an interrupted build of ${owner.name}, which is not applied.`,
      fixes: [{ target: 'migrate', does: `drops it and builds it again with ${owner.name}` }],
    };
  }
  return {
    problem: `${what}, and no migration builds it.`,
    fixes: [{ sql: `DROP INDEX CONCURRENTLY IF EXISTS "${index.name.replace(/"/g, '""')}";`, does: 'drops it (then the drift check shows whether schema.prisma expects it)' }],
  };
}
