import type { ExecutorContext } from '@nx/devkit';
import type { MigrationFolder } from '../../engine/migrations';
import { lintMigrations, type LintReport } from '../../analysis/lint/lint';
import { renderLintReport, renderRuleList } from '../../analysis/lint/format';
import { ForgeInputError } from '../../errors';
import { toList } from '../../generators/shared/options';
import { describeHistory, migrationHistory } from '../../runtime/history';
import { readProjectContext, runExecutor } from '../shared/project-context';
import type { MigrateLintExecutorSchema } from './schema';

/** `nx run prisma:migrate-lint [--migration <folder>] [--format json]`: no database needed. */
export default async function migrateLintExecutor(options: MigrateLintExecutorSchema, context: ExecutorContext) {
  return runExecutor(async () => {
    if (options.listRules) {
      console.log(renderRuleList());
      return true;
    }
    const project = readProjectContext(context);
    const { migrations } = project.directory;
    // Unless named, the history before the adoption point is only read: it ran long ago and must stay as it is.
    const history = migrationHistory(migrations);
    const only =
      selectFolders(migrations, toList(options.migration), project.layout.migrationsDir) ??
      (history.history.length ? migrations.map((m) => m.name).filter((name) => !history.history.includes(name)) : undefined);
    if (history.history.length && options.format !== 'json') project.logger.info(describeHistory(history));
    const report = await lintMigrations(
      migrations.map((m) => ({ name: m.name, up: m.sql, down: m.downSql, allowances: m.lintAllowances })),
      only ? { only } : {},
    );
    if (options.format === 'json') console.log(JSON.stringify({ project: project.projectName, ...report }, null, 2));
    else project.logger.info(renderLintReport(report));
    return passes(report, options.maxWarnings);
  });
}

/** Errors always fail; warnings only beyond --maxWarnings. */
function passes(report: LintReport, maxWarnings: number | undefined): boolean {
  return report.errors === 0 && (maxWarnings === undefined || report.warnings <= maxWarnings);
}

/** `--migration` names, full or without the timestamp, to folder names; an unknown one is an input error. */
function selectFolders(migrations: MigrationFolder[], wanted: string[], dir: string): string[] | undefined {
  if (!wanted.length) return undefined;
  return wanted.map((name) => {
    const found = migrations.filter((m) => m.name === name || m.name.replace(/^\d+_/, '') === name);
    if (found.length === 1) return found[0].name;
    if (found.length > 1) {
      throw new ForgeInputError(`--migration ${name} matches ${found.length} folders (${found.map((m) => m.name).join(', ')}). Give the full folder name.`);
    }
    const close = migrations.filter((m) => m.name.includes(name)).map((m) => m.name);
    throw new ForgeInputError(
      `No migration folder ${name} in ${dir}.${close.length ? ` Did you mean ${close.join(', ')}?` : ''} Fix: give a folder name (with or without its timestamp), or leave --migration out to lint them all.`,
    );
  });
}
