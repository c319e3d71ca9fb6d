/**
 * Rolling deploys: while a rollout runs, the previous application version (its generated Prisma
 * Client names every column it reads and writes) and the new one share the database. Every
 * generated migration says which side of the rollout it belongs to, on the first line of its
 * migration.sql:
 *   -- forge:phase expand     the previous version keeps working after it: apply before the rollout
 *   -- forge:phase contract   it needs the previous version gone: apply after the rollout
 * A migration without the line (hand-written, or generated before phases existed) counts as
 * expand, which is what plain `migrate` always assumed. PostgreSQL and `prisma migrate deploy`
 * see a comment.
 */
export type Phase = 'expand' | 'contract';

export const PHASES: readonly Phase[] = ['expand', 'contract'];

const MARKER = /^-- forge:phase (\S+)[ \t]*$/;

/** The word after `-- forge:phase` on the first line, if that line is a marker. */
function declaredPhaseWord(sql: string): string | undefined {
  return MARKER.exec(sql.split('\n', 1)[0].trimEnd())?.[1];
}

/** The phase a migration.sql declares on its first line; expand when it declares none. */
export function phaseOf(sql: string): Phase {
  return declaredPhaseWord(sql) === 'contract' ? 'contract' : 'expand';
}

/** Whether the first line is a phase marker (explicit), as opposed to the expand default. */
export function declaresPhase(sql: string): boolean {
  return declaredPhaseWord(sql) !== undefined;
}

/** `sql` with `phase` as its first line (an existing marker is replaced, not doubled). */
export function withPhaseMarker(sql: string, phase: Phase): string {
  const body = declaresPhase(sql) ? sql.slice(sql.indexOf('\n') + 1) : sql;
  return `-- forge:phase ${phase}\n${body}`;
}

/** An unknown phase word in a migration.sql (a typo) must not silently count as expand. */
export function assertKnownPhaseMarker(name: string, sql: string): void {
  const declared = declaredPhaseWord(sql);
  if (declared !== undefined && !PHASES.includes(declared as Phase)) {
    throw new Error(`${name}/migration.sql declares "-- forge:phase ${declared}": expected expand or contract. Fix the first line of the file.`);
  }
}

/** What the previous application version can do once a migration of this phase ran, for report.md. */
export function phaseMeaning(phase: Phase): string {
  return phase === 'expand'
    ? 'expand: the previous application version keeps working after it (its reads and writes still succeed). Apply it before the rollout (`migrate --phase expand`).'
    : 'contract: the previous application version breaks after it (it names a column or value this removes or requires). Apply it only once the new version runs everywhere (`migrate --phase contract`, or plain `migrate`).';
}
