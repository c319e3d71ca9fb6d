import { loadedParser } from '../analysis/parse';
import { inputError } from '../errors';
import { clipped } from '../suggest';

/**
 * An SQL expression written by the user (a cast, a backfill, a dbgenerated() default) goes into a
 * PL/pgSQL function body, into the TypeScript of a data migration and into statements the runtime
 * builds around it. PostgreSQL's own parser must read it as exactly one expression: the text alone
 * as the target of `SELECT (…)`, nothing before or after it, no comment that could swallow what
 * follows it where it is embedded. The parser is the one parseMigration() loads: call
 * loadSqlParser() first.
 */
export function assertSqlExpression(option: string, sql: string, example = 'lower("email")'): void {
  const text = String(sql).trim();
  const problem = sqlExpressionProblem(text);
  if (problem) {
    throw inputError(`Invalid --${option} ${clipped(text)}: ${problem}. Example: --${option} '${example}'.`);
  }
}

/** Why `text` is not exactly one SQL expression, or undefined when it is one. */
export function sqlExpressionProblem(text: string): string | undefined {
  if (!text.trim()) return 'it is empty';
  // Generated functions quote their bodies with $forge$: the expression must not end the body.
  if (text.includes('$forge$')) return 'it contains $forge$';
  const { parseSync, scanSync } = loadedParser();
  let tokens: { tokenName: string; text: string }[];
  try {
    tokens = scanSync(text).tokens;
  } catch (error) {
    return `PostgreSQL cannot read it (${(error as Error).message})`;
  }
  if (tokens.some((t) => t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT')) return 'it contains a comment';
  if (tokens.some((t) => t.text === ';')) return 'it contains ";" (one expression, not statements)';
  // On lines of their own, so that nothing the text holds can close the wrapper early unnoticed.
  let statements: { stmt?: Record<string, unknown> }[];
  try {
    statements = parseSync(`SELECT (\n${text}\n)`).stmts ?? [];
  } catch (error) {
    return `PostgreSQL does not read it as one expression (${(error as Error).message})`;
  }
  if (statements.length !== 1) return `PostgreSQL reads ${statements.length} statements in it, not one expression`;
  const select = statements[0].stmt?.SelectStmt as Record<string, unknown> | undefined;
  const clauses = Object.keys(select ?? {}).filter((key) => !SELECT_DEFAULTS.has(key));
  const targets = (select?.targetList as unknown[] | undefined) ?? [];
  if (!select || targets.length !== 1 || clauses.length > 0 || select.op !== 'SETOP_NONE') {
    return `PostgreSQL reads it as more than one expression${clauses.length ? ` (with ${clauses.join(', ')})` : ''}`;
  }
  return undefined;
}

/** What every plain `SELECT <target>` holds besides its target list. */
const SELECT_DEFAULTS = new Set(['targetList', 'limitOption', 'op']);
