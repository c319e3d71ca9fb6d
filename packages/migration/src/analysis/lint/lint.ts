import { statementEffect } from '../effects';
import { parseMigration, SqlSyntaxError, type ParsedStatement } from '../parse';
import { transactionsOf } from '../transactions';
import { Catalog, type Origin } from '../catalog';
import { targetVersionOf } from '../../versions/migration-target';
import { ALL_RULES } from './rules';
import { ALLOWANCES_FILE, parseAllowances, type FileAllowance } from './allowance-file';
import { suppressionsAbove } from './suppressions';
import type { LintContext, LintFinding, LintRule, LintScript, ScriptKind, Severity } from './types';

/** A migration folder as the linter reads it. */
export interface MigrationSource {
  name: string;
  /** migration.sql */
  up: string;
  /** down.sql, or null when the folder has none. */
  down: string | null;
  /** The folder's lint-allowances.txt, if any (allowances that must not edit an applied migration.sql). */
  allowances?: string | null;
}

export interface LintOptions {
  /** Rules to run (default: all). */
  rules?: readonly LintRule[];
  /** Folders to report on; the others are read only as history (default: all). */
  only?: readonly string[];
}

export interface LintReport {
  findings: LintFinding[];
  /** The folders linted, in order. */
  migrations: string[];
  errors: number;
  warnings: number;
}

/** Checks that belong to the engine rather than to a rule; their ids can appear in findings too. */
export const ENGINE_CHECKS = {
  'syntax-error': 'PostgreSQL cannot parse the script.',
  'invalid-suppression': 'A forge-lint comment or lint-allowances.txt line without a reason, naming an unknown rule, or (in the file) no statement.',
  'unused-suppression': 'A forge-lint comment or lint-allowances.txt line that suppresses nothing (the statement is fine, or it names the wrong one).',
} as const;

/**
 * Lints migration folders in order. Each folder is linted knowing what the folders before it did
 * (tables created, checks validated, columns backed up…); its down.sql is linted against the state
 * after its migration.sql, which it reverses.
 */
