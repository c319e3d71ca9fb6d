import { diffSchemas, diffSchemasBothWays } from './operations';
import { OfflineAdapterFactory } from './offline-adapter';
import { SchemaEngineError, withSchemaEngine } from './schema-engine';

const SCHEMA = [{ path: 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n' }];

describe('the WebAssembly schema engine', () => {
  it('diffs two schemas without a database', async () => {
    expect(await diffSchemas(null, SCHEMA)).toContain('CREATE TABLE "A"');
    expect(await diffSchemas(SCHEMA, SCHEMA)).toBe('');
  });

  it('takes Prisma 6 schemas (url and directUrl in the datasource) like Prisma 7 ones', async () => {
    const prisma6 = SCHEMA.map((f) => ({ ...f, content: f.content.replace('provider = "postgresql"', 'provider  = "postgresql"\n  url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")') }));
    expect(prisma6[0].content).toContain('directUrl');
    expect(await diffSchemas(null, prisma6)).toBe(await diffSchemas(null, SCHEMA));
    expect(await diffSchemasBothWays(prisma6, SCHEMA)).toEqual({ up: '', down: '' });
  });

  it('turns an engine panic into an error (not a hang) and recovers for the next call', async () => {
    const crash = withSchemaEngine(new OfflineAdapterFactory(), SCHEMA, async (engine) => engine.debugPanic());
    await expect(crash).rejects.toThrow(SchemaEngineError);
    await expect(crash).rejects.toThrow(/schema engine crashed/);
    expect(await diffSchemas(null, SCHEMA)).toContain('CREATE TABLE "A"');
  });
});
