/**
 * The text of one block (`model X { … }` or `enum X { … }`) with its `///` documentation,
 * for the BEFORE/AFTER view printed by the generators. Empty when the block does not exist.
 */
export function blockExcerpt(content: string, kind: 'model' | 'enum', name: string): string {
  const lines = content.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\s*${kind}\\s+${name}\\s*\\{`).test(l));
  if (start < 0) return '';
  let end = start;
  while (end < lines.length && !/^\s*\}/.test(lines[end])) end++;
  let docStart = start;
  while (docStart > 0 && /^\s*\/\/\//.test(lines[docStart - 1])) docStart--;
  return lines.slice(docStart, end + 1).join('\n');
}
