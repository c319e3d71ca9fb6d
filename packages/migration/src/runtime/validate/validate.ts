import { analyzeMigration, type MigrationAnalysis } from '../../analysis/analyze';
import { schemaFactsFromHistory } from '../../analysis/schema-facts';
import { diffDatabaseToSchema, introspectDatabase } from '../../engine/operations';
import type { SchemaFile } from '../../engine/schema-engine';
import { toEngineSchema } from '../../prisma-schema/engine-view';
import { migrate } from '../migrate';
import { migrateDown } from '../migrate-down';
import { withClient, type Queryable } from '../pg-client';
import type { ProjectTarget } from '../project-target';
import { parseSeedHints, seedTables, type SeedHint } from '../seed';
import { fingerprintDifference, schemaFingerprint } from './fingerprint';
import { changedRows, changedTables, rowHashes, tableChecksums } from './table-checksums';
import { touchedTables } from './touched-tables';
import { enumLabels, previousVersionProblems, unknownEnumValues } from './previous-version';
import { planWorkload } from './traffic/workload-plan';
import { phaseOf } from '../../recipes/phase';
import { measureScriptLocks, type StatementLocks } from './traffic/lock-report';
import { fixListedRows, listedValues } from './traffic/listed-values';
import { newSharedTraffic, TrafficSession, type SharedTraffic, type StepTraffic, type TrafficOptions } from './traffic/traffic-session';

export interface ValidateOptions {
  /** Rows seeded into each touched table that is empty (default 100). */
  seedRows?: number;
  /** The seed's limit for a rollback (default 5 minutes). */
  maxRollbackMs?: number;
  /** Application writes on the touched tables during every step (default: on); false: a quiet database. */
  traffic?: boolean | TrafficOptions;
  /** The workload's log and row numbering for the whole run; pass one to read the committed writes afterwards. */
  sharedTraffic?: SharedTraffic;
}

/** What the workload saw while a migration was proven. */
export interface MigrationTraffic {
  steps: StepTraffic[];
  /** Every statement of migration.sql and down.sql: predicted locks beside those PostgreSQL took. */
  locks: StatementLocks[];
  /** Writes committed during the proof. */
  writes: number;
  /** Writes the database refused (not committed), by message: an old application meeting a dropped column, a value a trigger rejects. */
  refused: { message: string; count: number }[];
  /** Values at a type's edge the migration stopped on and named, as it must (the proof went on without them). */
  stoppedOn: string[];
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
  /** Absent with traffic off. */
  traffic?: MigrationTraffic;
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
 * With traffic (the default), an application keeps writing to the touched tables through every
 * step, and every committed write is checked after each step. Finally the database must match
 * schema.prisma.
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
  const shared = options.sharedTraffic ?? newSharedTraffic();
  if (first > 0) await mustMigrate(target, migrations[first - 1].name);
  for (const [index, migration] of migrations.entries()) {
    if (index < Math.max(first, 0)) continue;
    if (!toProve.includes(migration.name)) {
      await mustMigrate(target, migration.name);
      continue;
    }
    const history = migrations.slice(0, index).map((m) => m.sql);
    const laterReferences = migrations.slice(index + 1).flatMap((m) => parseSeedHints(m.sql)).filter((h) => 'references' in h);
    const result =
      migration.downSql === null ? unprovable(migration.name) : await proveOne(target, migration.name, migration.sql, migration.downSql, history, options, shared, laterReferences);
    results.push(result);
    out.info(`${result.verdict === 'pass' ? '✓' : '✗'} ${migration.name}${result.problems.length ? `: ${result.problems.join('; ')}` : ''}`);
    if (result.verdict === 'fail') break;
  }
  const complete = results.length === toProve.length && results.every((r) => r.verdict === 'pass');
  const drift = complete ? await diffDatabaseToSchema({ url: target.url }, toEngineSchema(schemaFiles)) : '';
  return { migrations: results, drift, ok: complete && drift === '' };
}

