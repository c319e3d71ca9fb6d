import { diffDatabaseToSchema, introspectDatabase } from '../../engine/operations';
import type { SchemaFile } from '../../engine/schema-engine';
import { toEngineSchema } from '../../prisma-schema/engine-view';
import { migrate } from '../migrate';
import { migrateDown } from '../migrate-down';
import { withClient } from '../pg-client';
import type { ProjectTarget } from '../project-target';
import { parseSeedHints, seedTables } from '../seed';
import { fingerprintDifference, schemaFingerprint } from './fingerprint';
import { changedTables, tableChecksums } from './table-checksums';
import { touchedTables } from './touched-tables';

export interface ValidateOptions {
  /** Rows seeded into each touched table that is empty (default 100). */
  seedRows?: number;
  /** The seed's limit for a rollback (default 5 minutes). */
  maxRollbackMs?: number;
}

export interface MigrationValidation {
  migration: string;
  upMs: number;
  downMs: number;
  reapplyMs: number;
  /** Rows in the tables the migration touches when it ran. */
  rows: number;
  /** The data migration's validate() (null: no data migration). */
  validated: boolean | null;
  problems: string[];
  verdict: 'pass' | 'fail';
}

export interface ValidationReport {
  migrations: MigrationValidation[];
  /** SQL that would bring the database to schema.prisma after all migrations ('' = none). */
  drift: string;
  ok: boolean;
}

/**
 * Proves migrations on a throwaway database (`target` must point at one): applies the history up
 * to the first migration to prove, then for each: seed the tables it touches, record the schema
 * and every row, up, validate(), down, check the schema and rows are exactly as before, up again.
 * Finally the database must match schema.prisma.
 */
export async function validateMigrations(
  target: ProjectTarget,
  toProve: string[],
  schemaFiles: SchemaFile[],
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const migrations = target.directory.migrations;
  const out = target.logger;
  // Each step's own progress lines would drown the verdicts: keep only their warnings.
  target = { ...target, logger: { info: () => undefined, warn: (message) => out.warn(message) } };
  const first = migrations.findIndex((m) => toProve.includes(m.name));
  const results: MigrationValidation[] = [];
  if (first > 0) await mustMigrate(target, migrations[first - 1].name);
  for (const migration of migrations.slice(Math.max(first, 0))) {
    if (!toProve.includes(migration.name)) {
      await mustMigrate(target, migration.name);
      continue;
    }
    const result = migration.downSql === null ? unprovable(migration.name) : await proveOne(target, migration.name, migration.sql, options);
    results.push(result);
    out.info(`${result.verdict === 'pass' ? '✓' : '✗'} ${migration.name}${result.problems.length ? `: ${result.problems.join('; ')}` : ''}`);
    if (result.verdict === 'fail') break;
  }
  const complete = results.length === toProve.length && results.every((r) => r.verdict === 'pass');
  const drift = complete ? await diffDatabaseToSchema({ url: target.url }, toEngineSchema(schemaFiles)) : '';
  return { migrations: results, drift, ok: complete && drift === '' };
}

async function proveOne(target: ProjectTarget, name: string, sql: string, options: ValidateOptions): Promise<MigrationValidation> {
  const problems: string[] = [];
  const maxRollbackMs = options.maxRollbackMs ?? 5 * 60_000;
  const before = await withClient(target.url, async (client) => {
    const existing = new Set((await client.query<{ t: string }>(`SELECT relname AS t FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r','p')`)).rows.map((r) => r.t));
    const touched = touchedTables(sql).filter((t) => existing.has(t));
    await seedTables(client, touched, { rows: options.seedRows ?? 100, onlyIfEmpty: true, hints: parseSeedHints(sql) });
    const checksums = await tableChecksums(client);
    return { touched, checksums, fingerprint: await schemaFingerprint(client) };
  });
  const introspected = await introspectDatabase({ url: target.url });
  const rows = before.touched.reduce((sum, t) => sum + (before.checksums.get(t)?.rows ?? 0), 0);

  const up = await timed(() => migrate(target, { to: name }));
  if (up.value.error) return fail(`up failed: ${up.value.error.message}`);
  const validated = target.dataMigrations.has(name) ? await target.dataMigrations.validate(name) : null;
  if (validated === false) problems.push('validate() returned false: not every row is in the migrated state');

  const down = await timed(() => migrateDown(target, 1));
  if (down.value.error) return fail(`down failed: ${down.value.error.message}`);
  if (down.ms > maxRollbackMs) problems.push(`rollback took ${Math.round(down.ms / 1000)} s, over the ${Math.round(maxRollbackMs / 1000)} s limit`);

  const drift = await diffDatabaseToSchema({ url: target.url }, introspected);
  if (drift) problems.push(`after down, the schema differs from before:\n${drift}`);
  await withClient(target.url, async (client) => {
    const difference = fingerprintDifference(before.fingerprint, await schemaFingerprint(client));
    if (difference.length) problems.push(`after down, the catalog differs from before:\n${difference.join('\n')}`);
    const changed = changedTables(before.checksums, await tableChecksums(client));
    if (changed.length) problems.push(`after down, rows differ from before in ${changed.join(', ')}`);
  });

  const reapply = await timed(() => migrate(target, { to: name }));
  if (reapply.value.error) problems.push(`re-applying after down failed: ${reapply.value.error.message}`);
  return {
    migration: name,
    upMs: up.ms,
    downMs: down.ms,
    reapplyMs: reapply.ms,
    rows,
    validated,
    problems,
    verdict: problems.length ? 'fail' : 'pass',
  };

  function fail(problem: string): MigrationValidation {
    return { migration: name, upMs: up?.ms ?? 0, downMs: 0, reapplyMs: 0, rows, validated: null, problems: [...problems, problem], verdict: 'fail' };
  }
}

/** A pending migration after the adoption point without down.sql: it cannot be rolled back, so it is not run. */
function unprovable(name: string): MigrationValidation {
  return {
    migration: name,
    upMs: 0,
    downMs: 0,
    reapplyMs: 0,
    rows: 0,
    validated: null,
    problems: [`has no down.sql, so it cannot be rolled back. Write its reverse in ${name}/down.sql (every migration after the adoption point must be reversible), then run migrate-validate again.`],
    verdict: 'fail',
  };
}

async function mustMigrate(target: ProjectTarget, to: string): Promise<void> {
  const result = await migrate(target, { to });
  if (result.error) throw new Error(`Applying the history up to ${to} failed: ${result.error.message}`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}
