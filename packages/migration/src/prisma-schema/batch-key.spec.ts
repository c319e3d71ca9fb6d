import { batchKeyFields } from './batch-key';
import { readDatamodel } from './prisma-fmt';

function model(body: string) {
  const schema = `datasource db {\n  provider = "postgresql"\n}\n\nmodel M {\n${body}\n}\n`;
  return readDatamodel([{ path: 'schema.prisma', content: schema }]).models[0];
}

describe('batchKeyFields: what batched work pages on and backups are keyed by', () => {
  it('the primary key, one field or every field of @@id, before any unique key', () => {
    expect(batchKeyFields(model('  id    Int    @id\n  email String @unique'))).toEqual(['id']);
    expect(batchKeyFields(model('  tenant Int\n  slug   String\n  email  String @unique\n\n  @@id([tenant, slug])'))).toEqual(['tenant', 'slug']);
  });

  it('without one: a required @unique field, then a @@unique of required fields; never an optional or list field', () => {
    expect(batchKeyFields(model('  nick  String? @unique\n  email String  @unique'))).toEqual(['email']);
    expect(batchKeyFields(model('  nick String? @unique\n  a    Int\n  b    String\n\n  @@unique([a, b])'))).toEqual(['a', 'b']);
  });

  it('leaves out the fields being removed or changed', () => {
    expect(batchKeyFields(model('  email String @unique\n  code  String @unique'), ['email'])).toEqual(['code']);
    expect(batchKeyFields(model('  email String @unique\n  value String?'), ['email'])).toEqual([]);
  });
});
