import type {
  DiagnoseMigrationHistoryOutput,
  DiffTarget,
  EvaluateDataLossOutput,
  SchemaFilter,
} from '@prisma/schema-engine-wasm';
import { parseDatabaseUrl, type DatabaseTarget } from './connection';
import { toMigrationList, type MigrationFolder, type MigrationsDirectory } from './migrations';
import { OfflineAdapterFactory } from './offline-adapter';
import { PgAdapterFactory } from './pg-adapter';
import { withSchemaEngine, type SchemaEngine, type SchemaFile } from './schema-engine';

/** Plain async functions over Prisma's schema engine: everything else calls these, never the engine. */

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };
const MINIMAL_SCHEMA: SchemaFile[] = [{ path: 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n' }];
const EMPTY_MIGRATION = /^-- This is an empty migration\.\s*$/;

function onDatabase<T>(db: DatabaseTarget, schema: SchemaFile[] | undefined, fn: (engine: SchemaEngine) => Promise<T>) {
  return withSchemaEngine(new PgAdapterFactory(parseDatabaseUrl(db.url)), schema ?? MINIMAL_SCHEMA, fn);
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
  return withSchemaEngine(new OfflineAdapterFactory(), to ?? from ?? MINIMAL_SCHEMA, async (engine) => {
    const result = await engine.diff({ from: datamodel(from), to: datamodel(to), script: true, exitCode: null, filters: NO_FILTERS });
    return normalizeScript(result.stdout);
  });
}

/** Both directions of a change with one engine start: `up` goes before → after, `down` back. */
export async function diffSchemasBothWays(before: SchemaFile[], after: SchemaFile[]): Promise<{ up: string; down: string }> {
  return withSchemaEngine(new OfflineAdapterFactory(), after, async (engine) => {
    const diff = async (from: SchemaFile[], to: SchemaFile[]) =>
      normalizeScript((await engine.diff({ from: datamodel(from), to: datamodel(to), script: true, exitCode: null, filters: NO_FILTERS })).stdout);
    return { up: await diff(before, after), down: await diff(after, before) };
  });
}

/** Drift check: the SQL that would turn the live database into `schema` ('' when they match). */
export async function diffDatabaseToSchema(db: DatabaseTarget, schema: SchemaFile[]): Promise<string> {
  return onDatabase(db, schema, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files: schema, configDir: '.' },
      to: { tag: 'schemaDatamodel', files: schema },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return normalizeScript(result.stdout);
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
  return onDatabase(db, undefined, async (engine) => {
    const output = await engine.applyMigrations({ migrationsList: toMigrationList(directory, migrations), filters: NO_FILTERS });
    return output.appliedMigrationNames;
  });
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
  return onDatabase(db, schema, async (engine) => {
    const migrationsList = toMigrationList(directory);
    // The engine only has a shadow database to compare against after a diagnostic on this instance.
    await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });
    return engine.evaluateDataLoss({ migrationsList, schema: { files: schema }, filters: NO_FILTERS });
  });
}
