import type { StatementEffect } from '../effects';
import type { ParsedStatement } from '../parse';
import type { Catalog } from '../catalog';

export type Severity = 'error' | 'warning';

/** Which of a migration folder's two scripts is linted. */
export type ScriptKind = 'migration.sql' | 'down.sql';

/** One statement of the linted script with what it does to the tables it touches. */
export interface LintStatement {
  statement: ParsedStatement;
  effect: StatementEffect;
  /** 0-based position in its script. */
  index: number;
  /**
   * The transaction it runs in (statements of one transaction share it): the whole script, unless
   * `-- forge:step` lines split a down.sql into transactions that migrate-down commits one by one.
   */
  transaction: number;
}

/** A parsed script (migration.sql or down.sql). */
export interface LintScript {
  kind: ScriptKind;
  statements: LintStatement[];
  /**
   * Runs as one transaction: Prisma wraps a script of several statements in one (Prisma issue
   * #22922), and a single statement is its own transaction unless PostgreSQL refuses it in one.
   */
  transactional: boolean;
  /** The script's title: its first comment line (past the `-- forge:phase` line and `-- @forge-…` directives), '' when it has none. */
  title: string;
}

/** Everything a rule may look at. */
export interface LintContext {
  /** The migration folder, e.g. `20250101000000_add_index`. */
  folder: string;
  /** The script under lint. */
  script: LintScript;
  /** The migration's down.sql when migration.sql is linted (null when it has none). */
  down: LintScript | null;
  /** When down.sql is linted: the migration.sql it reverses. */
  reverses: LintScript | null;
  /** Names of the migrations before this one in the folder (empty when linted alone). */
  previous: string[];
  /** The PostgreSQL major the migration was generated for (its generated-by line); undefined for hand-written ones. */
  targetVersion?: number;
  /**
   * The schema as the migrations before this one (and, for down.sql, this migration's up) left
   * it, replayed forward to just before statement `index` of the script.
   */
  catalogBefore(index: number): Catalog;
}

/** A lint rule: one problem, how to spot it in SQL, and its fix. */
export interface LintRule {
  /** kebab-case, e.g. `require-concurrent-index-creation`; used in suppressions. */
  id: string;
  severity: Severity;
  /** One line: what the rule wants. */
  summary: string;
  /** The same check in peer tools, for readers who know them. */
  peers: { squawk?: string; strongMigrations?: string; atlas?: string };
  check(context: LintContext): RuleFinding[];
}

/** What a rule reports; the engine adds where (migration, script, rule id). */
export interface RuleFinding {
  statement: LintStatement;
  /** The problem, naming the table / column / index concerned. */
  message: string;
  /** What to write instead. */
  fix: string;
  /** A finding may be milder than its rule's default (e.g. a warning variant). */
  severity?: Severity;
}

/** A problem found in a migration script. */
export interface LintFinding {
  migration: string;
  script: ScriptKind;
  rule: string;
  severity: Severity;
  /** 1-based line of the statement in its file (0 when the whole file is concerned). */
  line: number;
  /** The statement's SQL (first line for long ones is left to the printer). */
  statement: string;
  message: string;
  fix: string;
}
