import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintMigrations } from '../analysis/lint/lint';
import type { LintFinding } from '../analysis/lint/types';
import { SAMPLE_PROJECT_DIR } from './sample-tree';

/** The sample project's baseline (Tenant, User, Product, Order, OrderItem, AuditLog): the history rules see. */
export const SAMPLE_BASELINE = readFileSync(join(SAMPLE_PROJECT_DIR, 'prisma/migrations/20250101000000_baseline/migration.sql'), 'utf8');

export interface LintSqlOptions {
  /** migration.sql of the folders between the sample baseline and the linted one. */
  history?: string[];
  /** Leave the sample baseline out of the history (a folder linted on its own). */
  noBaseline?: boolean;
  /** The linted folder's down.sql. */
  down?: string;
  /** Only findings of this rule. */
  rule?: string;
}

/** Lints `sql` as the migration.sql of a folder that follows `history`; returns the linted folder's findings. */
export async function lintSql(sql: string, options: LintSqlOptions = {}): Promise<LintFinding[]> {
  const history = [...(options.noBaseline ? [] : [SAMPLE_BASELINE]), ...(options.history ?? [])];
  const migrations = [
    ...history.map((up, i) => ({ name: `2025010100000${i}_before_${i}`, up, down: null })),
    { name: '20250201000000_linted', up: sql, down: options.down ?? null },
  ];
  const report = await lintMigrations(migrations, { only: ['20250201000000_linted'] });
  return report.findings.filter((f) => !options.rule || f.rule === options.rule);
}

/** `line: rule` of each finding, for compact expectations. */
export function brief(findings: LintFinding[]): string[] {
  return findings.map((f) => `${f.script}:${f.line} ${f.rule}`);
}