async function proveOne(
  target: ProjectTarget,
  name: string,
  sql: string,
  downSql: string | null,
  history: string[],
  options: ValidateOptions,
  shared: SharedTraffic,
  laterReferences: SeedHint[] = [],
): Promise<MigrationValidation> {
  const problems: string[] = [];
  const maxRollbackMs = options.maxRollbackMs ?? 5 * 60_000;
  // Rows seeded now must also suit a foreign key a later pending migration adds (real rows would
  // have been written through the relation): no orphan the seed itself made, no edge value there.
  const own = parseSeedHints(sql);
  const hints = [...own, ...laterReferences.filter((h) => !own.some((o) => o.table === h.table && o.column === h.column))];
  const before = await withClient(target.url, async (client) => {
    const existing = new Set((await client.query<{ t: string }>(`SELECT relname AS t FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r','p')`)).rows.map((r) => r.t));
    const touched = touchedTables(sql).filter((t) => existing.has(t));
    await seedTables(client, touched, { rows: options.seedRows ?? 100, onlyIfEmpty: true, hints });
    const checksums = await tableChecksums(client);
    return { touched, checksums, fingerprint: await schemaFingerprint(client) };
  });
  const introspected = await introspectDatabase({ url: target.url });
  const rows = before.touched.reduce((sum, t) => sum + (before.checksums.get(t)?.rows ?? 0), 0);

  const trafficOptions = options.traffic === false ? undefined : options.traffic === true || options.traffic === undefined ? {} : options.traffic;
  const traffic = trafficOptions ? new TrafficSession(target.url, before.touched, hints, trafficOptions, shared) : undefined;
  const keyed = traffic ? await withClient(target.url, (client) => keyedRows(client, before.touched)) : new Map<string, { key: string; hashes: Map<string, string> }>();
  const analysis = traffic ? await predictedLocks(sql, downSql, history) : undefined;
  const writesBefore = shared.log.writes.length;
  const locks: StatementLocks[] = [];
  const stoppedOn: string[] = [];
  const step = <T>(label: string, fn: () => Promise<T>, split?: (value: T) => { name: string; ms: number }[]) => (traffic ? traffic.run(label, fn, split) : fn());
  const upSteps = (r: Awaited<ReturnType<typeof migrate>>) => r.steps.map((s) => ({ name: s.kind === 'sql' ? 'migration.sql' : 'data migration up()', ms: s.ms }));

  /**
   * A step under traffic that stops on a value at a type's edge the application wrote, naming it,
   * does what it must (String → Int meeting 'not a number', a rollback to an enum meeting ''). The
   * rows are fixed as a user would (deleted), and the step runs again without such values.
   */
  async function stopsOnListed<T extends { error?: Error }>(label: string, fn: () => Promise<T>, split: (value: T) => { name: string; ms: number }[]): Promise<T> {
    let result = await step(label, fn, split);
    // Each stop names the values of one statement or batch; a few rounds reach every kind.
    for (let round = 1; round <= MAX_LISTED_ROUNDS && result.error && traffic; round++) {
      const message = result.error.message;
      const listed = await withClient(target.url, (client) => listedValues(client, traffic.log, message));
      if (!listed.length) break;
      stoppedOn.push(...listed.map(({ write, column, label: value }) => `${label}: ${value} in "${write.table}"."${column}" (row ${write.keyColumn}=${write.key})`));
      await withClient(target.url, (client) => fixListedRows(client, traffic.log, listed));
      traffic.edgeValues = false;
      result = await step(`${label} (after fixing the listed rows${round > 1 ? `, ${round}` : ''})`, fn, split);
    }
    return result;
  }

  // An expand migration promises that the previous application version keeps working: its
  // statements, planned from the schema before, must still succeed after it.
  const expand = phaseOf(sql) === 'expand';
  const previous = expand ? await withClient(target.url, (client) => planWorkload(client, before.touched, hints)) : [];
  const enumsBefore = expand ? await withClient(target.url, enumLabels) : new Map<string, string[]>();
  if (analysis) locks.push(...(await measureScriptLocks(target.url, sql, analysis.up, 'migration.sql')));
  const up = await timed(() => stopsOnListed('up', () => migrate(target, { to: name }), upSteps));
  if (up.value.error) return fail(`up failed: ${up.value.error.message}`);
  if (traffic) problems.push(...(await traffic.check('up')));
  const validated = target.dataMigrations.has(name) ? await target.dataMigrations.validate(name) : null;
  if (validated === false) problems.push('validate() returned false: not every row is in the migrated state');
  const broken = [...(await previousVersionProblems(target.url, previous)), ...(expand ? unknownEnumValues(enumsBefore, await withClient(target.url, enumLabels)) : [])];
  if (broken.length) {
    problems.push(
      ...broken.map((b) => `${b}. This migration is marked expand (no "-- forge:phase contract" first line), so the previous version must keep working after it: mark it contract, or make it compatible`),
    );
  }

  if (analysis?.down && downSql !== null) locks.push(...(await measureScriptLocks(target.url, downSql, analysis.down, 'down.sql')));
  const down = await timed(() =>
    stopsOnListed('down', () => migrateDown(target, 1), (r) => r.rolledBack.flatMap((b) => [{ name: 'data migration down()', ms: b.dataMs }, { name: 'down.sql', ms: b.sqlMs }])),
  );
  if (down.value.error) return fail(`down failed: ${down.value.error.message}`);
  if (down.ms > maxRollbackMs) problems.push(`rollback took ${Math.round(down.ms / 1000)} s, over the ${Math.round(maxRollbackMs / 1000)} s limit`);
  if (traffic) problems.push(...(await traffic.check('down')));

  const drift = await diffDatabaseToSchema({ url: target.url }, introspected);
  if (drift) problems.push(`after down, the schema differs from before:\n${drift}`);
  await withClient(target.url, async (client) => {
    const difference = fingerprintDifference(before.fingerprint, await schemaFingerprint(client));
    if (difference.length) problems.push(`after down, the catalog differs from before:\n${difference.join('\n')}`);
    // Tables the workload writes to are compared row by row, leaving out the rows it wrote (checked write by write above).
    const quiet = new Map([...before.checksums].filter(([table]) => !keyed.has(table)));
    const changed = changedTables(quiet, await tableChecksums(client));
    for (const [table, { key, hashes }] of keyed) {
      const differ = changedRows(hashes, await rowHashes(client, table, key), new Set(traffic!.log.writtenKeys(table)));
      if (differ) changed.push(`${table} (${differ} rows the workload did not write differ)`);
    }
    if (changed.length) problems.push(`after down, rows differ from before in ${changed.join(', ')}`);
  });

  // Values the application wrote while the migration was rolled back meet its conversion again.
  const reapply = await timed(() => stopsOnListed('up again', () => migrate(target, { to: name }), upSteps));
  if (reapply.value.error) problems.push(`re-applying after down failed: ${reapply.value.error.message}`);
  else if (traffic) {
    problems.push(...(await traffic.check('up')));
    await traffic.settle();
  }
  if (traffic) problems.push(...traffic.stalls());
  // The same lost write shows after up and again after the re-apply: say it once.
  problems.splice(0, problems.length, ...new Set(problems));
  return {
    migration: name,
    upMs: up.ms,
    downMs: down.ms,
    reapplyMs: reapply.ms,
    rows,
    validated,
    problems,
    verdict: problems.length ? 'fail' : 'pass',
    ...trafficResult(),
  };

  function fail(problem: string): MigrationValidation {
    return { migration: name, upMs: up?.ms ?? 0, downMs: 0, reapplyMs: 0, rows, validated: null, problems: [...problems, problem], verdict: 'fail', ...trafficResult() };
  }

  function trafficResult(): { traffic?: MigrationTraffic } {
    if (!traffic) return {};
    const refused = [...traffic.errors].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count);
    return { traffic: { steps: traffic.steps, locks, writes: traffic.log.writes.length - writesBefore, refused, stoppedOn } };
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

/** Row hashes of the touched tables that have a one-column primary key (those the workload writes to). */
async function keyedRows(client: Queryable, tables: string[]): Promise<Map<string, { key: string; hashes: Map<string, string> }>> {
  const result = new Map<string, { key: string; hashes: Map<string, string> }>();
  for (const table of tables) {
    const { rows } = await client.query<{ key: string }>(
      `SELECT a.attname AS key FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indisprimary AND i.indnatts = 1 AND i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass`,
      [table],
    );
    if (rows[0]) result.set(table, { key: rows[0].key, hashes: await rowHashes(client, table, rows[0].key) });
  }
  return result;
}

/** What the analysis predicts for the migration, on the schema its history built. */
async function predictedLocks(sql: string, downSql: string | null, history: string[]): Promise<MigrationAnalysis | undefined> {
  try {
    return await analyzeMigration({ sql, downSql, schema: await schemaFactsFromHistory(history) });
  } catch {
    return undefined; // SQL the parser cannot read: migrate-lint says so; the proof goes on without the lock table
  }
}

/** How often a step may stop on values the workload wrote, be fixed and run again. */
const MAX_LISTED_ROUNDS = 5;

async function mustMigrate(target: ProjectTarget, to: string): Promise<void> {
  const result = await migrate(target, { to });
  if (result.error) throw new Error(`Applying the history up to ${to} failed: ${result.error.message}`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}
