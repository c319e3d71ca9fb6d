export * from './connection';
export * from './embedded-postgres';
export * from './migrations';
export * from './operations';
export { SchemaEngineError, loadSchemaEngineRuntime, type SchemaFile } from './schema-engine';
