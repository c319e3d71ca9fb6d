import type { ParsedStatement } from '../parse';

/**
 * An explicit, reasoned exception written right above a statement, for what the SQL alone cannot
 * tell (a cast PostgreSQL can do without a rewrite on a column whose type no migration shows, a
 * rollback that accepts a cost):
 *
 *   -- forge-lint: allow changing-column-type -- varchar(32) → varchar(64) is binary-coercible
 *   ALTER TABLE "Product" ALTER COLUMN "sku" SET DATA TYPE VARCHAR(64);
 *
 * The comment must sit in the block of `--` lines directly above the statement and give a reason
 * after the second `--`; one without a reason, or naming an unknown rule, is itself an error.
 */
export interface Suppression {
  rules: string[];
  reason: string;
  /** 1-based line of the comment. */
  line: number;
}

export const SUPPRESSION_MARKER = 'forge-lint:';

const SUPPRESSION = /^--\s*forge-lint:\s*allow\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?:--\s*(.*))?$/;

/** What the comment lines above a statement say; malformed ones are returned with an empty rule list. */
export function suppressionsAbove(sqlLines: string[], statement: ParsedStatement): Suppression[] {
  const found: Suppression[] = [];
  for (let line = statement.line - 1; line >= 1; line--) {
    const text = sqlLines[line - 1]?.trim() ?? '';
    if (!text.startsWith('--')) break;
    if (!text.includes(SUPPRESSION_MARKER)) continue;
    const match = SUPPRESSION.exec(text);
    found.push({
      rules: match ? match[1].split(',').map((r) => r.trim()) : [],
      reason: match?.[2]?.trim() ?? '',
      line,
    });
  }
  return found.reverse();
}
