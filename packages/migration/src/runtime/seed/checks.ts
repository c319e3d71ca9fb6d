/**
 * The two shapes of CHECK constraint the seeder can satisfy by construction, parsed from
 * `pg_get_constraintdef` (PostgreSQL prints them in a normalised form):
 *   IN-lists:  CHECK ((status = ANY (ARRAY['a'::text, 'b'::text])))   — values cycle through the list
 *   bounds:    CHECK (((qty >= 1) AND (qty <= 10)))                    — numbers stay in the range
 * Anything else is left to chance (positive numbers and non-empty strings satisfy most) and, if it
 * fails, reported with the constraint's name and definition.
 */

export interface Bounds {
  min?: number;
  minStrict?: boolean;
  max?: number;
  maxStrict?: boolean;
}

/** `subject` is the column name, or `VALUE` for a domain's constraint. */
export function inListOf(definition: string, subject: string): string[] | undefined {
  const body = unwrap(checkBody(definition));
  if (splitTopLevel(body, ' OR ').length > 1 || splitTopLevel(body, ' AND ').length > 1) return undefined;
  const any = new RegExp(`^${subjectPattern(subject)}\\s*=\\s*ANY\\s*\\((.*)\\)$`, 's').exec(body);
  if (any) {
    const array = /^\(*ARRAY\[(.*?)\]\)*(?:::[\w\s."[\]]+)?$/s.exec(any[1].trim());
    return array ? literals(array[1]) : undefined;
  }
  const equal = new RegExp(`^${subjectPattern(subject)}\\s*=\\s*(.*)$`, 's').exec(body);
  return equal ? literals(equal[1]) : undefined;
}

export function boundsOf(definition: string, subject: string): Bounds | undefined {
  const terms = splitTopLevel(unwrap(checkBody(definition)), ' AND ');
  const bounds: Bounds = {};
  const term = new RegExp(`^${subjectPattern(subject)}\\s*(>=|>|<=|<)\\s*(.+)$`, 's');
  for (const raw of terms) {
    const match = term.exec(unwrap(raw));
    const value = match ? numberLiteral(match[2]) : undefined;
    if (!match || value === undefined) return undefined;
    const [op] = [match[1]];
    if (op.startsWith('>') && (bounds.min === undefined || value >= bounds.min)) Object.assign(bounds, { min: value, minStrict: op === '>' });
    if (op.startsWith('<') && (bounds.max === undefined || value <= bounds.max)) Object.assign(bounds, { max: value, maxStrict: op === '<' });
  }
  return bounds;
}

/** `::type`, `::character varying(5)`, `::text[]`, repeated: what PostgreSQL appends to literals. */
const CAST = String.raw`(?:::[\w\s."]+(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*)*`;

function checkBody(definition: string): string {
  const match = /^CHECK\s*\((.*)\)(?:\s+NOT VALID)?$/s.exec(definition.trim());
  return match ? match[1] : '';
}

/** The column as PostgreSQL prints it: bare or quoted, possibly parenthesised and cast (`(status)::text`). */
function subjectPattern(subject: string): string {
  const escaped = subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const quoted = `"${subject.replace(/"/g, '""')}"`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `\\(*(?:${escaped}|${quoted})\\)*(?:::[\\w\\s."]+?)?`;
}

/** `'a'::text, 'b'::text` or `1, 2` → their text values; undefined if anything else is in the list. */
function literals(list: string): string[] | undefined {
  const values: string[] = [];
  for (const item of splitTopLevel(list, ',')) {
    const text = new RegExp(`^\\(*'((?:[^']|'')*)'${CAST}\\)*$`, 's').exec(item.trim());
    const number = numberLiteral(item);
    if (text) values.push(text[1].replace(/''/g, "'"));
    else if (number !== undefined) values.push(String(number));
    else return undefined;
  }
  return values.length > 0 ? values : undefined;
}

/** `10`, `(0)::numeric`, `'-1'::integer`, `2.5` → the number. */
function numberLiteral(text: string): number | undefined {
  const match = /^\(*'?(-?\d+(?:\.\d+)?)'?\)*(?:::[\w\s."]+)?\)*$/.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/** Strips parentheses that enclose the whole expression. */
function unwrap(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && closingParen(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  return text;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") i = skipQuoted(text, i);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") i = skipQuoted(text, i);
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function skipQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}
