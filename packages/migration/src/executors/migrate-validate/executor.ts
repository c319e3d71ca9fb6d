import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { withDatabase } from '../../engine/connection';
import { startEmbeddedPostgres } from '../../engine/embedded-postgres';
import type { PgMajor } from '../../engine/postgres-releases';
import { createDataMigrationRunner } from '../../runtime/data-migration-runner';
import { configuredDatabaseUrl, embeddedDataDir } from '../../runtime/database-selection';
import type { RuntimeLogger } from '../../runtime/logger';
import { activeRecords, isApplied, readMigrationRecords } from '../../runtime/migration-records';
import { withClient } from '../../runtime/pg-client';
import type { ProjectTarget } from '../../runtime/project-target';
import { formatMs, textTable } from '../../runtime/text-table';
import { validateMigrations, type ValidationReport } from '../../runtime/validate/validate';
import { renderTrafficText, trafficSection, writeTrafficSection } from '../../runtime/validate/traffic/render';
import { validationRecordPath, writeValidationRecord } from '../../runtime/validate/validation-record';
import { REPORT_FILE } from '../../rules/write-report';
import { inputError } from '../../errors';
import { DEFAULT_PG_MAJOR } from '../../engine/postgres-releases';
import { parsePgVersion } from '../../versions/pg-version';
import { PG_VERSION_OPTION, readProjectContext, runExecutor, withProjectTarget, type ProjectContext } from '../shared/project-context';
import type { MigrateValidateExecutorSchema } from './schema';

/** `nx run prisma:migrate-validate`: the CI gate. Proves pending migrations on a throwaway database. */
export default async function migrateValidateExecutor(options: MigrateValidateExecutorSchema, context: ExecutorContext) {
  return runExecutor(async () => {
    const project = readProjectContext(context);
    const pgVersion = parsePgVersion(options.pgVersion, PG_VERSION_OPTION);
    const stallMs = maxStallMs(options.maxStallMs);
    const traffic = options.traffic !== false && String(options.traffic) !== 'false';
    const toProve = options.all ? project.directory.migrations.map((m) => m.name) : await pendingMigrations(project, options, pgVersion);
    project.logger.info(
      toProve.length
        ? `Proving ${toProve.length} migration(s): ${toProve.join(', ')}`
        : 'No migration pending on the target database; checking that the migrations produce schema.prisma.',
    );
    const report = await withThrowawayDatabase(options.shadowDatabaseUrl, pgVersion, project.logger, async (url) => {
      const target: ProjectTarget = {
        url,
        directory: project.directory,
        dataMigrations: createDataMigrationRunner(url, join(project.workspaceRoot, project.layout.dataMigrationsDir), project.logger),
        logger: project.logger,
        retryDelayMs: 200,
      };
      return validateMigrations(target, toProve, project.schemaFiles, {
        seedRows: options.seedRows,
        maxRollbackMs: (options.maxRollbackSeconds ?? 300) * 1000,
        traffic: traffic && { maxStallMs: stallMs },
      });
    });
    writeValidationRecord(validationRecordPath(project.workspaceRoot, project.projectName), project.projectName, project.directory, report);
    for (const m of report.migrations) {
      if (!m.traffic) continue;
      const section = trafficSection(m, { maxStallMs: stallMs, postgres: `PostgreSQL ${pgVersion ?? DEFAULT_PG_MAJOR}${options.shadowDatabaseUrl ? ' (shadow server)' : ' (embedded)'}` });
      writeTrafficSection(join(project.workspaceRoot, project.layout.migrationsDir, m.migration, REPORT_FILE), section);
    }
    project.logger.info(renderValidation(report));
    return report.ok;
  }, [options.databaseUrl, options.shadowDatabaseUrl]);
}

/**
 * Migrations not applied on the target database. Without a configured database and before the
 * embedded one was ever created, everything is pending (a fresh CI machine).
 */
async function pendingMigrations(project: ProjectContext, options: MigrateValidateExecutorSchema, pgVersion: PgMajor | undefined): Promise<string[]> {
  const all = project.directory.migrations.map((m) => m.name);
  const configured = configuredDatabaseUrl({
    databaseUrl: options.databaseUrl,
    configFile: project.layout.configFile ? join(project.workspaceRoot, project.layout.configFile) : null,
    schemaFiles: project.schemaFiles,
  });
  if (!configured && !existsSync(join(embeddedDataDir(project.workspaceRoot, pgVersion), 'PG_VERSION'))) return all;
  return withProjectTarget(project, options, 'workspace', async (target) => {
    const applied = activeRecords(await withClient(target.url, readMigrationRecords));
    return all.filter((name) => {
      const record = applied.get(name);
      return !record || !isApplied(record);
    });
  });
}

/** A fresh database: on the given server (created, then dropped), else on a throwaway embedded PostgreSQL of `pgVersion`. */
async function withThrowawayDatabase<T>(
  serverUrl: string | undefined,
  pgVersion: PgMajor | undefined,
  logger: RuntimeLogger,
  fn: (url: string) => Promise<T>,
): Promise<T> {
  if (!serverUrl) {
    const server = await startEmbeddedPostgres({ pgVersion, onNotice: (m) => logger.info(m) });
    logger.info(`Proving on a throwaway embedded PostgreSQL ${server.major}.`);
    try {
      return await fn(server.url);
    } finally {
      await server.stop();
    }
  }
  const name = `forge_validate_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  try {
    return await fn(withDatabase(serverUrl, name));
  } finally {
    await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

/** --maxStallMs as given (a number, or a string from the command line), checked. */
function maxStallMs(value: unknown = 1000): number {
  const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw inputError(`--maxStallMs must be a number of milliseconds ≥ 0 (got ${JSON.stringify(value)}).`);
  return ms;
}

export function renderValidation(report: ValidationReport): string {
  const table = textTable(
    ['migration', 'up', 'validate()', 'down', 're-up', 'rows', 'verdict'],
    report.migrations.map((m) => [
      m.migration,
      formatMs(m.upMs),
      m.validated === null ? '—' : m.validated ? 'true' : 'FALSE',
      formatMs(m.downMs),
      formatMs(m.reapplyMs),
      m.rows,
      m.verdict === 'pass' ? 'pass' : 'FAIL',
    ]),
  );
  const traffic = report.migrations.map(renderTrafficText).filter(Boolean);
  const problems = report.migrations.flatMap((m) => m.problems.map((p) => `✗ ${m.migration}: ${p}`));
  const drift = report.drift ? [`✗ after all migrations the database differs from schema.prisma; it would need:\n${report.drift}`] : [];
  const verdict = report.ok ? '✓ every migration applies, rolls back to the exact schema and rows, and re-applies.' : '✗ validation failed.';
  return ['', report.migrations.length ? table : '', ...traffic, ...problems, ...drift, verdict].filter((l) => l !== '').join('\n');
}
