import { inputError } from '../errors';

/**
 * An SQL expression written by the user (a cast, a backfill) goes into a PL/pgSQL function body and into the TypeScript of a
 * data migration: one expression, no statement separator, no quote that could end the body.
 */
export function assertSqlExpression(option: string, sql: string, example = 'lower("email")'): void {
  const text = String(sql).trim();
  const outsideQuotes = text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, "''");
  const problem = !text
    ? 'it is empty'
    : text.includes('$forge$')
      ? 'it contains $forge$'
      : outsideQuotes.includes(';')
        ? 'it contains ";" (one expression, not statements)'
        : /--|\/\*/.test(outsideQuotes)
          ? 'it contains a comment'
          : !balanced(text)
            ? 'its quotes or parentheses do not balance'
            : undefined;
  if (problem) {
    throw inputError(`Invalid --${option} ${JSON.stringify(text)}: ${problem}. Example: --${option} '${example}'.`);
  }
}

function balanced(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) return false;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

