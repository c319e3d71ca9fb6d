/**
 * The registry (`src/migrations/index.ts`) in exactly the shape `init` and the generators write: a
 * preamble of line comments, single-line imports and blank lines, then
 * `export const dataMigrations… = {…};` holding one `'{folder}': () => import('./{name}.js')` per
 * line, and nothing after. Such a file is read as text; any other shape goes through TypeScript.
 */
export interface CanonicalRegistry {
  /** Offset just after the object's `{`. */
  open: number;
  /** Offset of the closing `};`. */
  close: number;
  entries: { folder: string; file: string; text: string }[];
}

/** `  '{folder}': () => import('./{name}.js')` and a comma unless last. */
const ENTRY = /^ {2}('(\d{14}_\w+)': \(\) => import\('\.\/([a-z][a-z0-9_]*)\.js'\))(,?)$/;
const PREAMBLE = /^(?:(?:\/\/[^\n]*|import [^\n;]*;|[ \t]*)\n)*$/;
const DECLARATION = /export const dataMigrations(?:: DataMigrationRegistry)? = \{/;

/** The registry's entries when `source` has the canonical shape, else undefined. */
export function parseCanonicalRegistry(source: string): CanonicalRegistry | undefined {
  const declaration = DECLARATION.exec(source);
  if (!declaration || !PREAMBLE.test(source.slice(0, declaration.index))) return undefined;
  const open = declaration.index + declaration[0].length;
  const close = source.indexOf('};', open);
  if (close < 0 || source.slice(close + 2).trim() !== '') return undefined;
  const body = source.slice(open, close);
  if (body === '') return { open, close, entries: [] };
  if (!body.startsWith('\n') || !body.endsWith('\n')) return undefined;
  const lines = body.slice(1, -1).split('\n');
  const entries: CanonicalRegistry['entries'] = [];
  for (const [i, line] of lines.entries()) {
    const match = ENTRY.exec(line);
    // Every entry but the last ends with a comma; the last has none.
    if (!match || (match[4] === ',') !== (i < lines.length - 1)) return undefined;
    entries.push({ folder: match[2], file: match[3], text: match[1] });
  }
  return { open, close, entries };
}
