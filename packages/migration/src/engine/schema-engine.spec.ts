import { diffSchemas } from './operations';
import { OfflineAdapterFactory } from './offline-adapter';
import { SchemaEngineError, withSchemaEngine } from './schema-engine';

const SCHEMA = [{ path: 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n' }];

describe('the WebAssembly schema engine', () => {
  it('diffs two schemas without a database', async () => {
    expect(await diffSchemas(null, SCHEMA)).toContain('CREATE TABLE "A"');
    expect(await diffSchemas(SCHEMA, SCHEMA)).toBe('');
  });

  it('turns an engine panic into an error (not a hang) and recovers for the next call', async () => {
    const crash = withSchemaEngine(new OfflineAdapterFactory(), SCHEMA, async (engine) => engine.debugPanic());
    await expect(crash).rejects.toThrow(SchemaEngineError);
    await expect(crash).rejects.toThrow(/schema engine crashed/);
    expect(await diffSchemas(null, SCHEMA)).toContain('CREATE TABLE "A"');
  });
});
