import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { removeStaleThrowawayClusters, startEmbeddedPostgres, type EmbeddedDatabase } from '../../engine/embedded-postgres';
import type { PgMajor } from '../../engine/postgres-releases';
import { createDataMigrationRunner } from '../../runtime/data-migration-runner';
import { configuredDatabaseUrl, embeddedDataDir } from '../../runtime/database-selection';
import type { RuntimeLogger } from '../../runtime/logger';
import { describeHistory, migrationHistory } from '../../runtime/history';
import { activeRecords, isApplied, readMigrationRecords } from '../../runtime/migration-records';
import { withClient } from '../../runtime/pg-client';
import type { ProjectTarget } from '../../runtime/project-target';
import { formatMs, textTable } from '../../runtime/text-table';
import { createThrowawayDatabase } from '../../runtime/validate/throwaway-database';
import { validateMigrations, type ValidationReport } from '../../runtime/validate/validate';
import { renderTrafficText, trafficSection, writeTrafficSection } from '../../runtime/validate/traffic/render';
import { SHADOW_URL_OPTIONS, urlFromOptions } from '../../runtime/url-options';
import { proofAdvice, warnOnVersionMismatch } from '../../runtime/version-check';
import { validationRecordPath, writeValidationRecord } from '../../runtime/validate/validation-record';
import { REPORT_FILE } from '../../rules/write-report';
import { inputError } from '../../errors';
import { DEFAULT_PG_MAJOR } from '../../engine/postgres-releases';
import { parsePgVersion } from '../../versions/pg-version';
import { PG_VERSION_OPTION, readProjectContext, runExecutor, urlsOf, withProjectTarget, type ProjectContext } from '../shared/project-context';
import type { MigrateValidateExecutorSchema } from './schema';

/** `nx run prisma:migrate-validate`: the CI gate. Proves pending migrations on a throwaway database. */
export default async function migrateValidateExecutor(options: MigrateValidateExecutorSchema, context: ExecutorContext) {
  return runExecutor(async () => {
    const project = readProjectContext(context);
    const pgVersion = parsePgVersion(options.pgVersion, PG_VERSION_OPTION);
    const stallMs = maxStallMs(options.maxStallMs);
    const traffic = options.traffic !== false && String(options.traffic) !== 'false';
    const history = migrationHistory(project.directory.migrations);
    if (history.history.length) project.logger.info(describeHistory(history));
    const shadow = urlFromOptions(options.shadowDatabaseUrl, options.shadowDatabaseUrlEnv, SHADOW_URL_OPTIONS);
    // The throwaway server starts while the pending migrations are read from the workspace's database.
    const server = shadow ? undefined : startThrowawayServer(pgVersion, project.logger);
    server?.catch(() => undefined); // awaited below; a failure surfaces there
    let candidates: string[];
    try {
      candidates = options.all ? project.directory.migrations.map((m) => m.name) : await pendingMigrations(project, options, pgVersion);
    } catch (error) {
      await server?.then((started) => started.stop()).catch(() => undefined);
      throw error;
    }
    // History is the starting state of every proof, never something to prove.
    const toProve = candidates.filter((name) => !history.history.includes(name));
    project.logger.info(
      toProve.length
        ? `Proving ${toProve.length} migration(s): ${toProve.join(', ')}`
        : 'No migration pending on the target database; checking that the migrations produce schema.prisma.',
    );
    const report = await withThrowawayDatabase(server ?? shadow!.url, project.logger, async (url) => {
      const target: ProjectTarget = {
        url,
        directory: project.directory,
        dataMigrations: createDataMigrationRunner(url, join(project.workspaceRoot, project.layout.dataMigrationsDir), project.logger),
        logger: project.logger,
        retryDelayMs: 200,
        versionCheck: false,
      };
      // Once, before the proof (its many migrate() runs would repeat it): a server of another major proves other recipes.
      const proving = project.directory.migrations.filter((m) => toProve.includes(m.name));
      await warnOnVersionMismatch(url, proving, project.logger, proofAdvice);
      return validateMigrations(target, toProve, project.schemaFiles, {
        seedRows: options.seedRows,
        maxRollbackMs: (options.maxRollbackSeconds ?? 300) * 1000,
        traffic: traffic && { maxStallMs: stallMs },
      });
    });
    writeValidationRecord(validationRecordPath(project.workspaceRoot, project.projectName), project.projectName, project.directory, report);
    for (const m of report.migrations) {
      if (!m.traffic) continue;
      const section = trafficSection(m, { maxStallMs: stallMs, postgres: `PostgreSQL ${pgVersion ?? DEFAULT_PG_MAJOR}${shadow ? ' (shadow server)' : ' (embedded)'}` });
      writeTrafficSection(join(project.workspaceRoot, project.layout.migrationsDir, m.migration, REPORT_FILE), section);
    }
    project.logger.info(renderValidation(report));
    return report.ok;
  }, urlsOf(options));
}

/**
 * Migrations not applied on the target database. Without a configured database and before the
 * embedded one was ever created, everything is pending (a fresh CI machine).
 */
async function pendingMigrations(project: ProjectContext, options: MigrateValidateExecutorSchema, pgVersion: PgMajor | undefined): Promise<string[]> {
  const all = project.directory.migrations.map((m) => m.name);
  const configured = configuredDatabaseUrl({
    databaseUrl: options.databaseUrl,
    databaseUrlEnv: options.databaseUrlEnv,
    configFile: project.layout.configFile ? join(project.workspaceRoot, project.layout.configFile) : null,
    schemaFiles: project.schemaFiles,
  });
  if (!configured && !existsSync(join(embeddedDataDir(project.workspaceRoot, pgVersion), 'PG_VERSION'))) return all;
  return withProjectTarget(
    project,
    options,
    'workspace',
    async (target) => {
      const applied = activeRecords(await withClient(target.url, readMigrationRecords));
      return all.filter((name) => {
        const record = applied.get(name);
        return !record || !isApplied(record);
      });
    },
    'lazy', // reading the records needs no data migration
  );
}

/** A throwaway embedded PostgreSQL of `pgVersion` (clusters left by killed runs removed first). */
async function startThrowawayServer(pgVersion: PgMajor | undefined, logger: RuntimeLogger): Promise<EmbeddedDatabase> {
  const stale = await removeStaleThrowawayClusters();
  if (stale.length) logger.info(`Removed ${stale.length} throwaway PostgreSQL cluster(s) left by killed runs: ${stale.join(', ')}.`);
  return startEmbeddedPostgres({ pgVersion, onNotice: (m) => logger.info(m) });
}

/** A fresh database: the throwaway embedded server (stopped after), else one created on the given server (then dropped). */
async function withThrowawayDatabase<T>(server: Promise<EmbeddedDatabase> | string, logger: RuntimeLogger, fn: (url: string) => Promise<T>): Promise<T> {
  if (typeof server !== 'string') {
    const started = await server;
    logger.info(`Proving on a throwaway embedded PostgreSQL ${started.major}.`);
    try {
      return await fn(started.url);
    } finally {
      await started.stop();
    }
  }
  const database = await createThrowawayDatabase(server, logger);
  try {
    return await fn(database.url);
  } finally {
    await database.drop();
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
