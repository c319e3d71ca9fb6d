import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatMs, textTable } from '../../text-table';
import type { MigrationValidation } from '../validate';

export const TRAFFIC_HEADING = '## Measured under traffic';

/** The console lines for one migration proven under traffic: latency per step, then locks per statement. */
export function renderTrafficText(m: MigrationValidation): string {
  if (!m.traffic) return '';
  const t = m.traffic;
  const steps = textTable(
    ['step', 'time', 'writes', 'worst', 'p99', 'just before', 'added'],
    t.steps.map((s) => [s.step, formatMs(s.ms), s.statements, formatMs(s.worstMs), formatMs(s.p99Ms), formatMs(s.baselineMs), formatMs(s.stallMs)]),
  );
  const locks = t.locks.length
    ? textTable(
        ['statement', 'predicted', 'measured'],
        t.locks.map((l) => [`${l.file}:${l.line} ${truncate(l.action, 60)}`, l.predicted, `${l.measured}${l.mismatches.length ? `  ✗ ${l.mismatches.join('; ')}` : ''}`]),
      )
    : '';
  return [`${m.migration} under traffic (${t.writes} committed writes):`, steps, locks, ...notes(m)].filter(Boolean).join('\n');
}

/** The report.md section: what the workload measured while the migration was proven. */
export function trafficSection(m: MigrationValidation, context: { maxStallMs: number; postgres: string }): string {
  const t = m.traffic!;
  const out = [
    TRAFFIC_HEADING,
    '',
    `Measured by \`migrate-validate\` on ${context.postgres}, ${m.rows} rows in the tables it touches, while an application session per table ` +
      `kept writing (single-row INSERTs relying on defaults, UPDATEs of every column with values at the types' edges, DELETEs): ` +
      `${t.writes} committed writes, each checked after every step. A step fails validation when it adds more than ${context.maxStallMs} ms ` +
      `to the workload's worst latency just before it. Figures of a small seeded database: the shape of the waits, not their length on production sizes.`,
    '',
    '| step | time | writes | worst | p99 | just before | added |',
    '|---|---|---|---|---|---|---|',
    ...t.steps.map((s) => `| ${s.step} | ${formatMs(s.ms)} | ${s.statements} | ${formatMs(s.worstMs)} | ${formatMs(s.p99Ms)} | ${formatMs(s.baselineMs)} | ${formatMs(s.stallMs)} |`),
  ];
  if (t.locks.length) {
    out.push(
      '',
      'Locks per statement, predicted by the analysis and taken on PostgreSQL (pg_locks, traced in a transaction rolled back):',
      '',
      '| statement | predicted | measured |',
      '|---|---|---|',
      ...t.locks.map((l) => `| \`${l.file}\`:${l.line} ${cell(truncate(l.action, 80))} | ${cell(l.predicted)} | ${cell(l.measured)}${l.mismatches.length ? ` — **${cell(l.mismatches.join('; '))}**` : ''} |`),
    );
  }
  const extra = notes(m);
  if (extra.length) out.push('', ...extra.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}

/** Puts the section into report.md (replacing an earlier one); a migration without report.md is left alone. */
export function writeTrafficSection(reportPath: string, section: string): boolean {
  if (!existsSync(reportPath)) return false;
  const report = readFileSync(reportPath, 'utf8');
  const start = report.indexOf(`\n${TRAFFIC_HEADING}\n`);
  let next = start < 0 ? -1 : report.indexOf('\n## ', start + 1);
  if (next < 0) next = report.length;
  const updated = start < 0 ? `${report.trimEnd()}\n\n${section}` : `${report.slice(0, start + 1)}${section}${next < report.length ? `\n${report.slice(next + 1)}` : ''}`;
  writeFileSync(reportPath, updated);
  return true;
}

function notes(m: MigrationValidation): string[] {
  const t = m.traffic!;
  const out: string[] = [];
  if (t.stoppedOn.length) out.push(`Stopped, naming the value, on what the application wrote (then the rows were deleted and the step ran again): ${t.stoppedOn.join('; ')}.`);
  const refused = t.refused.slice(0, 3).map((r) => `${r.message} (${r.count}×)`);
  if (refused.length) out.push(`Writes the database refused (not committed): ${refused.join('; ')}${t.refused.length > 3 ? `; ${t.refused.length - 3} more kinds` : ''}.`);
  const mismatched = t.locks.filter((l) => l.mismatches.length).length;
  if (mismatched) out.push(`${mismatched} statement(s) took locks other than predicted: the analysis is wrong about them.`);
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
