/**
 * A reasoned exception for `migrate-lint` (src/analysis/lint/suppressions.ts), written on the line
 * right above a statement that a rule flags although the recipe chose it knowingly — always a
 * rollback step that trades a longer lock for a one-step, data-preserving rollback. The reason is
 * printed in the file, so a reviewer sees the trade-off where it is made.
 */
export function allowLint(rule: string, reason: string, statement: string): string {
  return `-- forge-lint: allow ${rule} -- ${reason}\n${statement}`;
}
