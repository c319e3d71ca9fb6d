import { explainEngineMessage, withoutEngineTrace } from './engine-errors';

// The engine's own text, as PostgreSQL 15 and schema-engine-wasm 7.10 produced it.
const TRACED = `ERROR: permission denied for schema public
   0: sql_schema_connector::sql_migration_persistence::initialize
           with namespaces=None filters=SchemaFilter { external_tables: [], external_enums: [] }
             at schema-engine/connectors/sql-schema-connector/src/sql_migration_persistence.rs:17
   1: schema_engine_wasm::wasm::engine::ApplyMigrations
             at schema-engine/schema-engine-wasm/src/wasm/engine.rs:167`;

describe('engine messages for users', () => {
  it('drops the span trace and keeps the message', () => {
    expect(withoutEngineTrace(TRACED)).toBe('ERROR: permission denied for schema public');
    expect(withoutEngineTrace('Drift detected: 1: not a trace line')).toBe('Drift detected: 1: not a trace line');
  });

  it('explains the failures users meet, naming the user when known', () => {
    expect(explainEngineMessage(TRACED, 'app')).toBe(
      'The database user "app" may not create tables in schema "public" (PostgreSQL 15 and later let only the schema\'s owner do that), ' +
        'and Prisma keeps _prisma_migrations and your tables there. As its owner, run GRANT CREATE ON SCHEMA "public" TO "app"; ' +
        '(or ALTER SCHEMA "public" OWNER TO "app";), or connect as the schema\'s owner.',
    );
    expect(explainEngineMessage(TRACED)).toContain('GRANT CREATE ON SCHEMA "public" TO the user of your database URL;');
    expect(explainEngineMessage('`sqlite` is not a supported connector.\n   0: schema_engine_wasm::wasm::engine::Diff')).toMatch(/^@forge\/migration supports PostgreSQL only, but the schema's datasource says provider = "sqlite"\./);
    expect(explainEngineMessage('column "x" does not exist')).toBe('column "x" does not exist');
  });
});
