/**
 * A statement without its leading `-- …` comment lines and trailing `;`, otherwise exactly as
 * written: unlike statementText it keeps the whitespace inside literals ('a  b' stays 'a  b'),
 * so a parsed piece can be written back unchanged.
 */
export function statementBody(statement: string): string {
  return statement
    .replace(/^(?:\s*--[^\n]*(?:\n|$))+/, '')
    .replace(/;\s*$/, '')
    .trim();
}
