/**
 * Splits a PostgreSQL script into statements on top-level `;`, skipping those inside string
 * literals, quoted identifiers, dollar-quoted bodies and comments. Comment-only pieces are dropped.
 * Each statement keeps its leading comments (Prisma's `-- CreateIndex` headers).
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      i = indexAfter(script, '\n', i + 2);
    } else if (ch === '/' && next === '*') {
      i = indexAfter(script, '*/', i + 2);
    } else if (ch === "'" || ch === '"') {
      i = endOfQuoted(script, i, ch);
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))?.[0];
      i = tag ? indexAfter(script, tag, i + tag.length) : i + 1;
    } else if (ch === ';') {
      push(statements, script.slice(start, i + 1));
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  push(statements, script.slice(start));
  return statements;
}

/** The statement without its comments and trailing semicolon, on one line (for messages and checks). */
export function statementText(statement: string): string {
  return stripComments(statement).replace(/;\s*$/, '').replace(/\s+/g, ' ').trim();
}

export function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim();
}

function push(statements: string[], piece: string): void {
  if (stripComments(piece).replace(/;$/, '').trim()) statements.push(piece.trim());
}

function indexAfter(text: string, token: string, from: number): number {
  const at = text.indexOf(token, from);
  return at < 0 ? text.length : at + token.length;
}

/** End of a '…' or "…" token, where a doubled quote is an escaped quote. */
export function endOfQuoted(text: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

