import type { LockMode } from '../analysis/locks';
import { SUPPORTED_PG_MAJORS, type PgMajor } from '../engine/postgres-releases';

/** What a statement does to its table on one major: the strongest lock it takes, whether it rewrites every row, whether it reads every row. */
export interface StatementBehaviour {
  lock: LockMode;
  rewrites: boolean;
  scans: boolean;
}

/**
 * A statement whose behaviour depends on the PostgreSQL major, for the analysis and lint: from
 * which major it exists, and what it does from there on (a later entry when that changes). Each
 * row is checked against the server on every major by statement-facts.int.spec.ts (`npm run
 * test:matrix`): lock from pg_locks, rewrite from the table's relfilenode; below the first major
 * it must fail with `missing`. statement-facts.spec.ts checks that the analysis says the same.
 */
export interface StatementFact {
  id: string;
  /** What it is, as the user would search for it. */
  name: string;
  /** Runs first, on a table `t (id int PRIMARY KEY, c int)` of 100 rows, half of them with c NULL. */
  setup?: string;
  sql: string;
  /** Matches a statement that is this one (when its text tells), for lint's version check. */
  usedBy?: RegExp;
  /** Oldest first: each entry applies from its major until the next one's. */
  byVersion: readonly ({ from: PgMajor } & StatementBehaviour)[];
  /** The SQLSTATE below the first entry's major (42601: syntax error). */
  missing?: string;
}

const AE = 'ACCESS EXCLUSIVE';

export const STATEMENT_FACTS: readonly StatementFact[] = [
  {
    id: 'add-not-null-not-valid',
    name: 'ADD CONSTRAINT … NOT NULL col NOT VALID',
    sql: 'ALTER TABLE t ADD CONSTRAINT t_c_not_null NOT NULL c NOT VALID',
    usedBy: /\bADD\s+CONSTRAINT\s+(?:"(?:[^"]|"")+"|\S+)\s+NOT\s+NULL\b/i,
    byVersion: [{ from: 18, lock: AE, rewrites: false, scans: false }],
    missing: '42601',
  },
  {
    id: 'add-not-null-constraint',
    name: 'ADD CONSTRAINT … NOT NULL col (validated at once)',
    setup: 'UPDATE t SET c = 0 WHERE c IS NULL',
    sql: 'ALTER TABLE t ADD CONSTRAINT t_c_not_null NOT NULL c',
    usedBy: /\bADD\s+CONSTRAINT\s+(?:"(?:[^"]|"")+"|\S+)\s+NOT\s+NULL\b/i,
    byVersion: [{ from: 18, lock: AE, rewrites: false, scans: true }],
    missing: '42601',
  },
  {
    id: 'validate-not-null',
    name: 'VALIDATE CONSTRAINT of a NOT NULL constraint added NOT VALID',
    setup: 'ALTER TABLE t ADD CONSTRAINT t_c_not_null NOT NULL c NOT VALID; UPDATE t SET c = 0 WHERE c IS NULL',
    sql: 'ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null',
    byVersion: [{ from: 18, lock: 'SHARE UPDATE EXCLUSIVE', rewrites: false, scans: true }],
    missing: '42601',
  },
  {
    id: 'set-not-null',
    name: 'ALTER COLUMN … SET NOT NULL',
    setup: 'UPDATE t SET c = 0 WHERE c IS NULL',
    sql: 'ALTER TABLE t ALTER COLUMN c SET NOT NULL',
    byVersion: [{ from: 14, lock: AE, rewrites: false, scans: true }],
  },
  {
    id: 'add-virtual-generated-column',
    name: 'ADD COLUMN … GENERATED ALWAYS AS (…) [VIRTUAL] (virtual is the default from 18 on)',
    sql: 'ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (c * 2)',
    // A generated column with no STORED after it (explicitly VIRTUAL, or virtual by default on 18).
    usedBy: /\bGENERATED\s+ALWAYS\s+AS\s*\((?![\s\S]*\bSTORED\b)/i,
    byVersion: [{ from: 18, lock: AE, rewrites: false, scans: false }],
    missing: '42601',
  },
  {
    id: 'add-stored-generated-column',
    name: 'ADD COLUMN … GENERATED ALWAYS AS (…) STORED',
    sql: 'ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (c * 2) STORED',
    byVersion: [{ from: 14, lock: AE, rewrites: true, scans: true }],
  },
  {
    id: 'set-expression',
    name: 'ALTER COLUMN … SET EXPRESSION AS (…) of a stored generated column',
    setup: 'ALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS (c * 2) STORED',
    sql: 'ALTER TABLE t ALTER COLUMN s SET EXPRESSION AS (c * 3)',
    usedBy: /\bSET\s+EXPRESSION\b/i,
    byVersion: [{ from: 17, lock: AE, rewrites: true, scans: true }],
    missing: '42601',
  },
  {
    id: 'foreign-key-not-enforced',
    name: 'ADD CONSTRAINT … FOREIGN KEY … NOT ENFORCED',
    setup: 'CREATE TABLE p (id int PRIMARY KEY)',
    sql: 'ALTER TABLE t ADD CONSTRAINT t_c_fkey FOREIGN KEY (c) REFERENCES p (id) NOT ENFORCED',
    usedBy: /\bNOT\s+ENFORCED\b/i,
    byVersion: [{ from: 18, lock: 'SHARE ROW EXCLUSIVE', rewrites: false, scans: false }],
    missing: '42601',
  },
  {
    id: 'check-not-enforced',
    name: 'ADD CONSTRAINT … CHECK (…) NOT ENFORCED',
    sql: 'ALTER TABLE t ADD CONSTRAINT t_c_check CHECK (c > 0) NOT ENFORCED',
    usedBy: /\bNOT\s+ENFORCED\b/i,
    byVersion: [{ from: 18, lock: AE, rewrites: false, scans: false }],
    missing: '42601',
  },
];

/** What the statement of `fact` does on `major`; undefined where that major does not have it. */
export function behaviourOn(fact: StatementFact, major: number): StatementBehaviour | undefined {
  const entry = [...fact.byVersion].reverse().find((e) => e.from <= major);
  return entry && { lock: entry.lock, rewrites: entry.rewrites, scans: entry.scans };
}

/** The first major that has the statement of `fact`. */
export function introducedIn(fact: StatementFact): PgMajor {
  return fact.byVersion[0].from;
}

/** The fact table as a grid: one row per fact, one column per supported major. */
export function statementFactGrid(): { fact: StatementFact; cells: (StatementBehaviour | undefined)[] }[] {
  return STATEMENT_FACTS.map((fact) => ({ fact, cells: SUPPORTED_PG_MAJORS.map((major) => behaviourOn(fact, major)) }));
}
