export { lintMigrations, ENGINE_CHECKS, type LintOptions, type LintReport, type MigrationSource } from './lint';
export { renderLintReport, renderRuleList, lintSummary } from './format';
export { ALL_RULES } from './rules';
export type { LintContext, LintFinding, LintRule, RuleFinding, Severity } from './types';
