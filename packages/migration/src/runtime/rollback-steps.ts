import { inputError } from '../errors';
import { quoteLiteral } from '../sql/identifiers';
import { splitStatements } from '../sql/split-statements';
import { FORGE_SCHEMA } from './forge-schema';
import type { Queryable } from './pg-client';

/**
 * A down.sql in steps: `-- forge:step …` lines start a transaction of its own (migrate-down commits
 * them one by one, so a VALIDATE or a batched restore does not inherit an earlier statement's lock),
 * and a `-- forge:data-step …` line marks where the data migration's down() runs. Progress is
 * recorded with each step, so a rollback that was interrupted continues where it stopped.
 */
export type RollbackStep = { kind: 'sql'; title: string; sql: string } | { kind: 'data'; title: string };

const MARKER = /^-- forge:(step|data-step)\b\s*(.*)$/;

/** The steps of a down.sql, or undefined when it has no step markers (it runs as one transaction). */
export function rollbackStepsOf(downSql: string): RollbackStep[] | undefined {
  const lines = downSql.split('\n');
  if (!lines.some((line) => MARKER.test(line.trimEnd()))) return undefined;
  const steps: { kind: 'sql' | 'data'; title: string; lines: string[] }[] = [{ kind: 'sql', title: 'preamble', lines: [] }];
  for (const line of lines) {
    const marker = MARKER.exec(line.trimEnd());
    if (marker) steps.push({ kind: marker[1] === 'data-step' ? 'data' : 'sql', title: marker[2].replace(/^[:\s]+/, ''), lines: [] });
    else steps[steps.length - 1].lines.push(line);
  }
  return steps.flatMap((s): RollbackStep[] => {
    if (s.kind === 'data') return [{ kind: 'data', title: s.title }];
    const sql = s.lines.join('\n').trim();
    return splitStatements(sql).length ? [{ kind: 'sql', title: s.title, sql }] : [];
  });
}

const PROGRESS = `"${FORGE_SCHEMA}".rollback_progress`;

export interface RollbackProgress {
  migration: string;
  stepsDone: number;
  stepsTotal: number;
  updatedAt: Date;
}

/** Rollbacks in steps that started and did not finish (the table may not exist yet: none then). */
export async function rollbacksInProgress(db: Queryable): Promise<RollbackProgress[]> {
  const { rows } = await db.query<{ exists: boolean }>(`SELECT to_regclass('${PROGRESS}') IS NOT NULL AS exists`);
  if (!rows[0].exists) return [];
  const progress = await db.query<{ migration: string; steps_done: number; steps_total: number; updated_at: Date }>(
    `SELECT migration_name AS migration, steps_done, steps_total, updated_at FROM ${PROGRESS} ORDER BY migration_name`,
  );
  return progress.rows.map((r) => ({ migration: r.migration, stepsDone: r.steps_done, stepsTotal: r.steps_total, updatedAt: r.updated_at }));
}

/** Steps of `migration`'s rollback already committed (0 when it has not started), checked against the steps of today's down.sql. */
export async function stepsDone(db: Queryable, migration: string, stepsTotal: number): Promise<number> {
  const done = (await rollbacksInProgress(db)).find((p) => p.migration === migration);
  if (!done) return 0;
  if (done.stepsTotal !== stepsTotal) {
    throw inputError(
      `The rollback of ${migration} stopped after step ${done.stepsDone} of ${done.stepsTotal}, but its down.sql now has ${stepsTotal} steps. ` +
        'Nothing was changed. Restore the down.sql it started with, then run migrate-down again.',
    );
  }
  return done.stepsDone;
}

/** SQL that records step `done` of `total` as committed, for the step's own transaction. */
export function recordStepSql(migration: string, done: number, total: number): string {
  return (
    `INSERT INTO ${PROGRESS} (migration_name, steps_done, steps_total) VALUES (${quoteLiteral(migration)}, ${done}, ${total}) ` +
    'ON CONFLICT (migration_name) DO UPDATE SET steps_done = EXCLUDED.steps_done, updated_at = now();'
  );
}

/** SQL that forgets the rollback's progress (with the last step, when the migration's row goes too). */
export function forgetProgressSql(migration: string): string {
  return `DELETE FROM ${PROGRESS} WHERE migration_name = ${quoteLiteral(migration)};`;
}
