import { VERSION_FEATURES } from '../../../versions/features';
import { introducedIn, STATEMENT_FACTS } from '../../../versions/statement-facts';
import type { LintRule, RuleFinding } from '../types';

/** What a statement may use that not every supported major has: the version tables' rows that say how to spot it. */
// The statement facts first: their names are the statements themselves.
const NEWER = [
  ...STATEMENT_FACTS.filter((f) => f.usedBy).map((f) => ({ name: f.name, since: introducedIn(f) as number, usedBy: f.usedBy! })),
  ...VERSION_FEATURES.map((f) => ({ name: f.name, since: f.since as number, usedBy: f.usedBy })),
];

/**
 * A migration generated for one PostgreSQL major (its generated-by line) that uses what only a
 * later major has fails there, usually with a syntax error, when production runs the major it
 * was generated for: a hand edit that reached for PostgreSQL 18's NOT NULL … NOT VALID, say.
 * Hand-written migrations (no generated-by line) are not judged: their target is not known.
 */
export const requiresNewerPostgresql: LintRule = {
  id: 'requires-newer-postgresql',
  severity: 'error',
  summary: 'Use only what the PostgreSQL major the migration was generated for has.',
  peers: {},
  check(context) {
    const target = context.targetVersion;
    if (target === undefined) return [];
    const findings: RuleFinding[] = [];
    for (const statement of context.script.statements) {
      const needs = NEWER.filter((n) => n.since > target && n.usedBy.test(statement.statement.text));
      const newest = needs.sort((a, b) => b.since - a.since)[0];
      if (!newest) continue;
      findings.push({
        statement,
        message: `This migration was generated for PostgreSQL ${target}, but ${newest.name} needs PostgreSQL ${newest.since}: it fails on ${target}.`,
        fix:
          `If production runs PostgreSQL ${newest.since} or later, set pgVersion to it in the @forge/migration plugin options in nx.json and generate the change again; ` +
          `otherwise write it the way PostgreSQL ${target} allows (the generators do).`,
      });
    }
    return findings;
  },
};
