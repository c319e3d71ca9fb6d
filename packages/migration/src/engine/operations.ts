import type {
  DiagnoseMigrationHistoryOutput,
  DiffTarget,
  EvaluateDataLossOutput,
  SchemaFilter,
} from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { withoutIdenticalIndexRecreation } from './index-recreation';
import { parseDatabaseUrl, type DatabaseTarget } from './connection';
import { explainEngineMessage } from './engine-errors';
import { toMigrationList, type MigrationFolder, type MigrationsDirectory } from './migrations';
import { OfflineAdapterFactory } from './offline-adapter';
import { PgAdapterFactory, type ScriptFailure } from './pg-adapter';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { withSchemaEngine, type SchemaEngine, type SchemaFile } from './schema-engine';

/**
 * Plain async functions over Prisma's schema engine: everything else calls these, never the engine.
 * They take Prisma 6 schemas (connection URLs in the datasource) and Prisma 7 ones alike.
 */

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };
const MINIMAL_SCHEMA: SchemaFile[] = [{ path: 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n' }];
const EMPTY_MIGRATION = /^-- This is an empty migration\.\s*$/;

function pgFactory(db: DatabaseTarget): PgAdapterFactory {
  const config = parseDatabaseUrl(db.url);
  if (db.lockTimeout) config.options = `${config.options} -c lock_timeout=${db.lockTimeout}`;
  if (db.applicationName) config.application_name = db.applicationName;
  return new PgAdapterFactory(config);
}

function databaseUser(db: DatabaseTarget): string | undefined {
  return parseDatabaseUrl(db.url).user;
}

function onDatabase<T>(db: DatabaseTarget, schema: SchemaFile[] | undefined, fn: (engine: SchemaEngine) => Promise<T>) {
  return withSchemaEngine(pgFactory(db), schema ?? MINIMAL_SCHEMA, fn, databaseUser(db));
}

/** A migration that PostgreSQL rejected: its error (code, message) and the failing statement. */
export class MigrationScriptError extends Error {
  constructor(
    readonly code: string,
    readonly statement: string | undefined,
    failure: ScriptFailure,
    /** The database user, named in the explanation of a permission error. */
    user?: string,
  ) {
    super(
      `${explainEngineMessage(failure.message, user)} (SQLSTATE ${failure.code})` +
        (failure.detail ? `\nDetail: ${failure.detail}` : '') +
        (failure.hint ? `\nHint: ${failure.hint}` : '') +
        (statement ? `\nFailing statement: ${statement}` : ''),
    );
    this.name = 'MigrationScriptError';
  }
}

function datamodel(files: SchemaFile[] | null): DiffTarget {
  return files ? { tag: 'schemaDatamodel', files } : { tag: 'empty' };
}

/** Prisma prints a comment for "no change"; callers want an empty string. */
function normalizeScript(stdout: string | null): string {
  const script = (stdout ?? '').trim();
  return EMPTY_MIGRATION.test(script) ? '' : `${script}\n`;
}

/**
 * The SQL Prisma's engine would write to go from one schema to another (null = empty database).
 * Needs no database: the engine starts on an offline adapter. Also validates both schemas.
 */
export async function diffSchemas(from: SchemaFile[] | null, to: SchemaFile[] | null): Promise<string> {
  [from, to] = [from && toEngineSchema(from), to && toEngineSchema(to)];
  return withSchemaEngine(new OfflineAdapterFactory(), to ?? from ?? MINIMAL_SCHEMA, async (engine) => {
    const result = await engine.diff({ from: datamodel(from), to: datamodel(to), script: true, exitCode: null, filters: NO_FILTERS });
    return normalizeScript(result.stdout);
  });
}

/**
 * Both directions of a change with one engine start: `up` goes before → after, `down` back (null =
 * empty database); with `created`, also the SQL that creates the schema before from an empty database.
 */
export async function diffSchemasBothWays(
  before: SchemaFile[] | null,
  after: SchemaFile[] | null,
  options: { created?: boolean } = {},
): Promise<{ up: string; down: string; created?: string }> {
  [before, after] = [before && toEngineSchema(before), after && toEngineSchema(after)];
  return withSchemaEngine(new OfflineAdapterFactory(), after ?? before ?? MINIMAL_SCHEMA, async (engine) => {
    const diff = async (from: SchemaFile[] | null, to: SchemaFile[] | null) =>
      normalizeScript((await engine.diff({ from: datamodel(from), to: datamodel(to), script: true, exitCode: null, filters: NO_FILTERS })).stdout);
    return { up: await diff(before, after), down: await diff(after, before), ...(options.created ? { created: await diff(null, before) } : {}) };
  });
}

/**
 * The database as a Prisma schema (`prisma db pull`): what validation compares the database with
 * after a rollback. Null for a database without tables.
 */
export async function introspectDatabase(db: DatabaseTarget): Promise<SchemaFile[] | null> {
  if (await hasNoTables(db)) return null; // the engine refuses to introspect an empty database
  return onDatabase(db, undefined, async (engine) => {
    const result = await engine.introspect({
      schema: { files: MINIMAL_SCHEMA },
      baseDirectoryPath: '.',
      force: true,
      compositeTypeDepth: -1,
      namespaces: null,
    });
    return result.schema.files;
  });
}

async function hasNoTables(db: DatabaseTarget): Promise<boolean> {
  const { schema: _schema, ...config } = parseDatabaseUrl(db.url);
  const client = new pg.Client(config);
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT 1 FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'v', 'm') AND relname <> '_prisma_migrations' LIMIT 1`,
    );
    return rows.length === 0;
  } finally {
    await client.end();
  }
}

/** Drift check: the SQL that would turn the live database into `schema` (null: no tables), '' when they match. */
export async function diffDatabaseToSchema(db: DatabaseTarget, schema: SchemaFile[] | null): Promise<string> {
  schema = schema && toEngineSchema(schema);
  return onDatabase(db, schema ?? undefined, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files: schema ?? MINIMAL_SCHEMA, configDir: '.' },
      to: datamodel(schema),
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return withoutIdenticalIndexRecreation(normalizeScript(result.stdout), parseDatabaseUrl(db.url));
  });
}

/**
 * Applies the not-yet-applied migrations among `migrations` (default: the whole directory) in
 * order, recording each in `_prisma_migrations` exactly as the Prisma CLI does.
 */
export async function applyMigrations(
  db: DatabaseTarget,
  directory: MigrationsDirectory,
  migrations: MigrationFolder[] = directory.migrations,
): Promise<string[]> {
  const factory = pgFactory(db);
  try {
    return await withSchemaEngine(
      factory,
      MINIMAL_SCHEMA,
      async (engine) => {
        const output = await engine.applyMigrations({ migrationsList: toMigrationList(directory, migrations), filters: NO_FILTERS });
        return output.appliedMigrationNames;
      },
      databaseUser(db),
    );
  } catch (error) {
    const failure = factory.lastScriptFailure;
    throw failure ? new MigrationScriptError(failure.code, failure.statement, failure, databaseUser(db)) : error;
  }
}

/** Applied / pending / failed / edited migrations, as `prisma migrate status` computes them. */
export async function diagnoseMigrationHistory(
  db: DatabaseTarget,
  directory: MigrationsDirectory,
): Promise<DiagnoseMigrationHistoryOutput> {
  return onDatabase(db, undefined, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList: toMigrationList(directory), optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
}

/** Marks a migration rolled back (what `prisma migrate resolve --rolled-back` does). */
export async function markMigrationRolledBack(db: DatabaseTarget, migrationName: string): Promise<void> {
  await onDatabase(db, undefined, (engine) => engine.markMigrationRolledBack({ migrationName }));
}

/** Records a migration as applied without running it (`prisma migrate resolve --applied`). */
export async function markMigrationApplied(db: DatabaseTarget, directory: MigrationsDirectory, migrationName: string): Promise<void> {
  await onDatabase(db, undefined, (engine) =>
    engine.markMigrationApplied({ migrationName, migrationsList: toMigrationList(directory) }),
  );
}

/** What Prisma warns about before migrating the database to `schema` (data loss, unexecutable steps). */
export async function evaluateDataLoss(
  db: DatabaseTarget,
  directory: MigrationsDirectory,
  schema: SchemaFile[],
): Promise<EvaluateDataLossOutput> {
  schema = toEngineSchema(schema);
  return onDatabase(db, schema, async (engine) => {
    const migrationsList = toMigrationList(directory);
    // The engine only has a shadow database to compare against after a diagnostic on this instance.
    await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });
    return engine.evaluateDataLoss({ migrationsList, schema: { files: schema }, filters: NO_FILTERS });
  });
}
