import { PrismaSchemaError, readDatamodel } from './prisma-fmt';

const SCHEMA = [{ path: 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id Int @id\n}\n' }];

describe('readDatamodel', () => {
  it('reads a schema read before as a fresh object (a caller changing its copy cannot change the next)', () => {
    const first = readDatamodel(SCHEMA);
    first.models[0].name = 'Changed';
    const second = readDatamodel(SCHEMA);
    expect(second.models.map((m) => m.name)).toEqual(['User']);
    expect(second).not.toBe(first);
  });

  it('refuses an invalid schema on every read, with Prisma’s message', () => {
    const invalid = [{ path: 'schema.prisma', content: SCHEMA[0].content.replace('Int @id', 'Intt @id') }];
    for (let i = 0; i < 2; i++) {
      expect(() => readDatamodel(invalid)).toThrow(PrismaSchemaError);
      expect(() => readDatamodel(invalid)).toThrow(/Type "Intt" is neither a built-in type/);
    }
  });
});
