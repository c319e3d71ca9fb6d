import type { ScriptKind } from './types';

/**
 * Allowances kept beside a migration instead of inside it. An applied migration.sql must stay
 * byte for byte as it ran (Prisma stores its checksum, and an edit shows as "edited after apply"),
 * so an exception for a migration that already ran lives in this file in its folder:
 *
 *   # migrate-lint allowances; migration.sql stays exactly as it was applied
 *   migration.sql:12 allow require-concurrent-index-creation -- the table was empty when this ran
 *   down.sql allow require-lock-timeout -- written by hand in 2023, never run
 *
 * `<script>:<line>` names the statement that starts on that line (the line migrate-lint reports);
 * `<script>` alone covers every statement of the script. A reason after `--` is required.
 */
export const ALLOWANCES_FILE = 'lint-allowances.txt';

export interface FileAllowance {
  script: ScriptKind;
  /** The statement's first line, or null for every statement of the script. */
  statementLine: number | null;
  /** Empty when the line is malformed. */
  rules: string[];
  reason: string;
  /** 1-based line in the allowances file. */
  fileLine: number;
}

const ALLOWANCE = /^(migration\.sql|down\.sql)(?::(\d+))?\s+allow\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?:--\s*(.*))?$/;

/** Every non-blank, non-`#` line of the file; a malformed one comes back with no rules (and is reported as such). */
export function parseAllowances(text: string): FileAllowance[] {
  return text.split('\n').flatMap((raw, index): FileAllowance[] => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return [];
    const match = ALLOWANCE.exec(line);
    if (!match) return [{ script: line.startsWith('down.sql') ? 'down.sql' : 'migration.sql', statementLine: null, rules: [], reason: '', fileLine: index + 1 }];
    return [
      {
        script: match[1] as ScriptKind,
        statementLine: match[2] === undefined ? null : Number(match[2]),
        rules: match[3].split(',').map((r) => r.trim()),
        reason: match[4]?.trim() ?? '',
        fileLine: index + 1,
      },
    ];
  });
}
