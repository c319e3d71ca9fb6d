import { textTable } from '../../runtime/text-table';
import { ALLOWANCES_FILE } from './allowance-file';
import { ENGINE_CHECKS, type LintReport } from './lint';
import { ALL_RULES } from './rules';

/** Longest message shown in the table; the full text is in the list of fixes below it and in --format json. */
const MESSAGE_WIDTH = 110;

/**
 * The human report: one table row per finding (numbered), then each finding's fix under its
 * number, then a summary line. Messages are shortened in the table only.
 */
export function renderLintReport(report: LintReport): string {
  const summary = lintSummary(report);
  if (!report.findings.length) return `${summary}\n`;
  const rows = report.findings.map((f, i) => [
    String(i + 1),
    f.migration,
    `${f.script}:${f.line}`,
    f.rule,
    f.severity,
    f.message.length > MESSAGE_WIDTH ? `${f.message.slice(0, MESSAGE_WIDTH - 1)}…` : f.message,
  ]);
  const fixes = report.findings.map((f, i) => `${String(i + 1).padStart(3)}. ${f.message}\n     Fix: ${f.fix}`);
  return [
    textTable(['#', 'migration', 'line', 'rule', 'severity', 'message'], rows),
    '',
    fixes.join('\n'),
    '',
    summary,
    'An exception the SQL cannot show goes right above the statement: -- forge-lint: allow <rule> -- <why it is safe>;',
    `for a migration already applied (its migration.sql must not change), in ${ALLOWANCES_FILE} beside it: migration.sql:<line> allow <rule> -- <why it is safe>`,
    '',
  ].join('\n');
}

export function lintSummary(report: LintReport): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${count(report.migrations.length, 'migration')} linted (migration.sql and down.sql, ${ALL_RULES.length} rules): ${count(report.errors, 'error')}, ${count(report.warnings, 'warning')}.`;
}

/** The rules with their severity, summary and peers, then the engine's own checks: `migrate-lint --listRules`. */
export function renderRuleList(): string {
  return [
    textTable(
      ['rule', 'severity', 'what it wants', 'squawk', 'strong_migrations', 'Atlas'],
      ALL_RULES.map((r) => [r.id, r.severity, r.summary, r.peers.squawk ?? '', r.peers.strongMigrations ?? '', r.peers.atlas ?? '']),
    ),
    '',
    textTable(['check', 'what it reports'], Object.entries(ENGINE_CHECKS).map(([id, what]) => [id, what])),
  ].join('\n');
}
