import { endOfQuoted } from './split-statements';

/**
 * Splits SQL text on a separator that is not inside a string literal, a quoted identifier or
 * parentheses/brackets: the clauses of `ALTER TABLE … ADD COLUMN a …, ADD COLUMN b …`, whose
 * defaults may hold commas ('{"a":1,"b":2}', ARRAY['x','y']).
 */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      i = endOfQuoted(text, i, ch);
      continue;
    }
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i).trim());
      i += separator.length;
      start = i;
      continue;
    }
    i++;
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}