export async function lintMigrations(migrations: readonly MigrationSource[], options: LintOptions = {}): Promise<LintReport> {
  const rules = options.rules ?? ALL_RULES;
  const only = options.only ? new Set(options.only) : null;
  const allowancesFor = (migration: MigrationSource, kind: ScriptKind) => parseAllowances(migration.allowances ?? '').filter((a) => a.script === kind);
  const history = Catalog.empty();
  const previous: string[] = [];
  const findings: LintFinding[] = [];
  const linted: string[] = [];
  for (const migration of migrations) {
    const report = !only || only.has(migration.name);
    const upStatements = await readScript(migration.name, 'migration.sql', migration.up, findings, report);
    if (report) {
      linted.push(migration.name);
      // Each script's effects on the schema it runs on: down.sql on the state migration.sql left.
      const up = upStatements && withEffects('migration.sql', migration.up, upStatements, history);
      const downBase = history.clone();
      if (upStatements) replay(downBase, upStatements, 'reversed');
      const downStatements = migration.down === null ? null : await readScript(migration.name, 'down.sql', migration.down, findings, true);
      const down = downStatements && withEffects('down.sql', migration.down!, downStatements, downBase);
      if (up) {
        findings.push(...lintScript({ folder: migration.name, sql: migration.up, script: up, down, reverses: null, previous, base: history, rules, allowances: allowancesFor(migration, 'migration.sql') }));
      }
      if (down && migration.down !== null) {
        findings.push(...lintScript({ folder: migration.name, sql: migration.down, script: down, down: null, reverses: up, previous, base: downBase, rules, allowances: allowancesFor(migration, 'down.sql') }));
      }
    }
    if (upStatements) replay(history, upStatements, 'earlier');
    previous.push(migration.name);
  }
  return {
    findings,
    migrations: linted,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

/** Parses a script; a syntax error becomes a finding (when the folder is reported) instead of stopping the run. */
async function readScript(folder: string, kind: ScriptKind, sql: string, findings: LintFinding[], report: boolean): Promise<ParsedStatement[] | null> {
  try {
    return await parseMigration(sql);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    if (report) {
      findings.push({
        migration: folder,
        script: kind,
        rule: 'syntax-error',
        severity: 'error',
        line: Number(/\(line (\d+)\)/.exec(error.message)?.[1] ?? 0),
        statement: '',
        message: `PostgreSQL cannot parse ${kind}: ${error.message}`,
        fix: 'Correct the SQL; nothing else in this file was checked.',
      });
    }
    return null;
  }
}

/** The script with each statement's effect on the schema as the statements before it leave it (the same facts the report uses). */
function withEffects(kind: ScriptKind, sql: string, statements: ParsedStatement[], base: Catalog): LintScript {
  const catalog = base.clone();
  const effects = statements.map((statement) => {
    const effect = statementEffect(statement, catalog);
    catalog.apply(statement, 'this');
    return { statement, effect };
  });
  // Steps of a down.sql are transactions of their own; any other script of several statements is one.
  const stepped = /^-- forge:(step|data-step)\b/m.test(sql);
  const transactions = transactionsOf(sql, effects.map((e) => ({ statement: e.statement, transactional: e.effect.transactional })));
  const linted = effects.map((e, index) => ({ ...e, index, transaction: stepped ? transactions[index] : 0 }));
  // Past the phase line and `-- @forge-…` directives: they are no title.
  const title = /^(?:\s*--\s*(?:@forge-|forge:phase ).*\n)*\s*--\s*(.+)/.exec(sql)?.[1]?.trim() ?? '';
  return { kind, statements: linted, transactional: linted.length > 1 || linted.every((s) => s.effect.transactional), title };
}

function replay(catalog: Catalog, statements: ParsedStatement[], origin: Origin): void {
  for (const statement of statements) catalog.apply(statement, origin);
}

interface ScriptInput {
  folder: string;
  sql: string;
  script: LintScript;
  down: LintScript | null;
  reverses: LintScript | null;
  previous: string[];
  base: Catalog;
  rules: readonly LintRule[];
  allowances: FileAllowance[];
}

function lintScript(input: ScriptInput): LintFinding[] {
  const { script } = input;
  const snapshots: Catalog[] = [input.base.clone()];
  const context: LintContext = {
    folder: input.folder,
    script,
    down: input.down,
    reverses: input.reverses,
    previous: [...input.previous],
    targetVersion: targetVersionOf(input.sql),
    catalogBefore(index) {
      while (snapshots.length <= index && snapshots.length <= script.statements.length) {
        const next = snapshots[snapshots.length - 1].clone();
        next.apply(script.statements[snapshots.length - 1].statement, 'this');
        snapshots.push(next);
      }
      return snapshots[Math.min(index, snapshots.length - 1)];
    },
  };
  const lines = input.sql.split('\n');
  // The comment above a statement and the lines of lint-allowances.txt that name it (or the whole script).
  const fromFile = input.allowances.map((a) => ({ ...a, used: new Set<string>() }));
  const suppressions = script.statements.map(({ statement }) => [
    ...suppressionsAbove(lines, statement).map((entry) => ({ ...entry, used: new Set<string>() })),
    ...fromFile.filter((a) => a.statementLine === null || a.statementLine === statement.line),
  ]);
  const findings: LintFinding[] = [];
  const finding = (rule: string, severity: Severity, line: number, statement: string, message: string, fix: string): LintFinding => ({
    migration: input.folder,
    script: script.kind,
    rule,
    severity,
    line,
    statement,
    message,
    fix,
  });

  for (const rule of input.rules) {
    for (const found of rule.check(context)) {
      const allowed = suppressions[found.statement.index].find((s) => s.reason && s.rules.includes(rule.id));
      if (allowed) {
        allowed.used.add(rule.id);
        continue;
      }
      const { statement } = found.statement;
      findings.push(finding(rule.id, found.severity ?? rule.severity, statement.line, statement.text, found.message, found.fix));
    }
  }

  const known = new Set(ALL_RULES.map((r) => r.id));
  const ran = new Set(input.rules.map((r) => r.id));
  const malformed = (s: { rules: string[]; reason: string }) => {
    const unknown = s.rules.filter((r) => !known.has(r));
    if (!s.rules.length) return 'is not of the form `allow <rule> -- <reason>`';
    if (!s.reason) return `gives no reason for allowing ${s.rules.join(', ')}`;
    return unknown.length ? `names unknown rule(s) ${unknown.join(', ')}` : null;
  };
  script.statements.forEach(({ statement }, index) => {
    for (const s of suppressions[index]) {
      if ('fileLine' in s) continue;
      const problem = malformed(s);
      if (problem) {
        findings.push(
          finding('invalid-suppression', 'error', s.line, statement.text, `The forge-lint comment on line ${s.line} ${problem.replace('`allow', '`-- forge-lint: allow')}.`, `Write it as \`-- forge-lint: allow <rule-id> -- <why this statement is safe>\`; rule ids: ${[...known].join(', ')}.`),
        );
        continue;
      }
      const unused = s.rules.filter((r) => ran.has(r) && !s.used.has(r));
      if (unused.length) {
        findings.push(
          finding('unused-suppression', 'warning', s.line, statement.text, `The forge-lint comment on line ${s.line} allows ${unused.join(', ')}, but the statement below it does not trigger ${unused.length > 1 ? 'them' : 'it'}.`, 'Remove the comment (or move it right above the statement it is meant for).'),
        );
      }
    }
  });
  findings.push(...fileAllowanceFindings(fromFile, script, ran, malformed, finding));
  return findings.sort((a, b) => a.line - b.line);
}

/** lint-allowances.txt lines that are malformed, name no statement of the script, or allow nothing. */
function fileAllowanceFindings(
  allowances: (FileAllowance & { used: Set<string> })[],
  script: LintScript,
  ran: Set<string>,
  malformed: (s: { rules: string[]; reason: string }) => string | null,
  finding: (rule: string, severity: Severity, line: number, statement: string, message: string, fix: string) => LintFinding,
): LintFinding[] {
  const where = (a: FileAllowance) => `${ALLOWANCES_FILE} line ${a.fileLine}`;
  return allowances.flatMap((a): LintFinding[] => {
    const line = a.statementLine ?? 0;
    const problem = malformed(a);
    if (problem) {
      return [finding('invalid-suppression', 'error', line, '', `${where(a)} ${problem.replace('`allow', `\`${a.script}[:<line>] allow`)}.`, `Write it as \`${a.script}:<line> allow <rule-id> -- <why this statement is safe>\` (the line migrate-lint reports), or without :<line> for the whole script.`)];
    }
    if (a.statementLine !== null && !script.statements.some((s) => s.statement.line === a.statementLine)) {
      const starts = script.statements.map((s) => s.statement.line).join(', ');
      return [finding('invalid-suppression', 'error', line, '', `${where(a)} names ${a.script}:${a.statementLine}, where no statement starts.`, `Use the line a statement starts on (${starts}).`)];
    }
    const unused = a.rules.filter((r) => ran.has(r) && !a.used.has(r));
    if (!unused.length) return [];
    return [finding('unused-suppression', 'warning', line, '', `${where(a)} allows ${unused.join(', ')}, but no statement it names triggers ${unused.length > 1 ? 'them' : 'it'}.`, `Remove the line from ${ALLOWANCES_FILE}.`)];
  });
}
